import type { CanonicalUsage } from '../canonical/types.js';

/** Why an attempt failed; null on the record when it succeeded. */
export type LedgerErrorClass =
  | 'rate_limited'
  | 'overloaded'
  | 'timeout'
  | 'upstream_5xx'
  | 'connection'
  | 'credentials'
  | 'client_error'
  | 'cancelled';

/**
 * One upstream attempt. A request that was retried or fell back has one record per attempt, all
 * sharing `request_id`. Field names are the column names, so records, query rows and CSV agree.
 * An attempt counts as failed exactly when `error_class` is not null.
 */
export interface LedgerRecord {
  /** A UUID, unique per attempt; makes a retried batch insert idempotent. */
  id: string;
  /** When the attempt started, ms since the epoch. */
  time: number;
  request_id: string;
  /** The task the request belongs to (the caller's trace id). */
  trace_id: string | null;
  session_id: string | null;
  task_type: string | null;
  key_id: string | null;
  team_id: string | null;
  route: string | null;
  /** The config rule that matched. */
  rule: string | null;
  provider: string;
  /** The model that served, as the upstream named it. */
  model: string;
  deployment: string | null;
  /** 1 for the first attempt of a request. */
  attempt: number;
  /** The upstream HTTP status; null when no response arrived (timeout, connection error). */
  status: number | null;
  error_class: LedgerErrorClass | null;
  /** Why this attempt was a fallback (e.g. the previous attempt's error class). */
  fallback_reason: string | null;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  reasoning_tokens: number;
  /** True when the tokens were counted by the gateway because the upstream reported none. */
  usage_estimated: boolean;
  /** Integer micro-dollars; null when the price is unknown. */
  cost_micros: number | null;
  /** Cost without prompt caching minus the actual cost; 0 when nothing was cached or the price is unknown. */
  cache_savings_micros: number;
  /** Time to first byte of the response, ms; null when none arrived. Stored rounded. */
  ttft_ms: number | null;
  /** Whole attempt, ms. Stored rounded. */
  latency_ms: number;
  streamed: boolean;
  /** Served from the gateway's response cache. */
  cache_hit: boolean;
  ingress_protocol: string;
  /** What the context policy did (e.g. 'truncated'); null when nothing. */
  context_action: string | null;
}

type ColumnKind = 'text' | 'text?' | 'count' | 'count?' | 'ms' | 'ms?' | 'status?' | 'bool' | 'micros';

/**
 * Column order and kinds, as data: validation, inserts and the SQL files all follow this list
 * (a test checks the SQL files against it).
 */
export const LEDGER_COLUMNS: readonly { name: keyof LedgerRecord; kind: ColumnKind }[] = [
  { name: 'id', kind: 'text' },
  { name: 'time', kind: 'count' },
  { name: 'request_id', kind: 'text' },
  { name: 'trace_id', kind: 'text?' },
  { name: 'session_id', kind: 'text?' },
  { name: 'task_type', kind: 'text?' },
  { name: 'key_id', kind: 'text?' },
  { name: 'team_id', kind: 'text?' },
  { name: 'route', kind: 'text?' },
  { name: 'rule', kind: 'text?' },
  { name: 'provider', kind: 'text' },
  { name: 'model', kind: 'text' },
  { name: 'deployment', kind: 'text?' },
  { name: 'attempt', kind: 'count' },
  { name: 'status', kind: 'status?' },
  { name: 'error_class', kind: 'text?' },
  { name: 'fallback_reason', kind: 'text?' },
  { name: 'input_tokens', kind: 'count' },
  { name: 'output_tokens', kind: 'count' },
  { name: 'cached_input_tokens', kind: 'count' },
  { name: 'cache_write_tokens', kind: 'count' },
  { name: 'cache_write_1h_tokens', kind: 'count' },
  { name: 'reasoning_tokens', kind: 'count' },
  { name: 'usage_estimated', kind: 'bool' },
  { name: 'cost_micros', kind: 'count?' },
  { name: 'ttft_ms', kind: 'ms?' },
  { name: 'latency_ms', kind: 'ms' },
  { name: 'streamed', kind: 'bool' },
  { name: 'cache_hit', kind: 'bool' },
  { name: 'ingress_protocol', kind: 'text' },
  { name: 'context_action', kind: 'text?' },
  { name: 'cache_savings_micros', kind: 'micros' },
];

function valueProblem(kind: ColumnKind, value: unknown): string | undefined {
  if (value === null && kind.endsWith('?')) return undefined;
  switch (kind) {
    case 'text':
    case 'text?':
      return typeof value === 'string' ? undefined : 'a string';
    case 'count':
    case 'count?':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : 'a non-negative integer';
    case 'ms':
    case 'ms?':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'a non-negative number of ms';
    case 'status?':
      return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599 ? undefined : 'an HTTP status';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'a boolean';
    case 'micros':
      return Number.isSafeInteger(value) ? undefined : 'an integer';
  }
}

/**
 * Why a record cannot be stored, or undefined when it can. Checked at append time so a bad record
 * is refused alone instead of failing (and endlessly retrying) the batch it would land in.
 */
export function ledgerRecordProblem(record: LedgerRecord): string | undefined {
  for (const column of LEDGER_COLUMNS) {
    const problem = valueProblem(column.kind, record[column.name]);
    if (problem !== undefined) return `${column.name} must be ${problem}${column.kind.endsWith('?') ? ' or null' : ''}`;
  }
  if (record.attempt < 1) return 'attempt must be 1 or more';
  return undefined;
}

/** The values of records in column order, one row after another, as the driver binds them. */
export function ledgerRowValues(records: readonly LedgerRecord[], booleansAsIntegers: boolean): (string | number | boolean | null)[] {
  const values: (string | number | boolean | null)[] = [];
  for (const record of records) {
    for (const { name, kind } of LEDGER_COLUMNS) {
      const value = record[name];
      if (value === null) values.push(null);
      else if (kind === 'bool') values.push(booleansAsIntegers ? (value ? 1 : 0) : value);
      // Durations come from performance.now() and are fractional; the ledger keeps whole ms.
      else if (kind === 'ms' || kind === 'ms?') values.push(Math.round(value as number));
      else values.push(value);
    }
  }
  return values;
}

/** The token fields of a record from the canonical usage the codecs read. */
export function ledgerTokensFromUsage(
  usage: CanonicalUsage,
): Pick<LedgerRecord, 'input_tokens' | 'output_tokens' | 'cached_input_tokens' | 'cache_write_tokens' | 'cache_write_1h_tokens' | 'reasoning_tokens'> {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cached_input_tokens: usage.cachedInputTokens,
    cache_write_tokens: usage.cacheWriteTokens,
    cache_write_1h_tokens: usage.cacheWrite1hTokens ?? 0,
    reasoning_tokens: usage.reasoningTokens,
  };
}
