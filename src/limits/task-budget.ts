/**
 * Task budgets: tokens and cost per trace (one agent task or session, however many turns and
 * requests it takes). Like spend budgets, a turn reserves its estimate before it runs and settles
 * after, so concurrent turns of one task cannot jointly pass a cap by more than the estimates of
 * the turns in flight. A task's record disappears after `ttlMs` without activity.
 */

export interface TaskAmount {
  tokens: number;
  micros: number;
}

export interface TaskUsage {
  tokens: number;
  micros: number;
  /** Held by turns in flight. */
  reservedTokens: number;
  reservedMicros: number;
}

/** Caps for one task; an absent cap is unlimited, 0 blocks. */
export interface TaskLimits {
  maxTokens?: number;
  maxMicros?: number;
}

/** Returned on admission; settle or release it exactly once (later calls do nothing). */
export interface TaskReservation {
  readonly id: string;
  readonly traceId: string;
  readonly estimate: TaskAmount;
  /** Store time after which the reserve frees itself if never settled. */
  readonly expiresAt: number;
  /** The task's idle lifetime, renewed when this reservation settles. */
  readonly ttlMs: number;
  /** False when admitted without reserving (store unavailable, fail-open). */
  readonly held: boolean;
}

export type TaskDecision =
  | { admitted: true; reservation: TaskReservation; degraded?: true }
  | { admitted: false; exceeded: 'tokens' | 'micros'; limit: number; usage: TaskUsage };

export interface TaskBudget {
  /** Reserves `estimate` for one turn, or refuses if used + reserved + estimate would pass a cap. */
  reserveTask(traceId: string, estimate: TaskAmount, limits: TaskLimits, ttlMs: number, now?: number): Promise<TaskDecision>;
  /** Frees the reservation and adds the actual usage (always recorded, even past a cap). */
  settleTask(reservation: TaskReservation, actual: TaskAmount, now?: number): Promise<void>;
  releaseTask(reservation: TaskReservation, now?: number): Promise<void>;
  /** Adds usage that had no reservation (e.g. a turn that bypassed the pre-charge). */
  addTaskUsage(traceId: string, tokens: number, micros: number, ttlMs: number, now?: number): Promise<void>;
  taskUsage(traceId: string, now?: number): Promise<TaskUsage>;
}

export interface TaskBudgetOptions {
  /** How long an unsettled turn holds its reserve (default 10 min). */
  reservationTtlMs?: number;
}

export const EMPTY_TASK_USAGE: TaskUsage = Object.freeze({ tokens: 0, micros: 0, reservedTokens: 0, reservedMicros: 0 });

/** Which cap, if any, the turn would pass: tokens are checked first. Same rule as budgets. */
export function taskCapExceeded(usage: TaskUsage, estimate: TaskAmount, limits: TaskLimits): { exceeded: 'tokens' | 'micros'; limit: number } | undefined {
  const over = (limit: number | undefined, used: number, reserved: number, wanted: number): boolean => limit !== undefined && (used >= limit || used + reserved + wanted > limit);
  if (over(limits.maxTokens, usage.tokens, usage.reservedTokens, estimate.tokens)) return { exceeded: 'tokens', limit: limits.maxTokens ?? 0 };
  if (over(limits.maxMicros, usage.micros, usage.reservedMicros, estimate.micros)) return { exceeded: 'micros', limit: limits.maxMicros ?? 0 };
  return undefined;
}

export function validateTaskAmount(amount: TaskAmount, what: string): void {
  for (const [name, value] of Object.entries(amount)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} ${name} must be a non-negative integer, got ${value}`);
  }
}

export function validateTaskCall(limits: TaskLimits, ttlMs: number): void {
  for (const [name, value] of Object.entries(limits)) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw new RangeError(`task ${name} must be a non-negative integer, got ${value}`);
  }
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`task ttl must be a positive number of milliseconds, got ${ttlMs}`);
}
