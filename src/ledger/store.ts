import type { LedgerRecord } from './record.js';

/** Every field optional; all given fields must match. Times are ms since the epoch. */
export interface LedgerFilter {
  /** Inclusive. */
  from?: number;
  /** Exclusive. */
  to?: number;
  key_id?: string;
  team_id?: string;
  route?: string;
  model?: string;
  task_type?: string;
  session_id?: string;
  trace_id?: string;
  provider?: string;
}

export type LedgerGrouping = 'none' | 'model' | 'route' | 'task' | 'key' | 'team' | 'session' | 'provider' | 'day' | 'hour';

export const LEDGER_GROUPINGS: readonly LedgerGrouping[] = ['none', 'model', 'route', 'task', 'key', 'team', 'session', 'provider', 'day', 'hour'];

/**
 * One group of a usage query. Ratios are null when their denominator is 0; percentiles are
 * nearest-rank over successful attempts, null when there are none.
 */
export interface UsageGroup {
  /** The group's value: a model, a key id…; `YYYY-MM-DD` for day, `YYYY-MM-DDTHH:00Z` for hour (UTC); null for 'none' or a null column. */
  group: string | null;
  /** Distinct request ids. */
  requests: number;
  attempts: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  reasoning_tokens: number;
  /** Sum over priced attempts; see unpriced_attempts. */
  cost_micros: number;
  /** Attempts whose price was unknown, so cost_micros is a lower bound when this is not 0. */
  unpriced_attempts: number;
  /** What provider prompt caching saved: cost without caching minus cost (net of cache-write premiums). */
  cache_savings_micros: number;
  /** Attempts served from the gateway's response cache. */
  response_cache_hits: number;
  /** Prompt-cache reads: cached input tokens / input tokens. */
  cache_hit_ratio: number | null;
  /** Failed attempts / attempts. */
  error_rate: number | null;
  /** Requests that needed more than one attempt / requests. */
  fallback_rate: number | null;
  /** Distinct trace ids with at least one successful attempt. */
  completed_tasks: number;
  /** (input + output tokens) / completed tasks. */
  tokens_per_completed_task: number | null;
  output_input_ratio: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
}

/** Cost and shape of one task (one trace id). */
export interface TaskSummary {
  trace_id: string;
  /** The smallest session id and task type seen in the task (a task normally has one). */
  session_id: string | null;
  task_type: string | null;
  first_time: number;
  last_time: number;
  requests: number;
  attempts: number;
  failed_attempts: number;
  /** At least one attempt succeeded. */
  completed: boolean;
  models: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_micros: number;
  unpriced_attempts: number;
}

export interface SessionSummary {
  session_id: string;
  first_time: number;
  last_time: number;
  tasks: number;
  requests: number;
  attempts: number;
  failed_attempts: number;
  models: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_micros: number;
  unpriced_attempts: number;
  /** Pairs of consecutive successful turns. */
  turn_pairs: number;
  /** Pairs whose served model differs from the previous turn's. */
  model_switches: number;
  model_switch_frequency: number | null;
}

export interface EfficiencySummary {
  completed_tasks: number;
  input_tokens: number;
  output_tokens: number;
  /** Input + output tokens of every attempt, failed ones included: they were spent. */
  total_tokens: number;
  tokens_per_completed_task: number | null;
  output_input_ratio: number | null;
  turn_pairs: number;
  model_switches: number;
  /** Within sessions: consecutive successful turns served by a different model / all such pairs. */
  model_switch_frequency: number | null;
}

export interface ListOptions {
  /** Default 100, at most 10,000. Tasks come most expensive first, sessions most recent first. */
  limit?: number;
}

/** Where records are inserted in batches. LedgerWriter needs only this. */
export interface LedgerSink {
  /** One transaction; retrying a batch is safe (rows with a known id are skipped). */
  insertBatch(records: readonly LedgerRecord[]): Promise<void>;
}

export interface LedgerStore extends LedgerSink {
  readonly kind: 'sqlite' | 'postgres';
  query(filter: LedgerFilter, grouping?: LedgerGrouping): Promise<UsageGroup[]>;
  tasks(filter: LedgerFilter, options?: ListOptions): Promise<TaskSummary[]>;
  sessions(filter: LedgerFilter, options?: ListOptions): Promise<SessionSummary[]>;
  efficiency(filter: LedgerFilter): Promise<EfficiencySummary>;
  close(): Promise<void>;
}
