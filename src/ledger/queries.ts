import { queryEfficiency, querySessions, queryTasks } from './activity-query.js';
import type { SqlRunner } from './sql.js';
import type { LedgerStore } from './store.js';
import { queryUsage } from './usage-query.js';

/** The read side of a store: the same SQL for both backends, so their answers are identical. */
export function ledgerQueries(runner: SqlRunner): Pick<LedgerStore, 'query' | 'tasks' | 'sessions' | 'efficiency'> {
  return {
    query: (filter, grouping) => queryUsage(runner, filter, grouping),
    tasks: (filter, options) => queryTasks(runner, filter, options),
    sessions: (filter, options) => querySessions(runner, filter, options),
    efficiency: (filter) => queryEfficiency(runner, filter),
  };
}

/** `INSERT … VALUES (…), (…)` for `rows` rows; a retried batch skips the rows already stored. */
export function insertSql(columns: readonly string[], rows: number, placeholder: (index: number) => string): string {
  const tuples: string[] = [];
  let index = 0;
  for (let row = 0; row < rows; row += 1) {
    tuples.push(`(${columns.map(() => placeholder(index++)).join(', ')})`);
  }
  return `INSERT INTO ledger_attempts (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`;
}
