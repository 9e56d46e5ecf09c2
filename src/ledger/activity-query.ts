import { filterCondition } from './filter.js';
import { ratio, toInteger, toNullableText, type SqlParam, type SqlRunner } from './sql.js';
import type { EfficiencySummary, LedgerFilter, ListOptions, SessionSummary, TaskSummary } from './store.js';

const TABLE = 'ledger_attempts';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

function listLimit(options: ListOptions | undefined): number {
  const limit = options?.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new RangeError(`ledger: limit must be 1 to ${MAX_LIMIT}, got ${String(limit)}`);
  return limit;
}

const ACTIVITY_COLUMNS = `MIN(time) AS first_time,
      MAX(time) AS last_time,
      COUNT(DISTINCT request_id) AS requests,
      COUNT(*) AS attempts,
      SUM(CASE WHEN error_class IS NOT NULL THEN 1 ELSE 0 END) AS failed_attempts,
      COUNT(DISTINCT model) AS models,
      SUM(input_tokens) AS input_tokens,
      SUM(output_tokens) AS output_tokens,
      SUM(cached_input_tokens) AS cached_input_tokens,
      SUM(cost_micros) AS cost_micros,
      SUM(CASE WHEN cost_micros IS NULL THEN 1 ELSE 0 END) AS unpriced_attempts`;

/** Cost per task (trace id), most expensive first; ties by trace id. */
export async function queryTasks(runner: SqlRunner, filter: LedgerFilter, options?: ListOptions): Promise<TaskSummary[]> {
  const condition = filterCondition(filter, ['trace_id IS NOT NULL']);
  const rows = await runner.all(
    `SELECT trace_id, MIN(session_id) AS session_id, MIN(task_type) AS task_type, ${ACTIVITY_COLUMNS}
     FROM ${TABLE} ${condition.where}
     GROUP BY trace_id
     ORDER BY COALESCE(SUM(cost_micros), 0) DESC, trace_id
     LIMIT ?`,
    [...condition.params, listLimit(options)],
  );
  return rows.map((row) => {
    const attempts = toInteger(row.attempts);
    const failedAttempts = toInteger(row.failed_attempts);
    return {
      trace_id: String(row.trace_id),
      session_id: toNullableText(row.session_id),
      task_type: toNullableText(row.task_type),
      first_time: toInteger(row.first_time),
      last_time: toInteger(row.last_time),
      requests: toInteger(row.requests),
      attempts,
      failed_attempts: failedAttempts,
      completed: failedAttempts < attempts,
      models: toInteger(row.models),
      input_tokens: toInteger(row.input_tokens),
      output_tokens: toInteger(row.output_tokens),
      cached_input_tokens: toInteger(row.cached_input_tokens),
      cost_micros: toInteger(row.cost_micros),
      unpriced_attempts: toInteger(row.unpriced_attempts),
    };
  });
}

interface SwitchCounts {
  turn_pairs: number;
  model_switches: number;
}

/**
 * A turn is a successful attempt within a session, ordered by time (then request id and id, so
 * ties order the same everywhere). LAG pairs each turn with the one before it in its session.
 */
async function modelSwitches(runner: SqlRunner, filter: LedgerFilter, sessionIds?: readonly string[]): Promise<Map<string | null, SwitchCounts>> {
  const extra = ['session_id IS NOT NULL', 'error_class IS NULL'];
  const sessionParams: SqlParam[] = [];
  if (sessionIds !== undefined) {
    extra.push(`session_id IN (${sessionIds.map(() => '?').join(', ')})`);
    sessionParams.push(...sessionIds);
  }
  const condition = filterCondition(filter, extra);
  const perSession = sessionIds !== undefined;
  const rows = await runner.all(
    `SELECT ${perSession ? 'session_id' : 'NULL'} AS session_id,
        COUNT(previous_model) AS turn_pairs,
        SUM(CASE WHEN previous_model IS NOT NULL AND model <> previous_model THEN 1 ELSE 0 END) AS model_switches
     FROM (
       SELECT session_id, model, LAG(model) OVER (PARTITION BY session_id ORDER BY time, request_id, id) AS previous_model
       FROM ${TABLE} ${condition.where}
     ) turns${perSession ? ' GROUP BY session_id' : ''}`,
    [...condition.params, ...sessionParams],
  );
  return new Map(
    rows.map((row) => [toNullableText(row.session_id), { turn_pairs: toInteger(row.turn_pairs), model_switches: toInteger(row.model_switches) }]),
  );
}

/** Per-session summaries, most recently active first; ties by session id. */
export async function querySessions(runner: SqlRunner, filter: LedgerFilter, options?: ListOptions): Promise<SessionSummary[]> {
  const condition = filterCondition(filter, ['session_id IS NOT NULL']);
  const rows = await runner.all(
    `SELECT session_id, COUNT(DISTINCT trace_id) AS tasks, ${ACTIVITY_COLUMNS}
     FROM ${TABLE} ${condition.where}
     GROUP BY session_id
     ORDER BY MAX(time) DESC, session_id
     LIMIT ?`,
    [...condition.params, listLimit(options)],
  );
  const ids = rows.map((row) => String(row.session_id));
  const switches = ids.length === 0 ? new Map<string | null, SwitchCounts>() : await modelSwitches(runner, filter, ids);
  return rows.map((row) => {
    const sessionId = String(row.session_id);
    const counts = switches.get(sessionId) ?? { turn_pairs: 0, model_switches: 0 };
    return {
      session_id: sessionId,
      first_time: toInteger(row.first_time),
      last_time: toInteger(row.last_time),
      tasks: toInteger(row.tasks),
      requests: toInteger(row.requests),
      attempts: toInteger(row.attempts),
      failed_attempts: toInteger(row.failed_attempts),
      models: toInteger(row.models),
      input_tokens: toInteger(row.input_tokens),
      output_tokens: toInteger(row.output_tokens),
      cached_input_tokens: toInteger(row.cached_input_tokens),
      cost_micros: toInteger(row.cost_micros),
      unpriced_attempts: toInteger(row.unpriced_attempts),
      ...counts,
      model_switch_frequency: ratio(counts.model_switches, counts.turn_pairs),
    };
  });
}

/** Tokens per completed task and how often sessions switch models. */
export async function queryEfficiency(runner: SqlRunner, filter: LedgerFilter): Promise<EfficiencySummary> {
  const condition = filterCondition(filter);
  const [totals, switches] = await Promise.all([
    runner.all(
      `SELECT SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
          COUNT(DISTINCT CASE WHEN error_class IS NULL THEN trace_id END) AS completed_tasks
       FROM ${TABLE} ${condition.where}`,
      condition.params,
    ),
    modelSwitches(runner, filter),
  ]);
  const row = totals[0] ?? {};
  const inputTokens = toInteger(row.input_tokens);
  const outputTokens = toInteger(row.output_tokens);
  const completedTasks = toInteger(row.completed_tasks);
  const counts = switches.get(null) ?? { turn_pairs: 0, model_switches: 0 };
  return {
    completed_tasks: completedTasks,
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    tokens_per_completed_task: ratio(inputTokens + outputTokens, completedTasks),
    output_input_ratio: ratio(outputTokens, inputTokens),
    ...counts,
    model_switch_frequency: ratio(counts.model_switches, counts.turn_pairs),
  };
}
