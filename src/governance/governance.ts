/**
 * Governance on the request path: who is calling (virtual key, admin key, or open access on
 * loopback), what they may use, and whether their rate limits, budgets and task budget admit one
 * more request. Enforcement is pre-charge then settle: a request reserves its estimate before it
 * runs and settles its true spend after, so concurrent requests cannot jointly overspend by more
 * than the estimates in flight. Counters live in the limits stores (in process, or Redis shared by
 * every replica); keys live in the key store (the ledger's database).
 */
import { randomUUID } from 'node:crypto';
import type { GovernanceConfig } from '../config/types.js';
import { GatewayError } from '../errors/catalogue.js';
import type { GatewayRequest } from '../gateway/http-types.js';
import { authFailureError, KeyAuthenticator, keyAllowsModel, keyAllowsRoute, looksLikeVirtualKey, type AuthenticatedKey, type Budget as KeyBudget, type KeyStore, type LimitAction } from '../keys/index.js';
import {
  CounterStoreUnavailableError,
  rateLimitHeaderValues,
  type Budget,
  type BudgetExceeded,
  type BudgetReservation,
  type BudgetScope,
  type LimitsStores,
  type RateLimitHandle,
  type RateLimitScope,
  type TaskLimits,
  type TaskReservation,
} from '../limits/index.js';
import type { Logger } from '../logging/logger.js';
import type { DeploymentVerdict } from '../gateway/execute-plan.js';
import { adminGuard } from '../admin/admin-auth.js';
import { AlertDispatcher, SpendJumpDetector } from './alerts.js';
import { isLoopback, presentedCredential } from './credentials.js';
import { formatTaskRemaining, parseTaskBudgetHeader } from './task-budget-header.js';

/** Who is calling. */
export type Principal = { kind: 'open' } | { kind: 'admin' } | { kind: 'key'; auth: AuthenticatedKey };

/** What governance needs to know about a call before it runs. */
export interface CallShape {
  /** The model or route alias as the caller named it, and the route it resolved to. */
  model: string;
  route: string | undefined;
  /** Input tokens (estimated) plus the output the call may produce. */
  estimatedTokens: number;
  estimatedMicros: number;
}

/** A call let through: release or settle it exactly once. */
export interface Admission {
  principal: Principal;
  /** Headers for the response (x-ratelimit-*, remaining task budget, downgrade). */
  headers: Record<string, string>;
  /** Serve on this route instead: a budget with `downgrade_to` is exhausted. */
  downgradeTo: string | undefined;
  rate: RateLimitHandle | undefined;
  budget: BudgetReservation | undefined;
  /** Exhausted budgets whose policy downgrades: their spend is still recorded. */
  unreservedBudgets: BudgetScope[];
  task: { traceId: string; limits: TaskLimits; reservation: TaskReservation | undefined } | undefined;
}

export interface GovernanceOptions {
  config: GovernanceConfig;
  /** Without a key store, every call is open (loopback only). */
  keys: KeyStore | undefined;
  limits: LimitsStores;
  logger: Logger;
  alerts?: AlertDispatcher;
  now?: () => number;
}

/** How long "does any key exist" is believed; a first key takes effect within this. */
const KEY_PRESENCE_TTL_MS = 1_000;

export class Governance {
  readonly alerts: AlertDispatcher;
  private readonly authenticator: KeyAuthenticator | undefined;
  private readonly adminCheck: ((request: GatewayRequest) => GatewayError | undefined) | undefined;
  private readonly now: () => number;
  private readonly spendJump: SpendJumpDetector;
  private keyPresence: { value: boolean; until: number } | undefined;
  private config: GovernanceConfig;

  constructor(private readonly options: GovernanceOptions) {
    this.config = options.config;
    this.now = options.now ?? Date.now;
    this.authenticator = options.keys === undefined ? undefined : new KeyAuthenticator(options.keys);
    this.adminCheck = options.config.adminKey === undefined ? undefined : adminGuard(options.config.adminKey);
    this.alerts = options.alerts ?? new AlertDispatcher(options.config.alerts.webhooks, options.logger);
    this.spendJump = new SpendJumpDetector(options.config.alerts.spendJump.factor, Math.round(options.config.alerts.spendJump.minUsd * 1_000_000));
  }

  /** Alert hooks and estimates follow config reloads; the admin key and Redis need a restart. */
  reload(config: GovernanceConfig): void {
    this.config = { ...config, adminKey: this.config.adminKey, redisUrl: this.config.redisUrl };
    this.alerts.setWebhooks(config.alerts.webhooks);
  }

  /** A key was created, changed or revoked on this replica: forget what was cached. */
  keysChanged(): void {
    this.authenticator?.clear();
    this.keyPresence = undefined;
  }

  /** Whether calls must present a key: once an admin key is set or any key exists. */
  async keysRequired(): Promise<boolean> {
    if (this.adminCheck !== undefined) return true;
    if (this.options.keys === undefined) return false;
    const now = this.now();
    if (this.keyPresence !== undefined && this.keyPresence.until > now) return this.keyPresence.value;
    const value = (await this.options.keys.listKeys()).length > 0;
    this.keyPresence = { value, until: now + KEY_PRESENCE_TTL_MS };
    return value;
  }

  /** The admin key, checked in constant time; undefined when the request does not carry it. */
  isAdmin(request: GatewayRequest): boolean {
    return this.adminCheck !== undefined && this.adminCheck(request) === undefined;
  }

  /** Who is calling, or a 401 in the caller's protocol. */
  async identify(request: GatewayRequest): Promise<Principal> {
    const credential = presentedCredential(request);
    if (credential !== undefined && looksLikeVirtualKey(credential)) {
      if (this.authenticator === undefined) throw authFailureError('unknown');
      const result = await this.authenticator.authenticate(credential);
      if (!result.ok) throw authFailureError(result.reason);
      return { kind: 'key', auth: { key: result.key, team: result.team } };
    }
    if (this.isAdmin(request)) return { kind: 'admin' };
    if (await this.keysRequired()) {
      throw new GatewayError(
        'invalid_api_key',
        credential === undefined
          ? 'This gateway requires a virtual key: send it as "Authorization: Bearer sy-…" (or x-api-key / x-goog-api-key).'
          : 'The API key is not a Switchyard virtual key (sy-…). Provider keys stay in the gateway; ask an admin for a virtual key.',
      );
    }
    if (!isLoopback(request.remoteAddress)) {
      throw new GatewayError('invalid_api_key', 'This gateway has no virtual keys yet, so it only serves clients on its own machine. Create a key (switchyard keys create) and send it as a bearer token.');
    }
    return { kind: 'open' };
  }

  /** A 403 when the key or its team may not use the model or the route it resolved to. */
  authorize(principal: Principal, model: string, route: string | undefined): void {
    if (principal.kind !== 'key') return;
    const { auth } = principal;
    // A route alias is governed by the route lists, a provider/model by the model lists.
    const allowed = route === undefined ? keyAllowsModel(auth, model) : keyAllowsRoute(auth, route);
    if (!allowed) {
      const lists = route === undefined ? [...(auth.key.allowed_models ?? []), ...(auth.team?.allowed_models ?? [])] : [...(auth.key.allowed_routes ?? []), ...(auth.team?.allowed_routes ?? [])];
      throw new GatewayError('model_not_allowed', `The key ${auth.key.display_prefix} may not use "${model}"${route !== undefined && route !== model ? ` (route "${route}")` : ''}. Allowed: ${lists.join(', ') || 'nothing'}.`, { param: 'model' });
    }
  }

  /**
   * Rate limits, then budgets, then the task budget. A refusal throws the caller's 429 (or 503
   * when the counters are unreachable and the policy fails closed); whatever was already counted
   * for this call is released first.
   */
  async admit(principal: Principal, request: GatewayRequest, call: CallShape): Promise<Admission> {
    const admission: Admission = { principal, headers: {}, downgradeTo: undefined, rate: undefined, budget: undefined, unreservedBudgets: [], task: undefined };
    const taskLimits = this.taskLimits(principal, request);
    const traceId = request.headers['x-switchyard-trace-id'] ?? request.headers['x-switchyard-session'];
    if (taskLimits !== undefined && traceId === undefined && request.headers['x-switchyard-task-budget'] !== undefined) {
      throw new GatewayError('invalid_request', 'x-switchyard-task-budget needs the task it applies to: send x-switchyard-trace-id (or x-switchyard-session) with every turn.', { param: 'x-switchyard-task-budget' });
    }
    if (principal.kind !== 'key' && taskLimits === undefined) return admission;
    try {
      if (principal.kind === 'key') {
        await this.admitRate(principal.auth, call, admission);
        await this.admitBudgets(principal.auth, call, admission);
      }
      if (taskLimits !== undefined && traceId !== undefined) await this.admitTask(principal, traceId, taskLimits, call, admission);
    } catch (error) {
      await this.release(admission);
      throw this.unavailable(error);
    }
    return admission;
  }

  /** The call never reached a provider: give back what it reserved. */
  async release(admission: Admission): Promise<void> {
    const { limits } = this.options;
    await Promise.allSettled([
      admission.rate === undefined ? undefined : limits.rateLimiter.settleTokens(admission.rate, 0),
      admission.budget === undefined ? undefined : limits.budgets.release(admission.budget),
      admission.task?.reservation === undefined ? undefined : limits.tasks.releaseTask(admission.task.reservation),
    ]);
  }

  /**
   * The call's true spend: settles every counter, raises threshold alerts, and returns the headers
   * that can still be set (the remaining task budget, for answers not yet sent).
   */
  async settle(admission: Admission, spend: { micros: number | null; tokens: number }): Promise<Record<string, string>> {
    const { limits, logger } = this.options;
    const micros = spend.micros ?? 0;
    const now = this.now();
    const headers: Record<string, string> = {};
    try {
      const work: Array<Promise<unknown>> = [];
      if (admission.rate !== undefined) work.push(limits.rateLimiter.settleTokens(admission.rate, spend.tokens));
      if (admission.budget !== undefined) work.push(limits.budgets.settle(admission.budget, micros, now).then((settlement) => this.onCrossings(admission, settlement.crossed)));
      if (admission.unreservedBudgets.length > 0) {
        // Spent past an exhausted budget (downgraded): recorded all the same, with no reserve to free.
        const spent: BudgetReservation = { id: randomUUID(), scopes: admission.unreservedBudgets, estimateMicros: 0, expiresAt: now, held: true };
        work.push(limits.budgets.settle(spent, micros, now));
      }
      const task = admission.task;
      if (task !== undefined) {
        const ttl = this.config.taskTtlMs;
        const settled = task.reservation !== undefined ? limits.tasks.settleTask(task.reservation, { tokens: spend.tokens, micros }, now) : limits.tasks.addTaskUsage(task.traceId, spend.tokens, micros, ttl, now);
        work.push(
          settled.then(async () => {
            const usage = await limits.tasks.taskUsage(task.traceId, now);
            headers['x-switchyard-task-budget-remaining'] = formatTaskRemaining(task.limits, usage);
          }),
        );
      }
      await Promise.all(work);
    } catch (error) {
      logger.error({ err: error }, 'governance counters not settled; reservations free themselves when they expire');
    }
    const jump = micros > 0 ? this.spendJump.add(micros, now) : undefined;
    if (jump !== undefined) {
      this.alerts.emit({
        kind: 'spend_jump',
        key: `spend_jump:${jump.hourStart}`,
        summary: `Spend this hour is $${usd(jump.micros)}, up from $${usd(jump.previousMicros)} the hour before.`,
        details: { hour_start: new Date(jump.hourStart).toISOString(), spent_usd: usd(jump.micros), previous_hour_usd: usd(jump.previousMicros) },
      });
    }
    return headers;
  }

  /** A deployment's own rpm/tpm, counted with every other replica's traffic when counters are shared. */
  async admitDeployment(modelId: string, limits: { rpm: number | undefined; tpm: number | undefined }, estimatedTokens: number): Promise<DeploymentVerdict> {
    const scope: RateLimitScope = { id: `deployment:${modelId}`, ...(limits.rpm !== undefined && { rpm: limits.rpm }), ...(limits.tpm !== undefined && { tpm: limits.tpm }) };
    let decision;
    try {
      decision = await this.options.limits.rateLimiter.check([scope], estimatedTokens, this.now());
    } catch (error) {
      throw this.unavailable(error);
    }
    if (decision.admitted) {
      const handle = decision.handle;
      return { admitted: true, settle: (tokens) => void this.options.limits.rateLimiter.settleTokens(handle, tokens).catch(() => undefined) };
    }
    const limit = decision.limit === 'rpm' ? `${limits.rpm} requests per minute` : `${limits.tpm} tokens per minute`;
    return { admitted: false, retryAfterMs: decision.retryAfterMs, message: `Deployment ${modelId} is at its limit of ${limit}; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s.` };
  }

  /** A breaker opened somewhere in the fleet of deployments. */
  breakerOpened(deployment: string, failure: string): void {
    const minute = Math.floor(this.now() / 60_000);
    this.alerts.emit({ kind: 'breaker_opened', key: `breaker:${deployment}:${minute}`, summary: `Circuit breaker opened for ${deployment} after ${failure} failures.`, details: { deployment, failure } });
  }

  /** Where a key's or team's budgets stand, for the admin API. */
  async budgetStatus(scopeId: string, budgets: readonly KeyBudget[]): Promise<Array<{ period: KeyBudget['period']; limit_usd: number; spent_usd: number; reserved_usd: number; resets_at: number | null }>> {
    const status = await this.options.limits.budgets.status(scopeId, budgets.map(toLimitsBudget), this.now());
    return status.map((entry) => ({ period: entry.period, limit_usd: entry.limitMicros / 1e6, spent_usd: entry.spentMicros / 1e6, reserved_usd: entry.reservedMicros / 1e6, resets_at: entry.resetsAt }));
  }

  private async admitRate(auth: AuthenticatedKey, call: CallShape, admission: Admission): Promise<void> {
    const scopes: RateLimitScope[] = [];
    const { key, team } = auth;
    if (key.rpm !== null || key.tpm !== null) scopes.push({ id: `key:${key.id}`, ...(key.rpm !== null && { rpm: key.rpm }), ...(key.tpm !== null && { tpm: key.tpm }) });
    if (team !== null && (team.rpm !== null || team.tpm !== null)) scopes.push({ id: `team:${team.id}`, ...(team.rpm !== null && { rpm: team.rpm }), ...(team.tpm !== null && { tpm: team.tpm }) });
    if (scopes.length === 0) return;
    const decision = await this.options.limits.rateLimiter.check(scopes, call.estimatedTokens, this.now());
    Object.assign(admission.headers, rateLimitHeaderValues(decision.headers));
    if (decision.admitted) {
      admission.rate = decision.handle;
      return;
    }
    const who = decision.scopeId.startsWith('team:') ? `team "${team?.name}"` : `key ${key.display_prefix}`;
    const limit = decision.limit === 'rpm' ? `${scopes.find((scope) => scope.id === decision.scopeId)?.rpm} requests per minute` : `${scopes.find((scope) => scope.id === decision.scopeId)?.tpm} tokens per minute`;
    const message = decision.requestTooLarge
      ? `This request (~${call.estimatedTokens} tokens) is larger than the ${limit} limit of ${who}; it cannot be served under that limit.`
      : `Rate limit of ${who} reached: ${limit}. Retry in ${Math.ceil(decision.retryAfterMs / 1000)} s.`;
    throw new GatewayError('rate_limited', message, { retryAfter: String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))), headers: rateLimitHeaderValues(decision.headers) });
  }

  private async admitBudgets(auth: AuthenticatedKey, call: CallShape, admission: Admission): Promise<void> {
    const owned = budgetOwners(auth);
    if (owned.length === 0) return;
    let scopes = owned.map((owner) => ({ id: owner.id, budgets: owner.budgets.map(toLimitsBudget) }));
    // A budget whose policy downgrades is taken out and the call re-tried against the rest.
    for (;;) {
      if (scopes.every((scope) => scope.budgets.length === 0)) return;
      const decision = await this.options.limits.budgets.reserve(scopes, call.estimatedMicros, this.now());
      if (decision.admitted) {
        admission.budget = decision.reservation;
        return;
      }
      const { exceeded } = decision;
      const owner = owned.find((candidate) => candidate.id === exceeded.scopeId);
      const budget = owner?.budgets.find((candidate) => candidate.period === exceeded.period);
      this.alerts.emit({
        kind: 'budget_exhausted',
        key: `budget_exhausted:${exceeded.scopeId}:${exceeded.period}:${exceeded.resetsAt ?? 'total'}`,
        summary: `${owner?.label ?? exceeded.scopeId}: ${exceeded.period} budget of $${usd(exceeded.limitMicros)} exhausted ($${usd(exceeded.spentMicros)} spent).`,
        details: { scope: exceeded.scopeId, period: exceeded.period, limit_usd: usd(exceeded.limitMicros), spent_usd: usd(exceeded.spentMicros), resets_at: exceeded.resetsAt },
      });
      const action: LimitAction = budget?.on_exhausted ?? 'block';
      if (action === 'block' || call.route === action.downgrade_to) throw budgetError(owner?.label ?? exceeded.scopeId, exceeded, this.now());
      admission.downgradeTo = action.downgrade_to;
      admission.headers['x-switchyard-downgraded'] = `${exceeded.period} budget of ${owner?.label ?? exceeded.scopeId} exhausted; served on route ${action.downgrade_to}`.replace(/[^\x20-\x7e]/g, '?');
      const exhausted = { id: exceeded.scopeId, budgets: scopes.find((scope) => scope.id === exceeded.scopeId)!.budgets.filter((entry) => entry.period === exceeded.period) };
      admission.unreservedBudgets.push(exhausted);
      scopes = scopes.map((scope) => (scope.id === exceeded.scopeId ? { id: scope.id, budgets: scope.budgets.filter((entry) => entry.period !== exceeded.period) } : scope));
    }
  }

  private async admitTask(principal: Principal, traceId: string, limits: TaskLimits, call: CallShape, admission: Admission): Promise<void> {
    const ttl = this.config.taskTtlMs;
    const decision = await this.options.limits.tasks.reserveTask(traceId, { tokens: call.estimatedTokens, micros: call.estimatedMicros }, limits, ttl, this.now());
    if (decision.admitted) {
      admission.task = { traceId, limits, reservation: decision.reservation };
      const usage = await this.options.limits.tasks.taskUsage(traceId, this.now());
      // Before this turn's spend is known: what is left if the turn costs its estimate.
      admission.headers['x-switchyard-task-budget-remaining'] = formatTaskRemaining(limits, { tokens: usage.tokens + usage.reservedTokens, micros: usage.micros + usage.reservedMicros });
      return;
    }
    const policy = principal.kind === 'key' ? principal.auth.key.task_budget : null;
    const action: LimitAction = policy?.on_exceeded ?? 'block';
    const used = decision.exceeded === 'tokens' ? `${decision.usage.tokens} tokens` : `$${usd(decision.usage.micros)}`;
    const cap = decision.exceeded === 'tokens' ? `${decision.limit} tokens` : `$${usd(decision.limit)}`;
    admission.headers['x-switchyard-task-budget-remaining'] = formatTaskRemaining(limits, decision.usage);
    if (action === 'block' || call.route === action.downgrade_to) {
      throw new GatewayError('task_budget_exceeded', `Task "${traceId}" has used ${used} of its ${cap} budget; this turn (~${call.estimatedTokens} tokens, ~$${usd(call.estimatedMicros)}) would pass it.`, {
        headers: { 'x-switchyard-task-budget-remaining': formatTaskRemaining(limits, decision.usage) },
      });
    }
    admission.downgradeTo = action.downgrade_to;
    admission.headers['x-switchyard-downgraded'] = `task budget ${cap} reached; served on route ${action.downgrade_to}`;
    // Spend on the cheaper route still counts toward the task.
    admission.task = { traceId, limits, reservation: undefined };
  }

  /** The task's caps: the request's header wins over the key's policy. */
  private taskLimits(principal: Principal, request: GatewayRequest): TaskLimits | undefined {
    const header = request.headers['x-switchyard-task-budget'];
    if (header !== undefined) return parseTaskBudgetHeader(header);
    const policy = principal.kind === 'key' ? principal.auth.key.task_budget : null;
    if (policy === null) return undefined;
    return { ...(policy.max_tokens !== undefined && { maxTokens: policy.max_tokens }), ...(policy.max_cost_usd !== undefined && { maxMicros: Math.round(policy.max_cost_usd * 1_000_000) }) };
  }

  private onCrossings(admission: Admission, crossed: ReadonlyArray<{ scopeId: string; period: string; threshold: number; limitMicros: number; spentMicros: number; resetsAt: number | null }>): void {
    for (const crossing of crossed) {
      const label = admission.principal.kind === 'key' ? (budgetOwners(admission.principal.auth).find((owner) => owner.id === crossing.scopeId)?.label ?? crossing.scopeId) : crossing.scopeId;
      this.alerts.emit({
        kind: 'budget_threshold',
        key: `budget_threshold:${crossing.scopeId}:${crossing.period}:${crossing.resetsAt ?? 'total'}:${crossing.threshold}`,
        summary: `${label}: ${Math.round(crossing.threshold * 100)}% of the ${crossing.period} budget used ($${usd(crossing.spentMicros)} of $${usd(crossing.limitMicros)}).`,
        details: { scope: crossing.scopeId, period: crossing.period, threshold: crossing.threshold, limit_usd: usd(crossing.limitMicros), spent_usd: usd(crossing.spentMicros), resets_at: crossing.resetsAt },
      });
    }
  }

  private unavailable(error: unknown): unknown {
    if (!(error instanceof CounterStoreUnavailableError)) return error;
    this.options.logger.error({ err: error }, 'governance counters unavailable');
    return new GatewayError('counter_store_unavailable', 'Budgets and limits cannot be checked right now (the shared counter store does not answer), and this gateway refuses calls it cannot account for. Retry shortly.', { retryAfter: '1', cause: error });
  }
}

interface BudgetOwner {
  id: string;
  label: string;
  budgets: readonly KeyBudget[];
}

function budgetOwners(auth: AuthenticatedKey): BudgetOwner[] {
  const owners: BudgetOwner[] = [];
  if (auth.key.budgets.length > 0) owners.push({ id: `key:${auth.key.id}`, label: `key ${auth.key.name ?? auth.key.display_prefix}`, budgets: auth.key.budgets });
  if (auth.team !== null && auth.team.budgets.length > 0) owners.push({ id: `team:${auth.team.id}`, label: `team ${auth.team.name}`, budgets: auth.team.budgets });
  return owners;
}

export function toLimitsBudget(budget: KeyBudget): Budget {
  return { period: budget.period, limitMicros: Math.round(budget.limit_usd * 1_000_000), timezone: budget.timezone, thresholds: budget.thresholds };
}

function budgetError(label: string, exceeded: BudgetExceeded, now: number): GatewayError {
  const resets = exceeded.resetsAt === null ? 'it does not reset (a total budget)' : `it resets at ${new Date(exceeded.resetsAt).toISOString()} (${exceeded.timezone})`;
  const reserved = exceeded.reservedMicros > 0 ? ` and $${usd(exceeded.reservedMicros)} held by requests in flight` : '';
  return new GatewayError('budget_exceeded', `Budget exhausted: ${label} has spent $${usd(exceeded.spentMicros)}${reserved} of its ${exceeded.period} budget of $${usd(exceeded.limitMicros)}; ${resets}.`, {
    ...(exceeded.resetsAt !== null && { retryAfter: String(Math.max(1, Math.ceil((exceeded.resetsAt - now) / 1000))) }),
  });
}

function usd(micros: number): string {
  return (micros / 1_000_000).toFixed(micros % 10_000 === 0 ? 2 : 6);
}
