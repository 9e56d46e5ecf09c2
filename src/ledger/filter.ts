import type { LedgerFilter, LedgerGrouping } from './store.js';
import type { SqlParam } from './sql.js';

const EQUALITY_FIELDS = ['key_id', 'team_id', 'route', 'model', 'task_type', 'session_id', 'trace_id', 'provider'] as const;

export interface SqlCondition {
  /** `WHERE …`, or empty when nothing is filtered. */
  where: string;
  params: SqlParam[];
}

/** The filter as SQL conditions; extra conditions (constant SQL, no parameters) are ANDed in. */
export function filterCondition(filter: LedgerFilter, extra: readonly string[] = []): SqlCondition {
  const conditions: string[] = [];
  const params: SqlParam[] = [];
  for (const [bound, operator] of [['from', '>='], ['to', '<']] as const) {
    const value = filter[bound];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value)) throw new RangeError(`ledger filter: ${bound} must be ms since the epoch, got ${String(value)}`);
    conditions.push(`time ${operator} ?`);
    params.push(value);
  }
  for (const field of EQUALITY_FIELDS) {
    const value = filter[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new TypeError(`ledger filter: ${field} must be a string`);
    conditions.push(`${field} = ?`);
    params.push(value);
  }
  conditions.push(...extra);
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The SQL expression a grouping groups by; undefined for 'none'. Time buckets use integer
 * division, which both backends do the same way, so day and hour groups are UTC.
 */
export function groupExpression(grouping: LedgerGrouping): string | undefined {
  switch (grouping) {
    case 'none':
      return undefined;
    case 'model':
    case 'route':
    case 'provider':
      return grouping;
    case 'task':
      return 'task_type';
    case 'key':
      return 'key_id';
    case 'team':
      return 'team_id';
    case 'session':
      return 'session_id';
    case 'day':
      return `(time / ${DAY_MS}) * ${DAY_MS}`;
    case 'hour':
      return `(time / ${HOUR_MS}) * ${HOUR_MS}`;
    default:
      throw new RangeError(`ledger: unknown grouping ${JSON.stringify(grouping)}`);
  }
}

/** The group value as the API shows it: text as stored, time buckets as ISO dates in UTC. */
export function groupLabel(grouping: LedgerGrouping, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (grouping === 'day') return new Date(Number(value)).toISOString().slice(0, 10);
  if (grouping === 'hour') return `${new Date(Number(value)).toISOString().slice(0, 13)}:00Z`;
  return String(value);
}
