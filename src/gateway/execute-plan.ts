/**
 * The attempt loop: walk a route plan's candidates, falling back and retrying until one answers, the
 * caller is at fault, or the deadline passes. Each failure is handled by its class (see
 * routing/failure.ts); optional hedging starts a second attempt when the first is slow to produce a
 * token, and the first to stream wins.
 */
import type { GatewayConfig, ModelConfig } from '../config/types.js';
import { GatewayError } from '../errors/catalogue.js';
import type { Logger } from '../logging/logger.js';
import type { UpstreamClient } from '../providers/upstream-client.js';
import { emptyUsage, type CanonicalResponse, type CanonicalUsage, type ProtocolName, type StreamPart } from '../canonical/types.js';
import { appendToTopLevelObject } from '../util/json-field.js';
import { mediaFetch } from '../media/public-address.js';
import { CancelSignal } from '../util/cancel-signal.js';
import { formatUsd, type AttemptFacts, type Meter } from '../metering/meter.js';
import { backoffMs, classifyGatewayError, countsAgainstDeployment, retryAfterMs } from '../routing/failure.js';
import type { WorkloadProfile } from '../routing/profile.js';
import type { HealthRegistry } from '../routing/health.js';
import type { Candidate, RoutePlan } from '../routing/plan.js';
import { renderGatewayError, runAttempt, type AttemptFailure, type AttemptOutcome, type CallerRequest } from './attempt.js';
import type { GatewayResponse } from './http-types.js';
import type { StreamOutcome } from './relay.js';

export interface ExecutionContext {
  config: GatewayConfig;
  clients: ReadonlyMap<string, UpstreamClient>;
  health: HealthRegistry;
  logger: Logger;
  caller: CallerRequest;
  plan: RoutePlan;
  profile: WorkloadProfile;
  /** Add provider prompt-cache hints to what is sent. */
  promptCache?: boolean;
  /** Sees the served stream's canonical parts (the response cache collects them). */
  observeParts?: ((part: StreamPart) => void) | undefined;
  /** Records every attempt on the ledger; undefined when metering is off. */
  meter: Meter | undefined;
  requestId: string;
  /** Who is calling (virtual key and team), for the ledger. */
  keyId?: string | undefined;
  teamId?: string | undefined;
  /** The caller's signal. */
  signal: CancelSignal;
  /** performance.now() at the request's arrival. */
  startedAt: number;
  random?: () => number;
  onFirstByte(): void;
  /** The served response's stream ended (streams only), with the usage it reported or an estimate. */
  onStreamEnd(outcome: StreamOutcome, error: Error | undefined, turn: ServedTurn): void;
  /**
   * Once, when the request's spend is final: after the answer (or the last failure) for a
   * non-streaming request, when the stream ends for a streaming one. Every attempt counts.
   */
  onSettled?(spent: RequestSpend): void;
  /**
   * A deployment's own rpm/tpm (models' `rpm`, `tpm`): asked before each attempt on a deployment
   * that has limits. A refusal moves on to the next candidate as a rate-limited attempt would.
   */
  deploymentGate?: ((candidate: Candidate) => Promise<DeploymentVerdict>) | undefined;
  /** A deployment's breaker opened after this request's failure (alerts). */
  onBreakerOpened?: ((deployment: string, failure: string) => void) | undefined;
}

export type DeploymentVerdict = { admitted: true; settle(tokens: number): void } | { admitted: false; retryAfterMs: number; message: string };

/** What a request spent over all its attempts. */
export interface RequestSpend {
  /** Micro-dollars; null when some attempt's price is unknown (or metering is off). */
  micros: number | null;
  /** Input + output tokens, estimated where the provider reported none. */
  tokens: number;
}

/** What the serving attempt spent, for the session's trace. */
export interface ServedTurn {
  usage: CanonicalUsage | undefined;
  toolCalls: number;
}

export interface ExecutionResult {
  response: GatewayResponse;
  /** The deployment that served, when one did. */
  served: Candidate | undefined;
  attempts: number;
  fallbackReasons: string[];
  /** Non-streaming answers: what the serving attempt spent (streams report it at their end). */
  turn: ServedTurn | undefined;
  /** Non-streaming answers, decoded (when metering or the response cache asked for it). */
  answer: CanonicalResponse | undefined;
}

/** What the ledger needs of an attempt from its start. */
interface AttemptStart {
  /** Epoch ms. */
  time: number;
  /** performance.now(). */
  began: number;
  attempt: number;
  fallbackReason: string | undefined;
  /** What a context policy did to this attempt's request, once it is known. */
  contextAction: string | undefined;
}

interface TargetState {
  tries: number;
  /** Epoch ms before which this request will not try the target again (backoff). */
  notBefore: number;
  /** Out for the rest of this request (credentials, context too small). */
  excluded: string | undefined;
}

export async function executePlan(context: ExecutionContext): Promise<ExecutionResult> {
  const { plan, health, config } = context;
  const random = context.random ?? Math.random;
  const deadline = Date.now() + plan.retry.deadlineMs - (performance.now() - context.startedAt);
  const states = new Map<string, TargetState>(plan.candidates.map((candidate) => [candidate.target.modelId, { tries: 0, notBefore: 0, excluded: undefined }]));
  const fallbackReasons: string[] = [];
  let attempts = 0;
  let lastFailure: AttemptFailure | undefined;
  /** Cost of every attempt so far, micro-dollars; null once any price is unknown. */
  let spentMicros: number | null = 0;
  let servedTurn: ServedTurn | undefined;
  let servedAnswer: CanonicalResponse | undefined;
  let spentTokens = 0;
  let settled = false;
  const gateSettlements: Array<(tokens: number) => void> = [];
  const settleSpend = (): void => {
    if (settled) return;
    settled = true;
    for (const settleGate of gateSettlements) settleGate(spentTokens);
    context.onSettled?.({ micros: context.meter === undefined ? null : spentMicros, tokens: spentTokens });
  };

  const finish = (response: GatewayResponse, served: Candidate | undefined): ExecutionResult => {
    if (context.meter !== undefined && spentMicros !== null && Buffer.isBuffer(response.body)) {
      response.headers['x-switchyard-cost-usd'] = formatUsd(spentMicros);
      if (served !== undefined && response.status < 300) response.body = withCostInUsage(response.body, context.caller.protocol, spentMicros);
    }
    response.headers['x-switchyard-attempts'] = String(attempts);
    if (plan.route !== undefined) response.headers['x-switchyard-route'] = plan.route;
    if (plan.rule !== undefined) response.headers['x-switchyard-rule'] = plan.rule;
    if (served !== undefined) response.headers['x-switchyard-model'] = served.target.modelId;
    if (fallbackReasons.length > 0) response.headers['x-switchyard-fallback-reason'] = fallbackReasons.join('; ').replace(/[^\x20-\x7e]/g, '?');
    if (Buffer.isBuffer(response.body)) settleSpend();
    return { response, served, attempts, fallbackReasons, turn: servedTurn, answer: servedAnswer };
  };

  /** One ledger record per attempt; the cost adds to the request's total. */
  const record = (
    candidate: Candidate,
    start: AttemptStart,
    status: number | undefined,
    failure: AttemptFacts['failure'],
    ttftMs: number | undefined,
    usage: CanonicalUsage | undefined,
    estimated = false,
  ): void => {
    const charged = usage ?? { ...emptyUsage(), inputTokens: context.profile.inputTokens };
    // Counted as the ledger charges them: a failed attempt's prompt as estimated input.
    spentTokens += charged.inputTokens + charged.outputTokens;
    if (context.meter === undefined) return;
    const provider = config.providers.get(candidate.target.provider)!;
    // Built field by field, in one shape: this runs for every attempt of every request.
    const cost = context.meter.record({
      time: start.time,
      requestId: context.requestId,
      traceId: context.caller.request.headers['x-switchyard-trace-id'],
      sessionId: context.profile.session === '' ? undefined : context.profile.session,
      taskType: context.profile.task,
      keyId: context.keyId,
      teamId: context.teamId,
      route: plan.route,
      rule: plan.rule,
      provider,
      upstreamModel: candidate.target.upstreamModel,
      deployment: candidate.target.modelId,
      attempt: start.attempt,
      status,
      failure,
      fallbackReason: start.fallbackReason,
      usage: charged,
      usageEstimated: estimated || usage === undefined,
      ttftMs,
      latencyMs: performance.now() - start.began,
      streamed: context.caller.read.stream,
      ingress: context.caller.protocol,
      contextAction: start.contextAction,
      cacheHit: false,
    });
    spentMicros = cost === null || spentMicros === null ? null : spentMicros + cost;
  };

  /** The next candidate to try now, or how long until one may be tried, or nothing left. */
  const pick = (now: number, except?: Candidate): { candidate: Candidate } | { waitUntil: number } | undefined => {
    let waitUntil = Number.POSITIVE_INFINITY;
    for (const candidate of plan.candidates) {
      if (candidate === except || candidate.skip !== undefined) continue;
      const state = states.get(candidate.target.modelId)!;
      if (state.excluded !== undefined || state.tries >= plan.retry.attemptsPerTarget) continue;
      const unavailable = health.get(candidate.target.modelId).unavailable(now);
      const readyAt = Math.max(state.notBefore, unavailable?.until ?? 0);
      if (readyAt <= now) return { candidate };
      waitUntil = Math.min(waitUntil, readyAt);
    }
    return Number.isFinite(waitUntil) ? { waitUntil } : undefined;
  };

  const attempt = (candidate: Candidate, signal: CancelSignal): Promise<AttemptOutcome> => {
    const state = states.get(candidate.target.modelId)!;
    state.tries += 1;
    attempts += 1;
    const deployment = health.get(candidate.target.modelId);
    deployment.started();
    const attemptNumber = attempts;
    let ttft: number | undefined;
    const start: AttemptStart = { time: Date.now(), began: performance.now(), attempt: attemptNumber, fallbackReason: fallbackReasons.at(-1), contextAction: undefined };
    return runAttempt({
      caller: context.caller,
      candidate,
      provider: config.providers.get(candidate.target.provider)!,
      client: context.clients.get(candidate.target.provider)!,
      requestId: context.requestId,
      signal,
      firstTokenMs: plan.firstTokenMs,
      meter: context.meter !== undefined,
      promptCache: context.promptCache === true,
      observeParts: context.observeParts,
      media: { maxBytes: config.media.maxBytes, timeoutMs: config.media.timeoutMs, fetch: mediaFetch(config.media.allowPrivateHosts) },
      inputTokens: context.profile.inputTokens,
      onContextAction: (note) => (start.contextAction = note),
      requestCost: context.meter === undefined ? undefined : (usage) => {
        const provider = config.providers.get(candidate.target.provider)!;
        const cost = context.meter!.cost({ name: provider.name, kind: provider.kind }, candidate.target.upstreamModel, usage);
        return cost === null || spentMicros === null ? null : spentMicros + cost;
      },
      onFirstByte: context.onFirstByte,
      onStreamEnd: (outcome, error, tally) => {
        const { usage, estimated } = tally.result(context.profile.inputTokens);
        const failure = outcome === 'completed' ? undefined : outcome === 'client_closed' ? 'cancelled' : error instanceof GatewayError ? classifyGatewayError(error) : 'bad_response';
        record(candidate, start, 200, failure, ttft, usage, estimated);
        context.onStreamEnd(outcome, error, { usage, toolCalls: tally.toolCalls });
        settleSpend();
      },
    }).then(
      (outcome) => {
        settle(candidate, outcome);
        if (outcome.ok) {
          ttft = outcome.success.ttftMs;
          if (!context.caller.read.stream) {
            record(candidate, start, outcome.success.response.status, undefined, ttft, outcome.success.usage);
            servedTurn = { usage: outcome.success.usage, toolCalls: outcome.success.toolCalls ?? 0 };
            servedAnswer = outcome.success.answer;
          }
        } else {
          record(candidate, start, outcome.failure.status, outcome.failure.failureClass, undefined, undefined, true);
        }
        return outcome;
      },
      (error: unknown) => {
        deployment.abandoned();
        // Cancelled (a lost hedge, or the caller left): the prompt was sent, so its input is charged as estimated.
        record(candidate, start, undefined, 'cancelled', undefined, undefined, true);
        throw error;
      },
    );
  };

  /** Health, backoff and exclusions after one attempt. */
  const settle = (candidate: Candidate, outcome: AttemptOutcome): void => {
    const deployment = health.get(candidate.target.modelId);
    if (outcome.ok) {
      deployment.succeeded(outcome.success.ttftMs);
      return;
    }
    const { failure } = outcome;
    const state = states.get(candidate.target.modelId)!;
    const now = Date.now();
    const waitMs = retryAfterMs(failure.retryAfter, now);
    if (countsAgainstDeployment(failure.failureClass)) {
      if (deployment.failed(config.routing.breaker, now)) {
        context.logger.warn({ deployment: candidate.target.modelId, failure: failure.failureClass }, 'circuit breaker opened');
        context.onBreakerOpened?.(candidate.target.modelId, failure.failureClass);
      }
    } else {
      deployment.abandoned();
    }
    switch (failure.failureClass) {
      case 'credentials':
        deployment.credentialsRejected(now + config.routing.credentialsCooldownMs);
        state.excluded = 'credentials rejected';
        context.logger.error({ deployment: candidate.target.modelId, provider: candidate.target.provider, status: failure.status }, 'provider rejected the gateway credentials; deployment taken out of rotation');
        break;
      case 'context_length':
        state.excluded = 'context too long';
        escalate(candidate.model);
        break;
      case 'rate_limited':
      case 'overloaded':
        if (waitMs !== undefined) deployment.coolDown(now + waitMs);
        state.notBefore = now + (waitMs ?? backoffMs(state.tries, plan.retry.backoffMs, plan.retry.maxBackoffMs, random));
        break;
      default:
        state.notBefore = now + backoffMs(state.tries, plan.retry.backoffMs, plan.retry.maxBackoffMs, random);
    }
    fallbackReasons.push(`${candidate.target.modelId}: ${failure.failureClass} (${failure.status})`);
  };

  /** After a context-length error, only models with a larger window remain worth trying. */
  const escalate = (failed: ModelConfig | undefined): void => {
    const window = failed?.contextWindow;
    for (const candidate of plan.candidates) {
      const other = candidate.model?.contextWindow;
      if (window !== undefined && other !== undefined && other <= window) states.get(candidate.target.modelId)!.excluded = 'context window not larger';
    }
  };

  while (attempts < plan.retry.maxAttempts) {
    if (context.signal.aborted) throw new GatewayError('internal_error', 'the client went away');
    const now = Date.now();
    const next = pick(now);
    if (next === undefined) break;
    if ('waitUntil' in next) {
      // Waiting is worth it for a short backoff or Retry-After; a longer one goes back to the caller,
      // whose own retry logic reads the provider's Retry-After from the answer.
      if (next.waitUntil > deadline || next.waitUntil - now > plan.retry.maxBackoffMs) break;
      await sleep(next.waitUntil - now, context.signal);
      continue;
    }
    if (context.deploymentGate !== undefined && (next.candidate.model?.rpm !== undefined || next.candidate.model?.tpm !== undefined)) {
      const verdict = await context.deploymentGate(next.candidate);
      if (!verdict.admitted) {
        const state = states.get(next.candidate.target.modelId)!;
        state.tries += 1;
        state.notBefore = Date.now() + verdict.retryAfterMs;
        fallbackReasons.push(`${next.candidate.target.modelId}: deployment rate limit`);
        const retryAfter = String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)));
        const error = new GatewayError('rate_limited', verdict.message, { retryAfter });
        lastFailure = { failureClass: 'rate_limited', status: 429, message: verdict.message, retryAfter, render: () => renderGatewayError(error, context.caller.protocol, context.requestId) };
        continue;
      }
      gateSettlements.push(verdict.settle);
    }
    const outcome = plan.hedge === undefined ? withCandidate(await attempt(next.candidate, context.signal), next.candidate) : await hedged(next.candidate);
    if (outcome.ok) return finish(outcome.success.response, outcome.candidate);
    lastFailure = outcome.failure;
    if (outcome.failure.failureClass === 'caller') return finish(outcome.failure.render(), undefined);
  }

  if (lastFailure !== undefined) return finish(lastFailure.render(), undefined);
  return finish(renderGatewayError(noCandidateError(plan, health), context.caller.protocol, context.requestId), undefined);

  /**
   * Start `first`; if it has produced no token by the hedge delay, start the next candidate too. The
   * first success wins and the other is cancelled; a failure waits for the other's verdict.
   */
  async function hedged(first: Candidate): Promise<(AttemptOutcome & { candidate?: Candidate })> {
    const delay = hedgeDelay(first);
    const running: Array<{ candidate: Candidate; signal: CancelSignal; promise: Promise<AttemptOutcome> }> = [];
    const launch = (candidate: Candidate): void => {
      const { signal, detach } = CancelSignal.following(context.signal);
      const promise = attempt(candidate, signal).finally(detach);
      running.push({ candidate, signal, promise });
    };
    launch(first);
    let timer: NodeJS.Timeout | undefined;
    const hedgeTimer = new Promise<'hedge'>((resolve) => {
      timer = setTimeout(() => resolve('hedge'), delay);
    });
    const firstResult = await Promise.race([running[0]!.promise.then((outcome) => ({ outcome })), hedgeTimer]);
    clearTimeout(timer);
    if (firstResult !== 'hedge') return withCandidate(firstResult.outcome, first);
    const second = pick(Date.now(), first);
    if (second === undefined || 'waitUntil' in second) return withCandidate(await running[0]!.promise, first);
    launch(second.candidate);
    context.logger.debug({ request_id: context.requestId, primary: first.target.modelId, hedge: second.candidate.target.modelId, after_ms: delay }, 'hedging');
    const pending = new Set(running.map((_, index) => index));
    let failed: AttemptOutcome | undefined;
    while (pending.size > 0) {
      const { index, outcome } = await Promise.race([...pending].map((index) => running[index]!.promise.then((outcome) => ({ index, outcome }), () => ({ index, outcome: undefined }))));
      pending.delete(index);
      if (outcome?.ok === true) {
        for (const other of pending) cancel(running[other]!);
        return withCandidate(outcome, running[index]!.candidate);
      }
      failed ??= outcome;
    }
    if (failed !== undefined) return failed;
    throw new GatewayError('internal_error', 'every hedged attempt was cancelled');
  }

  function cancel(entry: { signal: CancelSignal; promise: Promise<AttemptOutcome> }): void {
    entry.signal.abort();
    // A cancelled hedge that had already succeeded holds an open provider stream: close it.
    void entry.promise.then(
      (outcome) => {
        if (outcome.ok) outcome.success.discard();
      },
      () => undefined,
    );
  }

  function hedgeDelay(candidate: Candidate): number {
    const hedge = plan.hedge!;
    if (hedge.after !== 'p95') return hedge.after;
    return health.get(candidate.target.modelId).p95Ttft() ?? hedge.fallbackMs;
  }
}

/** The usage object of each protocol's answer, where the request's cost is added as `cost_usd`. */
const USAGE_FIELD: Record<ProtocolName, string> = { 'openai-chat': 'usage', 'openai-responses': 'usage', 'anthropic-messages': 'usage', gemini: 'usageMetadata' };

function withCostInUsage(body: Buffer, protocol: ProtocolName, micros: number): Buffer {
  return appendToTopLevelObject(body, USAGE_FIELD[protocol], 'cost_usd', formatUsd(micros)) ?? body;
}

function withCandidate(outcome: AttemptOutcome, candidate: Candidate): AttemptOutcome & { candidate?: Candidate } {
  return outcome.ok ? { ok: true, success: outcome.success, candidate } : { ok: false, failure: outcome.failure, candidate };
}

function noCandidateError(plan: RoutePlan, health: HealthRegistry): GatewayError {
  const now = Date.now();
  const reasons = plan.candidates.map((candidate) => {
    const unavailable = health.get(candidate.target.modelId).unavailable(now);
    const why = candidate.skip ?? (unavailable === undefined ? 'no attempts left' : `${unavailable.reason} for ${Math.max(0, unavailable.until - now)} ms`);
    return `${candidate.target.modelId}: ${why}`;
  });
  return new GatewayError('no_deployment_available', `No deployment can take this request${plan.route === undefined ? '' : ` on route "${plan.route}"`}: ${reasons.join('; ')}.`, { retryAfter: '1' });
}

function sleep(ms: number, signal: CancelSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    const unsubscribe = signal.onAbort(done);
    function done(): void {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}
