import type { BudgetPeriod, Team, VirtualKey } from '../keys/index.js';

/** Whose budgets are asked about: a key (with its team, whose budgets apply too) or a team. */
export type BudgetScope = { kind: 'key'; key: VirtualKey; team: Team | null } | { kind: 'team'; team: Team };

/** Where one budget of the scope stands now. */
export interface BudgetStatus {
  period: BudgetPeriod;
  limit_usd: number;
  /** Spent in the current period, from the ledger. */
  spent_usd: number;
  /** Held by requests in flight, not yet settled. */
  reserved_usd: number;
  /** When the period restarts (ms since the epoch, in the budget's time zone); null for `total`. */
  resets_at: number | null;
}

/**
 * Supplied by whatever enforces budgets; the admin API only reports what it answers, one entry
 * per budget of the scope (the scope's own budgets, not its team's).
 */
export type BudgetStatusProvider = (scope: BudgetScope) => Promise<BudgetStatus[]>;
