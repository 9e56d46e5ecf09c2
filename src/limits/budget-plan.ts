/**
 * What a budget call touches, worked out once in TypeScript for both stores: each budget's current
 * window, the id that names it, and its thresholds in micro-dollars. The stores then only add,
 * compare and flag, so they cannot disagree on calendars or rounding.
 */
import type { Budget, BudgetExceeded, BudgetScope, ThresholdCrossing } from './budget-ledger.js';
import { keyPart } from './keys.js';
import { periodWindow, type PeriodWindow } from './period.js';

export interface PlannedThreshold {
  fraction: number;
  /** Spend at which the threshold counts as crossed (at least 1, so a zero limit alerts on real spend). */
  micros: number;
  /**
   * The flag that marks it crossed in this window. It names the limit too: when config changes a
   * limit mid-window, its thresholds are measured (and reported) afresh against the new one.
   */
  flag: string;
}

export interface PlannedBudget {
  budget: Budget;
  window: PeriodWindow;
  /** `day:Europe%2FParis:1735686000000`, or `total`: unique per scope, period, zone and window. */
  windowId: string;
  thresholds: PlannedThreshold[];
}

export interface PlannedScope {
  id: string;
  budgets: PlannedBudget[];
}

/**
 * `fraction × limit` rounded up, computed on integers: 0.8 × 100 in floating point is
 * 80.00000000000001, which would put the 80% alert at 81 micro-dollars.
 */
export function thresholdMicros(limitMicros: number, fraction: number): number {
  const partsPerMillion = BigInt(Math.round(fraction * 1_000_000));
  const scaled = BigInt(limitMicros) * partsPerMillion;
  const micros = (scaled + 999_999n) / 1_000_000n;
  return Math.max(1, Number(micros));
}

export function planBudget(budget: Budget, now: number): PlannedBudget {
  const window = periodWindow(budget.period, budget.timezone, now);
  const windowId = budget.period === 'total' ? 'total' : `${budget.period}:${keyPart(budget.timezone)}:${window.start}`;
  const thresholds = (budget.thresholds ?? []).map((fraction) => ({ fraction, micros: thresholdMicros(budget.limitMicros, fraction), flag: `crossed:${fraction}@${budget.limitMicros}` }));
  return { budget, window, windowId, thresholds };
}

export function planScopes(scopes: readonly BudgetScope[], now: number): PlannedScope[] {
  return scopes.map((scope) => ({ id: scope.id, budgets: scope.budgets.map((budget) => planBudget(budget, now)) }));
}

export function exceeded(scopeId: string, planned: PlannedBudget, spentMicros: number, reservedMicros: number): BudgetExceeded {
  const { budget, window } = planned;
  return { scopeId, period: budget.period, timezone: budget.timezone, limitMicros: budget.limitMicros, spentMicros, reservedMicros, resetsAt: window.end };
}

export function crossing(scopeId: string, planned: PlannedBudget, threshold: PlannedThreshold, spentMicros: number): ThresholdCrossing {
  const { budget, window } = planned;
  return { scopeId, period: budget.period, timezone: budget.timezone, threshold: threshold.fraction, limitMicros: budget.limitMicros, spentMicros, resetsAt: window.end };
}

/** The admission rule, in one place: spent + reserved + estimate must stay within the limit. */
export function wouldExceed(limitMicros: number, spentMicros: number, reservedMicros: number, estimateMicros: number): boolean {
  return spentMicros >= limitMicros || spentMicros + reservedMicros + estimateMicros > limitMicros;
}

export function validateBudgetScopes(scopes: readonly BudgetScope[], estimateMicros: number): void {
  if (!Number.isSafeInteger(estimateMicros) || estimateMicros < 0) throw new RangeError(`estimate must be a non-negative integer of micro-dollars, got ${estimateMicros}`);
  const seen = new Set<string>();
  for (const scope of scopes) {
    if (seen.has(scope.id)) throw new RangeError(`budget scope ${scope.id} appears twice in one reservation`);
    seen.add(scope.id);
    validateBudgets(scope.budgets);
  }
}

export function validateBudgets(budgets: readonly Budget[]): void {
  const windows = new Set<string>();
  for (const budget of budgets) {
    // Two budgets on one window would count every micro-dollar twice.
    const window = budget.period === 'total' ? 'total' : `${budget.period} ${budget.timezone}`;
    if (windows.has(window)) throw new RangeError(`two budgets for the same period and zone (${window}) in one scope`);
    windows.add(window);
    if (!Number.isSafeInteger(budget.limitMicros) || budget.limitMicros < 0) throw new RangeError(`budget limit must be a non-negative integer of micro-dollars, got ${budget.limitMicros}`);
    for (const fraction of budget.thresholds ?? []) {
      if (!Number.isFinite(fraction) || fraction <= 0) throw new RangeError(`budget threshold must be a positive fraction of the limit, got ${fraction}`);
    }
  }
}

export function validateMicros(micros: number, what: string): void {
  if (!Number.isSafeInteger(micros) || micros < 0) throw new RangeError(`${what} must be a non-negative integer of micro-dollars, got ${micros}`);
}

/** Remembers which reservations were settled or released, so a second call does nothing. */
export class SingleUse {
  private readonly used = new WeakSet<object>();

  /** True the first time it is called for `handle`. */
  claim(handle: object): boolean {
    if (this.used.has(handle)) return false;
    this.used.add(handle);
    return true;
  }
}
