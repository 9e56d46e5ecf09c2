import type { GatewayConfig } from '../config/types.js';
import { GatewayError, toRenderable } from '../errors/catalogue.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { encodeOpenAIError } from '../protocols/openai-chat/errors.js';
import { UpstreamClient } from '../providers/upstream-client.js';
import { handleChatCompletions, type ChatDependencies } from './chat-completions.js';
import { fetchToGatewayRequest, gatewayResponseToFetch } from './fetch-adapter.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './http-types.js';
import { listModels } from './models-endpoint.js';
import type { StreamOutcome } from './relay.js';
import { requestIdFor } from './request-id.js';
import type { RequestScope } from './request-scope.js';

export interface GatewayOptions {
  logger?: Logger;
}

export interface Gateway {
  readonly config: GatewayConfig;
  /** The gateway as a fetch-style handler: Web Request in, Response out. */
  fetch(request: Request): Promise<Response>;
  /** The same, on the gateway's lean request shape (what the Node server uses). */
  handle(request: GatewayRequest): Promise<GatewayResponse>;
  /** From now on refuse new work with 503 and report not ready; in-flight requests finish. */
  drain(): void;
  /** The error response for a request refused before it reached the gateway (e.g. a body over the limit). */
  rejectRequest(error: GatewayError, requestIdHeader: string | undefined): GatewayResponse;
  /** Requests not yet finished, streams included. */
  inFlight(): number;
  /** Close provider connections (after drain and in-flight requests are done). */
  close(): Promise<void>;
}

type Handler = (request: GatewayRequest, scope: RequestScope) => Promise<GatewayResponse> | GatewayResponse;

/** Build a gateway from a validated config. */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? silentLogger();
  const clients = new Map([...config.providers.values()].map((provider) => [provider.name, new UpstreamClient(provider)]));
  const startedAt = Date.now();
  let draining = false;
  let inFlight = 0;
  const dependencies: ChatDependencies = { config, clients };

  const endpoints = new Map<string, Map<string, Handler>>([
    ['/v1/chat/completions', new Map([['POST', (request, scope) => handleChatCompletions(dependencies, request, scope)]])],
    ['/v1/models', new Map([['GET', () => listModels(config, startedAt)]])],
    ['/healthz', new Map([['GET', () => jsonResponse(200, { status: 'ok' })]])],
    ['/readyz', new Map([['GET', () => (draining ? jsonResponse(503, { status: 'draining' }) : jsonResponse(200, { status: 'ready' }))]])],
  ]);

  async function handle(request: GatewayRequest): Promise<GatewayResponse> {
    const scope = newScope(request);
    inFlight += 1;
    let response: GatewayResponse;
    try {
      response = await dispatch(request, scope);
    } catch (error) {
      response = errorResponse(error, scope.requestId);
    }
    response.headers['x-request-id'] = scope.requestId;
    if (response.body !== null && !Buffer.isBuffer(response.body)) return response; // a stream: logged and counted when it ends
    inFlight -= 1;
    logRequest(scope, request, response.status);
    return response;
  }

  function dispatch(request: GatewayRequest, scope: RequestScope): Promise<GatewayResponse> | GatewayResponse {
    const methods = endpoints.get(request.path);
    if (methods === undefined) throw new GatewayError('route_not_found', `No endpoint ${request.method} ${request.path}. Endpoints: ${[...endpoints.keys()].join(', ')}.`);
    const handler = methods.get(request.method);
    if (handler === undefined) {
      const allowed = [...methods.keys()].join(', ');
      const response = errorResponse(new GatewayError('method_not_allowed', `${request.path} takes ${allowed}, not ${request.method}.`), scope.requestId);
      response.headers.allow = allowed;
      return response;
    }
    if (draining && request.path.startsWith('/v1/')) {
      throw new GatewayError('shutting_down', 'The gateway is shutting down; retry on another replica.', { retryAfter: '1' });
    }
    return handler(request, scope);
  }

  function newScope(request: GatewayRequest): RequestScope {
    const scope: RequestScope = {
      requestId: requestIdFor(request.headers['x-request-id']),
      startedAt: performance.now(),
      route: undefined,
      model: undefined,
      stream: false,
      upstreamStatus: undefined,
      markFirstByte() {
        firstByteAt = performance.now();
      },
      endStream(outcome: StreamOutcome, error?: Error) {
        inFlight -= 1;
        logRequest(scope, request, 200, { outcome, firstByteAt, error });
      },
    };
    let firstByteAt: number | undefined;
    return scope;
  }

  function errorResponse(error: unknown, requestId: string): GatewayResponse {
    const gatewayError = error instanceof GatewayError ? error : new GatewayError('internal_error', `Internal error (request ${requestId}).`, { cause: error });
    if (gatewayError.code === 'internal_error') logger.error({ request_id: requestId, err: error }, 'internal error');
    const encoded = encodeOpenAIError(toRenderable(gatewayError));
    return jsonResponse(encoded.status, encoded.body, { ...encoded.headers, 'x-request-id': requestId });
  }

  function logRequest(scope: RequestScope, request: GatewayRequest, status: number, stream?: { outcome: StreamOutcome; firstByteAt: number | undefined; error: Error | undefined }): void {
    if (!logger.isLevelEnabled('info')) return;
    const now = performance.now();
    logger.info(
      {
        request_id: scope.requestId,
        method: request.method,
        path: request.path,
        route: scope.route,
        model: scope.model,
        status,
        upstream_status: scope.upstreamStatus,
        stream: scope.stream,
        latency_ms: Math.round((now - scope.startedAt) * 100) / 100,
        ...(stream !== undefined && {
          outcome: stream.outcome,
          first_byte_ms: stream.firstByteAt === undefined ? undefined : Math.round((stream.firstByteAt - scope.startedAt) * 100) / 100,
          error: stream.error?.message,
        }),
      },
      'request',
    );
  }

  return {
    config,
    handle,
    async fetch(request) {
      let gatewayRequest: GatewayRequest;
      try {
        gatewayRequest = await fetchToGatewayRequest(request, config.server.bodyLimitBytes);
      } catch (error) {
        return gatewayResponseToFetch(errorResponse(error, requestIdFor(request.headers.get('x-request-id') ?? undefined)));
      }
      return gatewayResponseToFetch(await handle(gatewayRequest));
    },
    rejectRequest: (error, requestIdHeader) => errorResponse(error, requestIdFor(requestIdHeader)),
    drain() {
      draining = true;
    },
    inFlight: () => inFlight,
    async close() {
      await Promise.all([...clients.values()].map((client) => client.close()));
    },
  };
}
