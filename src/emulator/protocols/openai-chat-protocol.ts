/**
 * OpenAI Chat Completions as a `CompletionProtocol`, in two flavours that differ only at the
 * edges: api.openai.com (Bearer auth, `/v1/chat/completions`) and Azure OpenAI (`api-key` header,
 * the deployment in the URL, content-filter annotations, its own gateway errors).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CatalogModel } from '../catalog.js';
import { emulatorError, type EmulatorError } from '../errors.js';
import type { CompletionProtocol, DecodedRequest, RenderContext } from './protocol.js';
import { newRequestId, openAiStreamErrorPayload, renderOpenAiError, type OpenAiFlavor } from './openai-errors.js';
import { decodeChatRequest, type ChatRenderOptions } from './openai-chat-request.js';
import { renderChatCompletion } from './openai-chat-response.js';
import { renderChatStream } from './openai-chat-stream.js';
import { formatSseEvent } from '../../util/sse.js';

export function hasBearerToken(headers: IncomingHttpHeaders): boolean {
  return /^Bearer\s+\S+/i.test(headers.authorization ?? '');
}

export function hasAzureCredentials(headers: IncomingHttpHeaders): boolean {
  const apiKey = headers['api-key'];
  // Azure also accepts Entra ID bearer tokens.
  return (typeof apiKey === 'string' && apiKey.trim().length > 0) || hasBearerToken(headers);
}

export function createOpenAiChatProtocol(flavor: OpenAiFlavor): CompletionProtocol<ChatRenderOptions> {
  return {
    name: flavor === 'azure' ? 'azure-openai-chat' : 'openai-chat',
    hasCredentials: flavor === 'azure' ? hasAzureCredentials : hasBearerToken,
    decode: decodeChatRequest,
    checkModel,
    renderError: (error) => renderOpenAiError(error, flavor),
    successHeaders: (context) => successHeaders(context, flavor),
    renderResponse: (context, options) => renderChatCompletion(context, options, flavor),
    streamContentType: 'text/event-stream; charset=utf-8',
    renderStream: (context, options) => renderChatStream(context, options, flavor),
    renderStreamError: (error) => formatSseEvent(openAiStreamErrorPayload(error)),
  };
}

/** OpenAI rejects reasoning parameters on models that cannot reason, with this exact error. */
function checkModel(decoded: DecodedRequest<ChatRenderOptions>, model: CatalogModel): EmulatorError | undefined {
  if (decoded.prompt.reasoningEffort !== undefined && !model.reasoning) {
    return emulatorError('invalid-request', 400, "Unsupported parameter: 'reasoning_effort' is not supported with this model.", { param: 'reasoning_effort', code: 'unsupported_parameter' });
  }
  return undefined;
}

export function successHeaders(context: RenderContext, flavor: OpenAiFlavor): Record<string, string> {
  const processing = String(Math.round(context.generation.firstTokenDelayMs));
  if (flavor === 'azure') {
    return { 'apim-request-id': newRequestId('azure'), 'x-request-id': newRequestId('azure'), 'x-ms-region': 'East US', 'x-ms-deployment-name': context.model.name };
  }
  return {
    'x-request-id': newRequestId('openai'),
    'openai-organization': 'org-emulator',
    'openai-processing-ms': processing,
    'openai-version': '2020-10-01',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-limit-tokens': '30000000',
    'x-ratelimit-remaining-tokens': String(30_000_000 - context.generation.usage.inputTokens),
    'x-ratelimit-reset-requests': '6ms',
    'x-ratelimit-reset-tokens': '0s',
  };
}
