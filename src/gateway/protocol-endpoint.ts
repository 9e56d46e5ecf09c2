import type { GatewayConfig } from '../config/types.js';
import { GatewayError } from '../errors/catalogue.js';
import { providerEndpoint } from '../providers/endpoint.js';
import { PROVIDER_PROFILES } from '../providers/kinds.js';
import type { UpstreamClient, UpstreamResponse } from '../providers/upstream-client.js';
import { replaceTopLevelString } from '../util/json-field.js';
import type { GatewayRequest, GatewayResponse } from './http-types.js';
import type { Ingress } from './ingress.js';
import { parseJsonObject, readAll } from './read-body.js';
import { relayStream } from './relay.js';
import type { RequestScope } from './request-scope.js';
import { resolveModel } from './resolve-model.js';
import { forwardableHeaders } from './response-headers.js';
import { renderStreamError, translateError, translateRequest, translateResponse, translateStream } from './translate.js';

/** Error bodies are small; a provider sending megabytes of error is cut off. */
const ERROR_BODY_LIMIT = 256 * 1024;

export interface EndpointDependencies {
  config: GatewayConfig;
  clients: ReadonlyMap<string, UpstreamClient>;
}

/**
 * One model call in any protocol. When the provider speaks the caller's protocol the body travels
 * as it came (only `model` rewritten in place) and the answer comes back as sent; otherwise the
 * request, the answer, the stream and the errors are translated through the canonical model.
 */
export async function handleModelCall(
  dependencies: EndpointDependencies,
  ingress: Ingress,
  request: GatewayRequest,
  scope: RequestScope,
  pathModel?: string,
  streamMethod = false,
): Promise<GatewayResponse> {
  const json = parseJsonObject(request.body);
  const read = ingress.read(json, request, pathModel, streamMethod);
  const model = read.model;
  if (model === undefined || model === null || model === '') {
    throw new GatewayError('missing_model', 'The request names no model: set "model" to a route alias or provider/model.', { param: 'model' });
  }
  if (typeof model !== 'string') throw new GatewayError('invalid_request', `"model" must be a string, got ${typeof model}.`, { param: 'model' });
  scope.stream = read.stream;

  const { route, target } = resolveModel(dependencies.config, model);
  scope.route = route;
  scope.model = target.modelId;
  const provider = dependencies.config.providers.get(target.provider)!;
  const client = dependencies.clients.get(target.provider)!;
  const egressProtocol = PROVIDER_PROFILES[provider.kind].protocol;
  // Gemini clients that stream without alt=sse want a JSON array; providers are always asked for SSE.
  const passthrough = egressProtocol === ingress.protocol && !read.jsonArrayStream;

  const endpoint = providerEndpoint(provider, target.upstreamModel, read.stream, request.headers);
  endpoint.headers['x-request-id'] = scope.requestId;
  let body: Buffer;
  if (!passthrough) {
    body = Buffer.from(JSON.stringify(translateRequest(ingress.protocol, egressProtocol, json, { model, stream: read.stream }, target.upstreamModel)));
  } else if (typeof json.model === 'string' && json.model !== target.upstreamModel) {
    body = replaceTopLevelString(request.body, 'model', target.upstreamModel);
  } else {
    body = request.body;
  }

  const upstream = await client.send({ path: endpoint.path, headers: endpoint.headers, body, signal: request.signal });
  scope.upstreamStatus = upstream.status;
  const headers = passthrough ? forwardableHeaders(upstream.headers) : translatedHeaders(upstream.headers, read.stream, read.jsonArrayStream);
  headers['x-switchyard-model'] = target.modelId;
  if (route !== undefined) headers['x-switchyard-route'] = route;
  const encodeContext = { requestId: scope.requestId, model: target.upstreamModel, includeUsage: read.includeUsage, jsonArrayStream: read.jsonArrayStream };

  if (upstream.status >= 400) {
    const errorBody = await readBodyOrThrow(upstream, client, ERROR_BODY_LIMIT);
    if (upstream.status === 401 || upstream.status === 403) {
      // The provider rejected the gateway's own key: not the caller's fault, and the provider's
      // message can quote part of the key, so it is not passed on.
      throw new GatewayError('upstream_credentials', `provider "${provider.name}" rejected the gateway's credentials (HTTP ${upstream.status}); check its API key.`);
    }
    if (passthrough) return { status: upstream.status, headers, body: errorBody };
    return translateError(ingress.protocol, egressProtocol, upstream.status, errorBody, upstream.headers, scope.requestId, headers);
  }
  if (!read.stream) {
    const responseBody = await readBodyOrThrow(upstream, client);
    if (passthrough) return { status: upstream.status, headers, body: responseBody };
    return { status: 200, headers, body: translateResponse(ingress.protocol, egressProtocol, responseBody, encodeContext) };
  }
  const hooks = {
    onFirstChunk: () => scope.markFirstByte(),
    onEnd: scope.endStream.bind(scope),
  };
  if (passthrough) {
    return {
      status: upstream.status,
      headers,
      body: relayStream(upstream, client, request.signal, { ...hooks, renderError: (error) => renderStreamError(ingress.protocol, error, encodeContext) }),
    };
  }
  return { status: 200, headers, body: translateStream(ingress.protocol, egressProtocol, upstream, client, request.signal, encodeContext, hooks) };
}

async function readBodyOrThrow(upstream: UpstreamResponse, client: UpstreamClient, limit?: number): Promise<Buffer> {
  try {
    return await readAll(upstream.body as AsyncIterable<Uint8Array>, limit);
  } catch (error) {
    throw client.classify(error);
  } finally {
    upstream.finish();
  }
}

/** A translated answer has its own content type; the provider's rate-limit headers still help the caller. */
function translatedHeaders(upstream: Record<string, string | string[] | undefined>, stream: boolean, jsonArray: boolean): Record<string, string> {
  const headers = forwardableHeaders(upstream);
  headers['content-type'] = stream && !jsonArray ? 'text/event-stream' : 'application/json';
  if (stream) headers['cache-control'] = 'no-cache';
  return headers;
}

