/** The in-process budget ledger: one gateway process, no Redis. Same rules as the Redis store. */
import { randomUUID } from 'node:crypto';
import {
  type Budget,
  type BudgetDecision,
  type BudgetLedger,
  type BudgetLedgerOptions,
  type BudgetReservation,
  type BudgetScope,
  type BudgetSettlement,
  type BudgetStatus,
  DEFAULT_RESERVATION_TTL_MS,
  DEFAULT_WINDOW_RETENTION_MS,
  type ThresholdCrossing,
} from './budget-ledger.js';
import { crossing, exceeded, planBudget, planScopes, SingleUse, validateBudgets, validateBudgetScopes, validateMicros, wouldExceed } from './budget-plan.js';
import { HeldReservations } from './held-reservations.js';

interface WindowSpend {
  spent: number;
  crossed: Set<string>;
  /** When this window's record may be dropped (store time); null for `total`. */
  dropAt: number | null;
}

/** Drop ended windows and empty scopes this often (in calls). */
const PRUNE_EVERY = 1000;

export class MemoryBudgetLedger implements BudgetLedger {
  private readonly held = new Map<string, HeldReservations>();
  private readonly windows = new Map<string, WindowSpend>();
  private readonly reservationTtlMs: number;
  private readonly windowRetentionMs: number;
  private readonly finished = new SingleUse();
  private callsSincePrune = 0;

  constructor(options: BudgetLedgerOptions = {}) {
    this.reservationTtlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
    this.windowRetentionMs = options.windowRetentionMs ?? DEFAULT_WINDOW_RETENTION_MS;
  }

  async reserve(scopes: readonly BudgetScope[], estimateMicros: number, now = Date.now()): Promise<BudgetDecision> {
    validateBudgetScopes(scopes, estimateMicros);
    this.maybePrune(now);
    const planned = planScopes(scopes, now);
    for (const scope of planned) {
      const reserved = this.heldFor(scope.id).sweep(now);
      for (const budget of scope.budgets) {
        const spent = this.windows.get(windowKey(scope.id, budget.windowId))?.spent ?? 0;
        if (wouldExceed(budget.budget.limitMicros, spent, reserved, estimateMicros)) {
          return { admitted: false, exceeded: exceeded(scope.id, budget, spent, reserved) };
        }
      }
    }
    const reservation: BudgetReservation = { id: randomUUID(), scopes, estimateMicros, expiresAt: now + this.reservationTtlMs, held: true };
    for (const scope of scopes) this.heldFor(scope.id).add(reservation.id, estimateMicros, reservation.expiresAt);
    return { admitted: true, reservation };
  }

  async settle(reservation: BudgetReservation, actualMicros: number, now = Date.now()): Promise<BudgetSettlement> {
    validateMicros(actualMicros, 'actual cost');
    if (!this.finished.claim(reservation)) return { crossed: [] };
    const crossed: ThresholdCrossing[] = [];
    for (const scope of planScopes(reservation.scopes, now)) {
      this.held.get(scope.id)?.drop(reservation.id);
      for (const budget of scope.budgets) {
        const spend = this.windowFor(scope.id, budget.windowId, budget.window.end);
        spend.spent += actualMicros;
        for (const threshold of budget.thresholds) {
          if (spend.spent >= threshold.micros && !spend.crossed.has(threshold.flag)) {
            spend.crossed.add(threshold.flag);
            crossed.push(crossing(scope.id, budget, threshold, spend.spent));
          }
        }
      }
    }
    return { crossed };
  }

  async release(reservation: BudgetReservation): Promise<void> {
    if (!this.finished.claim(reservation)) return;
    for (const scope of reservation.scopes) this.held.get(scope.id)?.drop(reservation.id);
  }

  async status(scopeId: string, budgets: readonly Budget[], now = Date.now()): Promise<BudgetStatus[]> {
    validateBudgets(budgets);
    const reserved = this.held.get(scopeId)?.sweep(now) ?? 0;
    return budgets.map((budget) => {
      const planned = planBudget(budget, now);
      const spent = this.windows.get(windowKey(scopeId, planned.windowId))?.spent ?? 0;
      return { period: budget.period, timezone: budget.timezone, limitMicros: budget.limitMicros, spentMicros: spent, reservedMicros: reserved, windowStart: planned.window.start, resetsAt: planned.window.end };
    });
  }

  private heldFor(scopeId: string): HeldReservations {
    let held = this.held.get(scopeId);
    if (held === undefined) {
      held = new HeldReservations();
      this.held.set(scopeId, held);
    }
    return held;
  }

  private windowFor(scopeId: string, windowId: string, end: number | null): WindowSpend {
    const key = windowKey(scopeId, windowId);
    let spend = this.windows.get(key);
    if (spend === undefined) {
      spend = { spent: 0, crossed: new Set(), dropAt: end === null ? null : end + this.windowRetentionMs };
      this.windows.set(key, spend);
    }
    return spend;
  }

  private maybePrune(now: number): void {
    this.callsSincePrune += 1;
    if (this.callsSincePrune < PRUNE_EVERY) return;
    this.callsSincePrune = 0;
    for (const [key, spend] of this.windows) if (spend.dropAt !== null && spend.dropAt <= now) this.windows.delete(key);
    for (const [id, held] of this.held) if (held.sweep(now) === 0 && held.size === 0) this.held.delete(id);
  }
}

/** Newline cannot occur in a window id, so scope and window never run into each other. */
function windowKey(scopeId: string, windowId: string): string {
  return `${scopeId}\n${windowId}`;
}
