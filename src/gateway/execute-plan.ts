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
import { backoffMs, countsAgainstDeployment, retryAfterMs } from '../routing/failure.js';
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
  requestId: string;
  /** The caller's signal. */
  signal: AbortSignal;
  /** performance.now() at the request's arrival. */
  startedAt: number;
  random?: () => number;
  onFirstByte(): void;
  /** The served response's stream ended (streams only). */
  onStreamEnd(outcome: StreamOutcome, error?: Error): void;
}

export interface ExecutionResult {
  response: GatewayResponse;
  /** The deployment that served, when one did. */
  served: Candidate | undefined;
  attempts: number;
  fallbackReasons: string[];
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

  const finish = (response: GatewayResponse, served: Candidate | undefined): ExecutionResult => {
    response.headers['x-switchyard-attempts'] = String(attempts);
    if (plan.route !== undefined) response.headers['x-switchyard-route'] = plan.route;
    if (plan.rule !== undefined) response.headers['x-switchyard-rule'] = plan.rule;
    if (served !== undefined) response.headers['x-switchyard-model'] = served.target.modelId;
    if (fallbackReasons.length > 0) response.headers['x-switchyard-fallback-reason'] = fallbackReasons.join('; ').replace(/[^\x20-\x7e]/g, '?');
    return { response, served, attempts, fallbackReasons };
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

  const attempt = (candidate: Candidate, signal: AbortSignal): Promise<AttemptOutcome> => {
    const state = states.get(candidate.target.modelId)!;
    state.tries += 1;
    attempts += 1;
    const deployment = health.get(candidate.target.modelId);
    deployment.started();
    return runAttempt({
      caller: context.caller,
      candidate,
      provider: config.providers.get(candidate.target.provider)!,
      client: context.clients.get(candidate.target.provider)!,
      requestId: context.requestId,
      signal,
      firstTokenMs: plan.firstTokenMs,
      onFirstByte: context.onFirstByte,
      onStreamEnd: context.onStreamEnd,
    }).then(
      (outcome) => {
        settle(candidate, outcome);
        return outcome;
      },
      (error: unknown) => {
        deployment.abandoned();
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
    const running: Array<{ candidate: Candidate; controller: AbortController; promise: Promise<AttemptOutcome> }> = [];
    const launch = (candidate: Candidate): void => {
      const controller = new AbortController();
      const onAbort = (): void => controller.abort();
      context.signal.addEventListener('abort', onAbort, { once: true });
      const promise = attempt(candidate, controller.signal).finally(() => context.signal.removeEventListener('abort', onAbort));
      running.push({ candidate, controller, promise });
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

  function cancel(entry: { controller: AbortController; promise: Promise<AttemptOutcome> }): void {
    entry.controller.abort();
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

function withCandidate(outcome: AttemptOutcome, candidate: Candidate): AttemptOutcome & { candidate?: Candidate } {
  return { ...outcome, candidate };
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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
