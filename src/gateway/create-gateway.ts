import type { GatewayConfig } from '../config/types.js';
import { GatewayError, toRenderable } from '../errors/catalogue.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { writeAccessLine } from '../logging/access-log.js';
import type { ProtocolName } from '../canonical/types.js';
import { CODECS } from '../protocols/registry.js';
import { UpstreamClient } from '../providers/upstream-client.js';
import { HealthRegistry } from '../routing/health.js';
import { SessionTracker } from '../routing/session-tracker.js';
import { countAnthropicTokens } from './count-tokens.js';
import { configuredPrices, explainRoute } from './explain-endpoint.js';
import { Meter, type LedgerSinkQueue } from '../metering/meter.js';
import type { LedgerStore } from '../ledger/index.js';
import { usageReport } from './usage-endpoint.js';
import { createAdminHandler } from '../admin/index.js';
import { createMemoryResponseCacheStore, ResponseCache } from '../response-cache/index.js';
import { PrefixAffinity } from '../caching/index.js';
import { adminErrorResponse } from '../admin/respond.js';
import type { Governance, Principal } from '../governance/index.js';
import { keyAllowsModel, keyAllowsRoute, type KeyStore } from '../keys/index.js';
import { ANTHROPIC_INGRESS, GEMINI_INGRESS, GEMINI_PATH, OPENAI_CHAT_INGRESS, OPENAI_RESPONSES_INGRESS } from './ingress.js';
import { handleModelCall, type EndpointDependencies } from './protocol-endpoint.js';
import { fetchToGatewayRequest, gatewayResponseToFetch } from './fetch-adapter.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './http-types.js';
import { listModels } from './models-endpoint.js';
import type { StreamOutcome } from './relay.js';
import { requestIdFor } from './request-id.js';
import type { RequestScope } from './request-scope.js';

export interface GatewayOptions {
  logger?: Logger;
  /** Where attempt records go (a LedgerWriter); without one, nothing is metered. */
  ledger?: LedgerSinkQueue;
  /** The ledger's store, for GET /v1/usage. */
  usage?: LedgerStore;
  /** Virtual keys, limits, budgets and alerts; without it the gateway is open (library use). */
  governance?: Governance;
  /** Where keys and teams are kept, for the admin API under /admin. */
  keys?: KeyStore;
  /** The response cache for routes with `response_cache`; default: in memory, sized by `response_cache:`. */
  responseCache?: ResponseCache;
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
  rejectRequest(error: GatewayError, requestIdHeader: string | undefined, path?: string): GatewayResponse;
  /** Requests not yet finished, streams included. */
  inFlight(): number;
  /** Close provider connections (after drain and in-flight requests are done). */
  close(): Promise<void>;
  /**
   * Swap in a new config atomically: requests already running finish on the config they started
   * with; new ones use the new one. Providers whose settings did not change keep their connections;
   * health and session traces carry over. Server settings (host, port, body limit) need a restart.
   */
  reload(config: GatewayConfig): void;
}

type Handler = (request: GatewayRequest, scope: RequestScope) => Promise<GatewayResponse> | GatewayResponse;

/** An endpoint: its handlers by method, and the protocol its errors are written in. */
interface Endpoint {
  protocol: ProtocolName;
  methods: Map<string, Handler>;
}

/** One pool per provider; a provider whose settings are unchanged keeps its pool (and its warm connections). */
function buildClients(config: GatewayConfig, previous: ReadonlyMap<string, UpstreamClient>): Map<string, UpstreamClient> {
  const clients = new Map<string, UpstreamClient>();
  for (const provider of config.providers.values()) {
    const existing = previous.get(provider.name);
    clients.set(provider.name, existing !== undefined && existing.sameSettings(provider) ? existing : new UpstreamClient(provider));
  }
  return clients;
}

function isAdminPath(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

/** The admin API, or its explanation of why it is off. */
function adminHandler(config: GatewayConfig, options: GatewayOptions): (request: GatewayRequest) => Promise<GatewayResponse> {
  const { keys, governance } = options;
  if (keys === undefined || governance === undefined) {
    return async () => adminErrorResponse(new GatewayError('admin_disabled', 'The admin API needs the key store, which `switchyard serve` opens with the ledger (ledger.enabled: true).'));
  }
  return createAdminHandler({
    store: keys,
    adminKey: config.governance.adminKey,
    enableHint: 'set governance.admin_key in the config (or the SWITCHYARD_ADMIN_KEY environment variable) and restart',
    onChange: () => governance.keysChanged(),
    alerts: () => governance.alerts.recent(),
    budgetStatus: async (scope) => (scope.kind === 'key' ? governance.budgetStatus(`key:${scope.key.id}`, scope.key.budgets) : governance.budgetStatus(`team:${scope.team.id}`, scope.team.budgets)),
  });
}

/** Build a gateway from a validated config. */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? silentLogger();
  const startedAt = Date.now();
  let draining = false;
  let inFlight = 0;
  const health = new HealthRegistry();
  const sessions = new SessionTracker(config.routing.maxSessions, config.routing.sessionTtlMs);
  // Replaced as a whole on reload; handlers read it once per request.
  let dependencies: EndpointDependencies = {
    config,
    clients: buildClients(config, new Map()),
    health,
    sessions,
    prices: configuredPrices(config),
    logger,
    meter: undefined,
    governance: options.governance,
    affinity: new PrefixAffinity(),
    responseCache:
      options.responseCache ??
      new ResponseCache({
        store: createMemoryResponseCacheStore({ maxEntries: config.responseCache.maxEntries, maxBytes: config.responseCache.maxBytes }),
        ttlMs: config.responseCache.ttlMs,
        onError: (error, operation) => logger.warn({ err: error, operation }, 'response cache unavailable; serving without it'),
      }),
  };
  const governance = options.governance;
  const admin = adminHandler(config, options);
  /** The caller may reach a non-model endpoint; returns who it is (undefined when the gateway is open). */
  const identify = async (request: GatewayRequest): Promise<Principal | undefined> => (governance === undefined ? undefined : governance.identify(request));
  dependencies.meter = options.ledger === undefined ? undefined : new Meter(options.ledger, () => dependencies.config.prices);
  const endpoint = (protocol: ProtocolName, method: string, handler: Handler): Endpoint => ({ protocol, methods: new Map([[method, handler]]) });

  const endpoints = new Map<string, Endpoint>([
    ['/v1/chat/completions', endpoint('openai-chat', 'POST', (request, scope) => handleModelCall(dependencies, OPENAI_CHAT_INGRESS, request, scope))],
    ['/v1/responses', endpoint('openai-responses', 'POST', (request, scope) => handleModelCall(dependencies, OPENAI_RESPONSES_INGRESS, request, scope))],
    ['/v1/messages', endpoint('anthropic-messages', 'POST', (request, scope) => handleModelCall(dependencies, ANTHROPIC_INGRESS, request, scope))],
    ['/v1/messages/count_tokens', endpoint('anthropic-messages', 'POST', async (request) => (await identify(request), countAnthropicTokens(dependencies, request)))],
    ['/v1/route/explain', endpoint('openai-chat', 'POST', async (request) => (await identify(request), explainRoute(dependencies, request)))],
    [
      '/v1/usage',
      endpoint('openai-chat', 'GET', async (request) => {
        const principal = await identify(request);
        return usageReport(options.usage, request, principal?.kind === 'key' ? principal.auth.key.id : undefined);
      }),
    ],
    ['/v1/route/health', endpoint('openai-chat', 'GET', async (request) => (await identify(request), jsonResponse(200, { deployments: health.snapshot() })))],
    [
      '/v1/models',
      endpoint('openai-chat', 'GET', async (request) => {
        const principal = await identify(request);
        if (principal?.kind !== 'key') return listModels(dependencies.config, startedAt);
        const { auth } = principal;
        return listModels(dependencies.config, startedAt, (id, kind) => (kind === 'route' ? keyAllowsRoute(auth, id) : keyAllowsModel(auth, id)));
      }),
    ],
    ['/healthz', endpoint('openai-chat', 'GET', () => jsonResponse(200, { status: 'ok' }))],
    ['/readyz', endpoint('openai-chat', 'GET', () => (draining ? jsonResponse(503, { status: 'draining' }) : jsonResponse(200, { status: 'ready' })))],
  ]);
  const geminiEndpoint = (match: RegExpExecArray): Endpoint =>
    endpoint('gemini', 'POST', (request, scope) => handleModelCall(dependencies, GEMINI_INGRESS, request, scope, decodeURIComponent(match[1]!), match[2] === 'streamGenerateContent'));

  function findEndpoint(path: string): Endpoint | undefined {
    const exact = endpoints.get(path);
    if (exact !== undefined) return exact;
    const gemini = GEMINI_PATH.exec(path);
    return gemini === null ? undefined : geminiEndpoint(gemini);
  }

  async function handle(request: GatewayRequest): Promise<GatewayResponse> {
    const scope = newScope(request);
    inFlight += 1;
    const found = findEndpoint(request.path);
    let response: GatewayResponse;
    try {
      response = isAdminPath(request.path) ? await admin(request) : await dispatch(request, found, scope);
    } catch (error) {
      response = errorResponse(error, scope.requestId, found?.protocol);
    }
    response.headers['x-request-id'] = scope.requestId;
    if (response.body !== null && !Buffer.isBuffer(response.body)) return response; // a stream: logged and counted when it ends
    inFlight -= 1;
    logRequest(scope, request, response.status);
    return response;
  }

  function dispatch(request: GatewayRequest, found: Endpoint | undefined, scope: RequestScope): Promise<GatewayResponse> | GatewayResponse {
    if (found === undefined) {
      const known = [...endpoints.keys(), '/v1beta/models/{model}:generateContent', '/v1beta/models/{model}:streamGenerateContent'];
      throw new GatewayError('route_not_found', `No endpoint ${request.method} ${request.path}. Endpoints: ${known.join(', ')}.`);
    }
    const handler = found.methods.get(request.method);
    if (handler === undefined) {
      const allowed = [...found.methods.keys()].join(', ');
      const response = errorResponse(new GatewayError('method_not_allowed', `${request.path} takes ${allowed}, not ${request.method}.`), scope.requestId, found.protocol);
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
      attempts: 0,
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

  /** Any error as the caller's protocol writes it (OpenAI's format where the endpoint is unknown). */
  function errorResponse(error: unknown, requestId: string, protocol: ProtocolName = 'openai-chat'): GatewayResponse {
    const gatewayError = error instanceof GatewayError ? error : new GatewayError('internal_error', `Internal error (request ${requestId}).`, { cause: error });
    if (gatewayError.code === 'internal_error') logger.error({ request_id: requestId, err: error }, 'internal error');
    const encoded = CODECS[protocol].encodeError(toRenderable(gatewayError), requestId);
    return jsonResponse(encoded.status, encoded.body, { ...gatewayError.headers, ...encoded.headers, 'x-request-id': requestId });
  }

  function logRequest(scope: RequestScope, request: GatewayRequest, status: number, stream?: { outcome: StreamOutcome; firstByteAt: number | undefined; error: Error | undefined }): void {
    writeAccessLine(logger, {
      request_id: scope.requestId,
      method: request.method,
      path: request.path,
      route: scope.route,
      model: scope.model,
      status,
      upstream_status: scope.upstreamStatus,
      attempts: scope.attempts,
      stream: scope.stream,
      latency_ms: Math.round((performance.now() - scope.startedAt) * 100) / 100,
      outcome: stream?.outcome,
      first_byte_ms: stream?.firstByteAt === undefined ? undefined : Math.round((stream.firstByteAt - scope.startedAt) * 100) / 100,
      error: stream?.error?.message,
    });
  }

  return {
    get config() {
      return dependencies.config;
    },
    handle,
    async fetch(request) {
      let gatewayRequest: GatewayRequest;
      try {
        gatewayRequest = await fetchToGatewayRequest(request, config.server.bodyLimitBytes);
      } catch (error) {
        const protocol = findEndpoint(new URL(request.url).pathname)?.protocol;
        return gatewayResponseToFetch(errorResponse(error, requestIdFor(request.headers.get('x-request-id') ?? undefined), protocol));
      }
      return gatewayResponseToFetch(await handle(gatewayRequest));
    },
    rejectRequest: (error, requestIdHeader, path) => errorResponse(error, requestIdFor(requestIdHeader), path === undefined ? undefined : findEndpoint(path)?.protocol),
    drain() {
      draining = true;
    },
    inFlight: () => inFlight,
    async close() {
      await Promise.all([...dependencies.clients.values()].map((client) => client.close()));
      await dependencies.responseCache?.close();
    },
    reload(next) {
      const previous = dependencies;
      dependencies = { ...previous, config: next, clients: buildClients(next, previous.clients), prices: configuredPrices(next) };
      governance?.reload(next.governance);
      // Pools no longer used close once their in-flight requests finish (undici waits for them).
      for (const [name, client] of previous.clients) {
        if (dependencies.clients.get(name) !== client) void client.close();
      }
    },
  };
}
