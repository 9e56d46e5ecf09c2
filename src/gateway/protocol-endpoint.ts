import type { GatewayConfig } from '../config/types.js';
import { GatewayError } from '../errors/catalogue.js';
import type { Logger } from '../logging/logger.js';
import type { UpstreamClient } from '../providers/upstream-client.js';
import type { HealthRegistry } from '../routing/health.js';
import { computeProfile, type WorkloadProfile } from '../routing/profile.js';
import { planRoute, type PriceLookup, type RoutePlan } from '../routing/plan.js';
import type { SessionTracker } from '../routing/session-tracker.js';
import { CallerRequest } from './attempt.js';
import { executePlan, type ServedTurn } from './execute-plan.js';
import type { Meter } from '../metering/meter.js';
import type { Admission, CallShape, Governance } from '../governance/index.js';
import type { AuthenticatedKey } from '../keys/index.js';
import { formatUsd } from '../metering/meter.js';
import type { ResponseCache } from '../response-cache/index.js';
import type { Candidate } from '../routing/plan.js';
import { lookupResponseCache, type CacheLookup } from './response-cache-step.js';
import { preferDeployment, PrefixAffinity, prefixHashes } from '../caching/index.js';
import type { GatewayRequest, GatewayResponse } from './http-types.js';
import type { Ingress } from './ingress.js';
import { parseJsonObject } from './read-body.js';
import type { RequestScope } from './request-scope.js';

export interface EndpointDependencies {
  config: GatewayConfig;
  clients: ReadonlyMap<string, UpstreamClient>;
  health: HealthRegistry;
  sessions: SessionTracker;
  prices: PriceLookup;
  logger: Logger;
  /** Undefined when metering is off (no ledger). */
  meter: Meter | undefined;
  /** Where each prompt prefix was served last (cache-aware routing). */
  affinity?: PrefixAffinity | undefined;
  /** Exact-match response cache for routes that opt in. */
  responseCache?: ResponseCache | undefined;
  /** Keys, limits and budgets; undefined runs the gateway open (library use, tests). */
  governance?: Governance | undefined;
}

/**
 * One model call in any protocol: read the request, profile it, plan its route, and run the attempts.
 * When a provider speaks the caller's protocol the body travels as it came (only `model` rewritten in
 * place) and the answer comes back as sent; otherwise everything is translated through the canonical
 * model.
 */
export async function handleModelCall(
  dependencies: EndpointDependencies,
  ingress: Ingress,
  request: GatewayRequest,
  scope: RequestScope,
  pathModel?: string,
  streamMethod = false,
): Promise<GatewayResponse> {
  const governance = dependencies.governance;
  const principal = governance === undefined ? undefined : await governance.identify(request);
  const planned = planCall(dependencies, ingress, request, pathModel, streamMethod);
  const { caller, profile } = planned;
  let plan = planned.plan;
  let admission: Admission | undefined;
  if (governance !== undefined && principal !== undefined) {
    governance.authorize(principal, caller.model, plan.route);
    admission = await governance.admit(principal, request, callShape(dependencies, caller.model, plan, profile));
    if (admission.downgradeTo !== undefined) {
      const downgraded = admission.downgradeTo;
      if (!dependencies.config.routes.has(downgraded)) {
        await governance.release(admission);
        throw new GatewayError('internal_error', `The budget policy downgrades to route "${downgraded}", which the config does not define.`);
      }
      plan = planRoute(downgraded, profile, { config: dependencies.config, health: dependencies.health, prices: dependencies.prices });
    }
  }
  const auth = principal?.kind === 'key' ? principal.auth : undefined;
  scope.stream = caller.read.stream;
  scope.route = plan.route;
  const routeConfig = plan.route === undefined ? undefined : dependencies.config.routes.get(plan.route);
  let cached: CacheLookup;
  try {
    cached = await lookupResponseCache(dependencies.responseCache, caller, plan, routeConfig?.responseCache, scope.requestId, auth);
  } catch (error) {
    if (admission !== undefined) await governance!.release(admission);
    throw error;
  }
  if (cached.hit !== undefined) {
    if (admission !== undefined) void governance!.settle(admission, { micros: 0, tokens: 0 });
    return serveCacheHit(dependencies, cached.hit, caller, plan, profile, scope, auth, admission?.headers);
  }
  const session = request.headers['x-switchyard-session'];
  const recordTurn = (turn: ServedTurn | undefined): void => {
    if (session === undefined || turn === undefined) return;
    const tokens = turn.usage === undefined ? 0 : turn.usage.inputTokens + turn.usage.outputTokens;
    dependencies.sessions.recordTurn(session, { toolCalls: turn.toolCalls, tokens, conversationTurns: profile.trace.turns });
  };
  let settling: Promise<Record<string, string>> | undefined;
  let servedCandidate: Candidate | undefined;
  const execution = executePlan({
    config: dependencies.config,
    clients: dependencies.clients,
    health: dependencies.health,
    logger: dependencies.logger,
    caller,
    plan,
    profile,
    meter: dependencies.meter,
    requestId: scope.requestId,
    promptCache: promptCachingWanted(dependencies.config, plan, request),
    keyId: auth?.key.id,
    teamId: auth?.team?.id,
    signal: request.signal,
    startedAt: scope.startedAt,
    onFirstByte: () => scope.markFirstByte(),
    observeParts: cached.observe,
    onStreamEnd: (outcome, error, turn) => {
      if (outcome === 'completed') {
        recordTurn(turn);
        cached.store(servedCandidate, undefined);
      }
      scope.endStream(outcome, error);
    },
    onSettled: (spend) => {
      if (admission !== undefined) settling = governance!.settle(admission, spend);
    },
    onBreakerOpened: governance === undefined ? undefined : (deployment, failure) => governance.breakerOpened(deployment, failure),
    deploymentGate:
      governance === undefined
        ? undefined
        : (candidate) =>
            governance.admitDeployment(candidate.target.modelId, { rpm: candidate.model?.rpm, tpm: candidate.model?.tpm }, profile.inputTokens + (profile.maxOutputTokens || dependencies.config.governance.estimatedOutputTokens)),
  });
  let result: Awaited<typeof execution>;
  try {
    result = await execution;
  } catch (error) {
    // Nothing was served (the caller left): give back the reserve of anything not yet settled.
    if (admission !== undefined && settling === undefined) await governance!.release(admission);
    throw error;
  }
  if (admission !== undefined) {
    Object.assign(result.response.headers, admission.headers);
    // A finished answer waits for its settlement so the remaining task budget it reports is exact.
    if (settling !== undefined && admission.task !== undefined) Object.assign(result.response.headers, await settling);
  }
  servedCandidate = result.served;
  if (planned.prefix !== undefined && result.served !== undefined && result.response.status < 300 && plan === planned.plan) dependencies.affinity?.record(planned.prefix, result.served.target.modelId);
  if (cached.state !== 'bypass' || routeConfig?.responseCache !== undefined) result.response.headers['x-switchyard-cache'] = cached.state;
  if (!caller.read.stream && result.served !== undefined && result.response.status < 300) cached.store(result.served, result.answer);
  scope.model = result.served?.target.modelId;
  scope.attempts = result.attempts;
  scope.upstreamStatus = result.response.status;
  if (result.served !== undefined) recordTurn(result.turn);
  return result.response;
}

/** An answer from the response cache: no provider call, recorded on the ledger at cost 0. */
function serveCacheHit(
  dependencies: EndpointDependencies,
  hit: NonNullable<CacheLookup['hit']>,
  caller: CallerRequest,
  plan: RoutePlan,
  profile: WorkloadProfile,
  scope: RequestScope,
  auth: AuthenticatedKey | undefined,
  extraHeaders: Record<string, string> | undefined,
): GatewayResponse {
  const response = hit.response;
  Object.assign(response.headers, extraHeaders, { 'x-switchyard-cache': 'hit', 'x-switchyard-model': hit.servedBy, 'x-switchyard-attempts': '0', 'x-switchyard-cost-usd': formatUsd(0) });
  if (plan.route !== undefined) response.headers['x-switchyard-route'] = plan.route;
  scope.model = hit.servedBy;
  const [providerName = ''] = hit.servedBy.split('/');
  const provider = dependencies.config.providers.get(providerName);
  if (dependencies.meter !== undefined && provider !== undefined) {
    dependencies.meter.record({
      time: Date.now(),
      requestId: scope.requestId,
      traceId: caller.request.headers['x-switchyard-trace-id'],
      sessionId: profile.session === '' ? undefined : profile.session,
      taskType: profile.task,
      keyId: auth?.key.id,
      teamId: auth?.team?.id,
      route: plan.route,
      rule: plan.rule,
      provider: { name: provider.name, kind: provider.kind },
      upstreamModel: hit.answer.model,
      deployment: hit.servedBy,
      attempt: 1,
      status: 200,
      failure: undefined,
      fallbackReason: undefined,
      usage: hit.answer.usage,
      usageEstimated: false,
      ttftMs: 0,
      latencyMs: performance.now() - scope.startedAt,
      streamed: caller.read.stream,
      ingress: caller.protocol,
      cacheHit: true,
    });
  }
  if (Buffer.isBuffer(response.body) || response.body === null) return response;
  const body = response.body;
  return {
    ...response,
    body: (async function* replay() {
      let outcome: 'completed' | 'client_closed' = 'client_closed';
      scope.markFirstByte();
      try {
        yield* body;
        outcome = 'completed';
      } finally {
        scope.endStream(outcome);
      }
    })(),
  };
}

/** `x-switchyard-cache: off|auto` on the request wins over the route's `cache`, then `routing.cache`. */
function promptCachingWanted(config: GatewayConfig, plan: RoutePlan, request: GatewayRequest): boolean {
  const header = request.headers['x-switchyard-cache']?.trim().toLowerCase();
  if (header === 'off' || header === 'auto') return header === 'auto';
  const route = plan.route === undefined ? undefined : config.routes.get(plan.route);
  return (route?.promptCache ?? config.routing.promptCache) === 'auto';
}

/** What the call may spend, for the pre-charge: its input and output cap at the first viable target's price. */
function callShape(dependencies: EndpointDependencies, model: string, plan: RoutePlan, profile: WorkloadProfile): CallShape {
  const output = profile.maxOutputTokens > 0 ? profile.maxOutputTokens : dependencies.config.governance.estimatedOutputTokens;
  const first = plan.candidates.find((candidate) => candidate.skip === undefined) ?? plan.candidates[0];
  const price = first === undefined ? undefined : dependencies.prices(first.target, first.model);
  // USD per million tokens × tokens = micro-dollars.
  const micros = price === undefined ? 0 : Math.ceil(price.input * profile.inputTokens + price.output * output);
  return { model, route: plan.route, estimatedTokens: profile.inputTokens + output, estimatedMicros: micros };
}

export interface PlannedCall {
  caller: CallerRequest;
  profile: WorkloadProfile;
  plan: RoutePlan;
  /** Prompt-prefix hashes, when the route spreads requests and cache affinity applies. */
  prefix?: string[] | undefined;
}

/** Everything up to the first provider call; also what `POST /v1/route/explain` shows. */
export function planCall(dependencies: EndpointDependencies, ingress: Ingress, request: GatewayRequest, pathModel?: string, streamMethod = false, explain = false): PlannedCall {
  const json = parseJsonObject(request.body);
  const read = ingress.read(json, request, pathModel, streamMethod);
  const model = read.model;
  if (model === undefined || model === null || model === '') {
    throw new GatewayError('missing_model', 'The request names no model: set "model" to a route alias or provider/model.', { param: 'model' });
  }
  if (typeof model !== 'string') throw new GatewayError('invalid_request', `"model" must be a string, got ${typeof model}.`, { param: 'model' });
  const caller = new CallerRequest(ingress.protocol, request, json, read, model);
  const session = request.headers['x-switchyard-session'];
  const recorded = session === undefined ? undefined : dependencies.sessions.get(session);
  let profile: WorkloadProfile;
  try {
    profile = computeProfile({ request: caller.canonical(), protocol: ingress.protocol, headers: request.headers, recorded });
  } catch (error) {
    // A request the canonical model cannot hold may still pass through to a provider of its own
    // protocol untouched; route it on what the raw body says. Translation will refuse it precisely.
    if (!(error instanceof GatewayError)) throw error;
    profile = roughProfile(request, ingress, read.stream, recorded);
  }
  const plan = planRoute(model, profile, { config: dependencies.config, health: dependencies.health, prices: dependencies.prices, explain });
  const prefix = dependencies.affinity === undefined || !SPREADING_STRATEGIES.has(plan.strategy) ? undefined : preferCachedPrefix(dependencies.affinity, plan, ingress, json);
  return { caller, profile, plan, prefix };
}

/** Strategies that spread requests over equivalent targets; priority and lowest-cost orders are the config's choice. */
const SPREADING_STRATEGIES = new Set(['weighted', 'least-busy', 'least-latency']);

/**
 * Cache-aware routing: among a route's targets, the deployment that served the same prompt prefix
 * recently goes first, so the provider's prompt cache is still warm there. Returns the prefix
 * hashes, to record where this request is served.
 */
function preferCachedPrefix(affinity: PrefixAffinity, plan: RoutePlan, ingress: Ingress, json: Record<string, unknown>): string[] {
  const hashes = prefixHashes(ingress.protocol, json);
  const keys = [hashes.conversation, hashes.shared].filter((hash): hash is string => hash !== undefined);
  const preferred = affinity.preferred(keys);
  if (preferred !== undefined) {
    const targets = plan.candidates.filter((candidate) => candidate.role === 'target');
    const rest = plan.candidates.filter((candidate) => candidate.role !== 'target');
    plan.candidates = [...preferDeployment(targets, preferred, (candidate) => candidate.target.modelId), ...rest];
  }
  return keys;
}

/** A profile from the raw body alone: size-based token estimate, nothing else known. */
function roughProfile(request: GatewayRequest, ingress: Ingress, stream: boolean, recorded: WorkloadProfile['trace'] | undefined): WorkloadProfile {
  return {
    task: (request.headers['x-switchyard-task'] ?? '').toLowerCase(),
    inputTokens: Math.ceil(request.body.length / 4),
    images: 0,
    documents: 0,
    tools: 0,
    maxOutputTokens: 0,
    stream,
    reasoning: false,
    structuredOutput: false,
    latency: 'interactive',
    messages: 0,
    protocol: ingress.protocol,
    session: request.headers['x-switchyard-session'] ?? '',
    trace: recorded ?? { turns: 0, toolCalls: 0, tokens: 0 },
  };
}
