import { groupLabel } from '../filter.js';
import type { LedgerRecord } from '../record.js';
import { compareKeys, ratio } from '../sql.js';
import type { EfficiencySummary, LedgerFilter, LedgerGrouping, UsageGroup } from '../store.js';

/**
 * The usage query computed straight from records in TS, written from the definitions in the
 * README rather than from the SQL, so a query that is wrong the same way in both backends fails.
 */
function matches(record: LedgerRecord, filter: LedgerFilter): boolean {
  if (filter.from !== undefined && record.time < filter.from) return false;
  if (filter.to !== undefined && record.time >= filter.to) return false;
  for (const field of ['key_id', 'team_id', 'route', 'model', 'task_type', 'session_id', 'trace_id', 'provider'] as const) {
    if (filter[field] !== undefined && record[field] !== filter[field]) return false;
  }
  return true;
}

function groupValue(record: LedgerRecord, grouping: LedgerGrouping): string | number | null {
  const columns = { none: null, model: record.model, route: record.route, task: record.task_type, key: record.key_id, team: record.team_id, session: record.session_id, provider: record.provider };
  if (grouping === 'day') return Math.floor(record.time / 86_400_000) * 86_400_000;
  if (grouping === 'hour') return Math.floor(record.time / 3_600_000) * 3_600_000;
  return columns[grouping];
}

function nearestRank(values: number[], percent: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((percent / 100) * sorted.length) - 1] ?? null;
}

const sum = (records: readonly LedgerRecord[], pick: (record: LedgerRecord) => number): number => records.reduce((total, record) => total + pick(record), 0);

function summarize(group: string | null, records: readonly LedgerRecord[]): UsageGroup {
  const requests = new Set(records.map((record) => record.request_id)).size;
  const succeeded = records.filter((record) => record.error_class === null);
  const input = sum(records, (record) => record.input_tokens);
  const output = sum(records, (record) => record.output_tokens);
  const completed = new Set(succeeded.filter((record) => record.trace_id !== null).map((record) => record.trace_id)).size;
  const latencies = succeeded.map((record) => Math.round(record.latency_ms));
  const ttfts = succeeded.flatMap((record) => (record.ttft_ms === null ? [] : [Math.round(record.ttft_ms)]));
  return {
    group,
    requests,
    attempts: records.length,
    input_tokens: input,
    output_tokens: output,
    cached_input_tokens: sum(records, (record) => record.cached_input_tokens),
    cache_write_tokens: sum(records, (record) => record.cache_write_tokens),
    cache_write_1h_tokens: sum(records, (record) => record.cache_write_1h_tokens),
    reasoning_tokens: sum(records, (record) => record.reasoning_tokens),
    cost_micros: sum(records, (record) => record.cost_micros ?? 0),
    cache_savings_micros: sum(records, (record) => record.cache_savings_micros),
    unpriced_attempts: records.filter((record) => record.cost_micros === null).length,
    response_cache_hits: records.filter((record) => record.cache_hit).length,
    cache_hit_ratio: ratio(sum(records, (record) => record.cached_input_tokens), input),
    error_rate: ratio(records.length - succeeded.length, records.length),
    fallback_rate: ratio(new Set(records.filter((record) => record.attempt > 1).map((record) => record.request_id)).size, requests),
    completed_tasks: completed,
    tokens_per_completed_task: ratio(input + output, completed),
    output_input_ratio: ratio(output, input),
    latency_p50_ms: nearestRank(latencies, 50),
    latency_p95_ms: nearestRank(latencies, 95),
    ttft_p50_ms: nearestRank(ttfts, 50),
    ttft_p95_ms: nearestRank(ttfts, 95),
  };
}

export function referenceUsage(records: readonly LedgerRecord[], filter: LedgerFilter, grouping: LedgerGrouping): UsageGroup[] {
  const selected = records.filter((record) => matches(record, filter));
  const groups = new Map<string | null, LedgerRecord[]>();
  for (const record of selected) {
    const key = groupLabel(grouping, groupValue(record, grouping));
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  if (grouping === 'none') return [summarize(null, selected)];
  return [...groups].map(([key, members]) => summarize(key, members)).sort((a, b) => compareKeys(a.group, b.group));
}

export function referenceEfficiency(records: readonly LedgerRecord[], filter: LedgerFilter): EfficiencySummary {
  const selected = records.filter((record) => matches(record, filter));
  const input = sum(selected, (record) => record.input_tokens);
  const output = sum(selected, (record) => record.output_tokens);
  const completed = new Set(selected.filter((record) => record.error_class === null && record.trace_id !== null).map((record) => record.trace_id)).size;
  const turns = selected
    .filter((record) => record.error_class === null && record.session_id !== null)
    .sort((a, b) => a.time - b.time || compareKeys(a.request_id, b.request_id) || compareKeys(a.id, b.id));
  const lastModel = new Map<string, string>();
  let pairs = 0;
  let switches = 0;
  for (const turn of turns) {
    const session = turn.session_id ?? '';
    const previous = lastModel.get(session);
    if (previous !== undefined) {
      pairs += 1;
      if (previous !== turn.model) switches += 1;
    }
    lastModel.set(session, turn.model);
  }
  return {
    completed_tasks: completed,
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    tokens_per_completed_task: ratio(input + output, completed),
    output_input_ratio: ratio(output, input),
    turn_pairs: pairs,
    model_switches: switches,
    model_switch_frequency: ratio(switches, pairs),
  };
}
