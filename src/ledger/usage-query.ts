import { filterCondition, groupExpression, groupLabel } from './filter.js';
import { compareKeys, ratio, toInteger, type SqlRunner } from './sql.js';
import type { LedgerFilter, LedgerGrouping, UsageGroup } from './store.js';

const TABLE = 'ledger_attempts';

/** Sums and counts only: integers, so SQLite and PostgreSQL agree exactly. */
function aggregateSql(groupBy: string | undefined, where: string): string {
  const group = groupBy ?? 'NULL';
  return `SELECT ${group} AS group_key,
      COUNT(DISTINCT request_id) AS requests,
      COUNT(*) AS attempts,
      SUM(input_tokens) AS input_tokens,
      SUM(output_tokens) AS output_tokens,
      SUM(cached_input_tokens) AS cached_input_tokens,
      SUM(cache_write_tokens) AS cache_write_tokens,
      SUM(cache_write_1h_tokens) AS cache_write_1h_tokens,
      SUM(reasoning_tokens) AS reasoning_tokens,
      SUM(cost_micros) AS cost_micros,
      SUM(cache_savings_micros) AS cache_savings_micros,
      SUM(CASE WHEN cost_micros IS NULL THEN 1 ELSE 0 END) AS unpriced_attempts,
      SUM(CASE WHEN cache_hit THEN 1 ELSE 0 END) AS response_cache_hits,
      SUM(CASE WHEN error_class IS NOT NULL THEN 1 ELSE 0 END) AS failed_attempts,
      COUNT(DISTINCT CASE WHEN attempt > 1 THEN request_id END) AS fallback_requests,
      COUNT(DISTINCT CASE WHEN error_class IS NULL THEN trace_id END) AS completed_tasks
    FROM ${TABLE} ${where}${groupBy === undefined ? '' : ` GROUP BY ${groupBy}`}`;
}

/**
 * Nearest-rank percentiles: the value at rank ceil(p/100 · n) among the n values sorted
 * ascending. The rank is computed with integer arithmetic ((n·p + 99) / 100) in SQL, so the
 * same row is picked by both backends and only two rows per group leave the database.
 */
function percentileSql(column: string, groupBy: string | undefined, where: string): string {
  const partition = groupBy === undefined ? '' : `PARTITION BY ${groupBy} `;
  return `SELECT group_key, rank_in_group, group_size, value FROM (
      SELECT ${groupBy ?? 'NULL'} AS group_key, ${column} AS value,
        ROW_NUMBER() OVER (${partition}ORDER BY ${column}) AS rank_in_group,
        COUNT(*) OVER (${partition.trim()}) AS group_size
      FROM ${TABLE} ${where}
    ) ranked
    WHERE rank_in_group = (group_size * 50 + 99) / 100 OR rank_in_group = (group_size * 95 + 99) / 100`;
}

interface Percentiles {
  p50: number | null;
  p95: number | null;
}

async function percentiles(
  runner: SqlRunner,
  column: 'latency_ms' | 'ttft_ms',
  filter: LedgerFilter,
  grouping: LedgerGrouping,
): Promise<Map<string | null, Percentiles>> {
  // Latency is over successful attempts: a timeout's latency is the timeout, not the model's speed.
  const condition = filterCondition(filter, ['error_class IS NULL', `${column} IS NOT NULL`]);
  const rows = await runner.all(percentileSql(column, groupExpression(grouping), condition.where), condition.params);
  const byGroup = new Map<string | null, Percentiles>();
  for (const row of rows) {
    const key = groupLabel(grouping, row.group_key);
    const entry = byGroup.get(key) ?? { p50: null, p95: null };
    const size = toInteger(row.group_size);
    const rank = toInteger(row.rank_in_group);
    const value = toInteger(row.value);
    if (rank === Math.floor((size * 50 + 99) / 100)) entry.p50 = value;
    if (rank === Math.floor((size * 95 + 99) / 100)) entry.p95 = value;
    byGroup.set(key, entry);
  }
  return byGroup;
}

export async function queryUsage(runner: SqlRunner, filter: LedgerFilter, grouping: LedgerGrouping = 'none'): Promise<UsageGroup[]> {
  const groupBy = groupExpression(grouping);
  const condition = filterCondition(filter);
  const [rows, latency, ttft] = await Promise.all([
    runner.all(aggregateSql(groupBy, condition.where), condition.params),
    percentiles(runner, 'latency_ms', filter, grouping),
    percentiles(runner, 'ttft_ms', filter, grouping),
  ]);
  const groups = rows.map((row): UsageGroup => {
    const group = groupLabel(grouping, row.group_key);
    const attempts = toInteger(row.attempts);
    const requests = toInteger(row.requests);
    const inputTokens = toInteger(row.input_tokens);
    const outputTokens = toInteger(row.output_tokens);
    const completedTasks = toInteger(row.completed_tasks);
    return {
      group,
      requests,
      attempts,
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      cached_input_tokens: toInteger(row.cached_input_tokens),
      cache_write_tokens: toInteger(row.cache_write_tokens),
      cache_write_1h_tokens: toInteger(row.cache_write_1h_tokens),
      reasoning_tokens: toInteger(row.reasoning_tokens),
      cost_micros: toInteger(row.cost_micros),
      cache_savings_micros: toInteger(row.cache_savings_micros),
      unpriced_attempts: toInteger(row.unpriced_attempts),
      response_cache_hits: toInteger(row.response_cache_hits),
      cache_hit_ratio: ratio(toInteger(row.cached_input_tokens), inputTokens),
      error_rate: ratio(toInteger(row.failed_attempts), attempts),
      fallback_rate: ratio(toInteger(row.fallback_requests), requests),
      completed_tasks: completedTasks,
      tokens_per_completed_task: ratio(inputTokens + outputTokens, completedTasks),
      output_input_ratio: ratio(outputTokens, inputTokens),
      latency_p50_ms: latency.get(group)?.p50 ?? null,
      latency_p95_ms: latency.get(group)?.p95 ?? null,
      ttft_p50_ms: ttft.get(group)?.p50 ?? null,
      ttft_p95_ms: ttft.get(group)?.p95 ?? null,
    };
  });
  // Sorted here, not in SQL, so the order cannot depend on a backend's collation.
  return groups.sort((a, b) => compareKeys(a.group, b.group));
}
