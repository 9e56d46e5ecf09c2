/**
 * Spend budgets in integer micro-dollars, per scope (key, team, …) and calendar period. A request
 * reserves its estimated cost in every scope before it runs and settles the actual cost after;
 * admission refuses when spent + reserved + estimate would pass a hard limit. Reservations expire
 * on their own, so a replica that dies mid-request frees its reserve after `reservationTtlMs`.
 */
import type { BudgetPeriod } from './period.js';

export interface Budget {
  period: BudgetPeriod;
  /** Hard limit for one window of the period, in micro-dollars; 0 blocks all spend. */
  limitMicros: number;
  /** IANA zone whose calendar the period follows (`UTC`, `Europe/Paris`); unused for `total`. */
  timezone: string;
  /** Fractions of the limit (0.5, 0.8, 1) whose crossing is reported once per window. */
  thresholds?: readonly number[];
}

export interface BudgetScope {
  id: string;
  budgets: readonly Budget[];
}

/** Returned on admission; settle or release it exactly once (later calls do nothing). */
export interface BudgetReservation {
  readonly id: string;
  readonly scopes: readonly BudgetScope[];
  readonly estimateMicros: number;
  /** Store time after which the reserve frees itself if never settled. */
  readonly expiresAt: number;
  /** False when admitted without reserving (store unavailable, fail-open). */
  readonly held: boolean;
}

/** Which budget refused a reservation, with its figures at that moment. */
export interface BudgetExceeded {
  scopeId: string;
  period: BudgetPeriod;
  timezone: string;
  limitMicros: number;
  spentMicros: number;
  reservedMicros: number;
  /** When the window resets (epoch ms); null for `total`. */
  resetsAt: number | null;
}

export type BudgetDecision =
  | { admitted: true; reservation: BudgetReservation; degraded?: true }
  | { admitted: false; exceeded: BudgetExceeded };

/** A soft threshold first reached in this window by this call; alert on it. */
export interface ThresholdCrossing {
  scopeId: string;
  period: BudgetPeriod;
  timezone: string;
  threshold: number;
  limitMicros: number;
  spentMicros: number;
  resetsAt: number | null;
}

export interface BudgetSettlement {
  crossed: ThresholdCrossing[];
  /** Set when the store was unavailable and the fail-open policy dropped the update. */
  degraded?: true;
}

export interface BudgetStatus {
  period: BudgetPeriod;
  timezone: string;
  limitMicros: number;
  spentMicros: number;
  /** Reserved by requests in flight (shared by all budgets of the scope). */
  reservedMicros: number;
  windowStart: number;
  resetsAt: number | null;
}

export interface BudgetLedger {
  /** Reserves `estimateMicros` in every scope, or refuses naming the first budget it would pass. */
  reserve(scopes: readonly BudgetScope[], estimateMicros: number, now?: number): Promise<BudgetDecision>;
  /**
   * Frees the reservation and adds `actualMicros` to the window containing `now` of every budget,
   * even past the limit (money already spent is always recorded), even if the reservation expired.
   */
  settle(reservation: BudgetReservation, actualMicros: number, now?: number): Promise<BudgetSettlement>;
  /** Frees the reservation of a request that failed before costing anything. */
  release(reservation: BudgetReservation): Promise<void>;
  status(scopeId: string, budgets: readonly Budget[], now?: number): Promise<BudgetStatus[]>;
}

export interface BudgetLedgerOptions {
  /** How long an unsettled reservation holds its reserve (default 10 min: past the longest stream). */
  reservationTtlMs?: number;
  /** How long a window's spend is kept after the window ends (default 7 days). */
  windowRetentionMs?: number;
}

export const DEFAULT_RESERVATION_TTL_MS = 10 * 60_000;
export const DEFAULT_WINDOW_RETENTION_MS = 7 * 86_400_000;
