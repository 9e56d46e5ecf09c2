/**
 * Errors in OpenAI's shape, `{"error":{"message","type","param","code"}}` (code may be null), with
 * OpenAI's own wording for the common cases [conformance openai/chat-error-*]. Azure OpenAI uses
 * the same envelope for request errors but its own `{"error":{"code","message"}}` for gateway-level
 * ones (auth, unknown deployment, throttling), and adds `retry-after-ms` to 429s.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorError } from '../errors.js';
import { jsonReply, type HttpReply } from '../http.js';

export type OpenAiFlavor = 'openai' | 'azure';

interface OpenAiErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

const SERVER_ERROR_MESSAGE = 'The server had an error while processing your request. Sorry about that!';

export function openAiErrorBody(error: EmulatorError): OpenAiErrorBody {
  const body = (message: string, type: string, code: string | null, param: string | null = error.param ?? null): OpenAiErrorBody => ({ message, type, param, code });
  switch (error.kind) {
    case 'authentication':
      return body("You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.", 'invalid_request_error', 'invalid_api_key', null);
    case 'permission':
      return body('You are not allowed to perform this request.', 'invalid_request_error', 'permission_denied', null);
    case 'not-found':
      return body(error.method !== undefined ? `Invalid URL (${error.method} ${error.path ?? ''})` : error.message, 'invalid_request_error', null, null);
    case 'method-not-allowed':
      return body(`Invalid method for URL (${error.method ?? ''} ${error.path ?? ''})`, 'invalid_request_error', null, null);
    case 'invalid-json':
      return body("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)", 'invalid_request_error', null, null);
    case 'invalid-request':
      return body(error.message, 'invalid_request_error', error.code ?? null);
    case 'payload-too-large':
      return body('Request too large. Reduce the size of the request body and try again.', 'invalid_request_error', 'request_too_large', null);
    case 'model-not-found':
      return body(`The model \`${error.model ?? ''}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', null);
    case 'context-length-exceeded': {
      const input = error.inputTokens ?? 0;
      const output = error.outputTokens ?? 0;
      const message = output > 0
        ? `This model's maximum context length is ${error.limit ?? 0} tokens. However, you requested ${input + output} tokens (${input} in the messages, ${output} in the completion). Please reduce the length of the messages or completion.`
        : `This model's maximum context length is ${error.limit ?? 0} tokens. However, your messages resulted in ${input} tokens. Please reduce the length of the messages.`;
      return body(message, 'invalid_request_error', 'context_length_exceeded', 'messages');
    }
    case 'output-limit-exceeded':
      return body(`max_tokens is too large: ${error.outputTokens ?? 0}. This model supports at most ${error.limit ?? 0} completion tokens, whereas you provided ${error.outputTokens ?? 0}.`, 'invalid_request_error', 'invalid_value', error.param ?? 'max_tokens');
    case 'rate-limited':
      return body(`Rate limit reached for ${error.model ?? 'this model'} in organization org-emulator on tokens per min (TPM): Limit 30000, Used 30000, Requested 1. Please try again in ${error.retryAfterSeconds ?? 1}s. Visit https://platform.openai.com/account/rate-limits to learn more.`, 'tokens', 'rate_limit_exceeded', null);
    case 'quota-exceeded':
      return body('You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.', 'insufficient_quota', 'insufficient_quota', null);
    case 'unavailable':
      return body('The server is overloaded or not ready yet.', 'server_error', null, null);
    case 'overloaded':
      return body('The engine is currently overloaded, please try again later.', 'server_error', 'overloaded', null);
    case 'timeout':
      return body('Request timed out.', 'server_error', 'timeout', null);
    case 'server-error':
      return body(SERVER_ERROR_MESSAGE, 'server_error', null, null);
  }
}

/** Azure's own gateway errors; anything else it reports in OpenAI's envelope. */
function azureGatewayBody(error: EmulatorError): { code: string; message: string } | undefined {
  switch (error.kind) {
    case 'authentication':
      return { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' };
    case 'model-not-found':
      return { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' };
    case 'not-found':
    case 'method-not-allowed':
      return { code: '404', message: 'Resource not found' };
    case 'rate-limited':
      return { code: '429', message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${error.retryAfterSeconds ?? 1} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.` };
    default:
      return undefined;
  }
}

export function renderOpenAiError(error: EmulatorError, flavor: OpenAiFlavor = 'openai'): HttpReply {
  const headers: Record<string, string> = { 'x-request-id': newRequestId(flavor) };
  if (error.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.ceil(error.retryAfterSeconds));
    if (flavor === 'azure') headers['retry-after-ms'] = String(Math.round(error.retryAfterSeconds * 1000));
  }
  const azure = flavor === 'azure' ? azureGatewayBody(error) : undefined;
  const status = azure !== undefined && error.kind === 'method-not-allowed' ? 404 : error.status;
  return jsonReply(status, { error: azure ?? openAiErrorBody(error) }, headers);
}

/** Chat Completions has no documented in-stream error, but OpenAI does send `data: {"error":…}` mid-stream and the SDKs raise it. */
export function openAiStreamErrorPayload(error: EmulatorError): string {
  return JSON.stringify({ error: openAiErrorBody(error) });
}

export function newRequestId(flavor: OpenAiFlavor): string {
  return flavor === 'azure' ? randomUUID() : `req_${randomUUID().replace(/-/g, '')}`;
}
