import type { GatewayConfig } from '../config/types.js';
import { GatewayError, toRenderable } from '../errors/catalogue.js';
import { encodeOpenAIError } from '../protocols/openai-chat/errors.js';
import { chatCompletionsEndpoint } from '../providers/endpoint.js';
import { PROVIDER_PROFILES } from '../providers/kinds.js';
import type { UpstreamClient } from '../providers/upstream-client.js';
import { replaceTopLevelString } from '../util/json-field.js';
import type { GatewayRequest, GatewayResponse } from './http-types.js';
import { parseJsonObject, readAll } from './read-body.js';
import { relayStream } from './relay.js';
import type { RequestScope } from './request-scope.js';
import { resolveModel } from './resolve-model.js';
import { forwardableHeaders } from './response-headers.js';

/** Error bodies are small; a provider sending megabytes of error is cut off. */
const ERROR_BODY_LIMIT = 256 * 1024;

export interface ChatDependencies {
  config: GatewayConfig;
  clients: ReadonlyMap<string, UpstreamClient>;
}

/**
 * POST /v1/chat/completions. To an OpenAI-protocol provider the body travels as it came, only
 * `model` rewritten in place, and the provider's answer comes back as it was sent.
 */
export async function handleChatCompletions(dependencies: ChatDependencies, request: GatewayRequest, scope: RequestScope): Promise<GatewayResponse> {
  const json = parseJsonObject(request.body);
  const model = json.model;
  if (model === undefined || model === null || model === '') {
    throw new GatewayError('missing_model', 'The request names no model: set "model" to a route alias or provider/model.', { param: 'model' });
  }
  if (typeof model !== 'string') throw new GatewayError('invalid_request', `"model" must be a string, got ${typeof model}.`, { param: 'model' });
  const streaming = json.stream === true;
  scope.stream = streaming;

  const { route, target } = resolveModel(dependencies.config, model);
  scope.route = route;
  scope.model = target.modelId;
  const provider = dependencies.config.providers.get(target.provider)!;
  const client = dependencies.clients.get(target.provider)!;
  if (PROVIDER_PROFILES[provider.kind].protocol !== 'openai-chat') {
    throw new GatewayError('unsupported_feature', `provider "${provider.name}" does not speak OpenAI Chat Completions.`, { param: 'model' });
  }

  const endpoint = chatCompletionsEndpoint(provider, target.upstreamModel, request.headers);
  const body = model === target.upstreamModel ? request.body : replaceTopLevelString(request.body, 'model', target.upstreamModel);
  endpoint.headers.accept = streaming ? 'text/event-stream' : 'application/json';
  endpoint.headers['x-request-id'] = scope.requestId;

  const upstream = await client.send({ path: endpoint.path, headers: endpoint.headers, body, signal: request.signal });
  scope.upstreamStatus = upstream.status;
  const headers = forwardableHeaders(upstream.headers);
  headers['x-switchyard-model'] = target.modelId;
  if (route !== undefined) headers['x-switchyard-route'] = route;

  if (upstream.status >= 400) {
    const errorBody = await readBodyOrThrow(upstream, client, ERROR_BODY_LIMIT);
    if (upstream.status === 401 || upstream.status === 403) {
      // The provider rejected the gateway's own key: that is not the caller's fault, and the
      // provider's message can quote part of the key, so it is not passed on.
      throw new GatewayError('upstream_credentials', `provider "${provider.name}" rejected the gateway's credentials (HTTP ${upstream.status}); check its API key.`);
    }
    return { status: upstream.status, headers, body: errorBody };
  }
  if (!streaming) {
    return { status: upstream.status, headers, body: await readBodyOrThrow(upstream, client) };
  }
  return {
    status: upstream.status,
    headers,
    body: relayStream(upstream, client, request.signal, {
      renderError: (error) => renderChatStreamError(error),
      onFirstChunk: () => scope.markFirstByte(),
      onEnd: (outcome, error) => scope.endStream(outcome, error),
    }),
  };
}

async function readBodyOrThrow(upstream: Awaited<ReturnType<UpstreamClient['send']>>, client: UpstreamClient, limit?: number): Promise<Buffer> {
  try {
    return await readAll(upstream.body as AsyncIterable<Uint8Array>, limit);
  } catch (error) {
    throw client.classify(error);
  } finally {
    upstream.finish();
  }
}

/** Chat has no error event; an `error` object in a data frame is what OpenAI's own SDKs raise on. */
function renderChatStreamError(error: Error): Uint8Array {
  const gatewayError = error instanceof GatewayError ? error : new GatewayError('internal_error', 'The stream failed.');
  const { body } = encodeOpenAIError(toRenderable(gatewayError));
  return Buffer.from(`data: ${JSON.stringify(body)}\n\n`);
}
