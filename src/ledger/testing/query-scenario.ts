import { strict as assert } from 'node:assert';
import type { LedgerStore } from '../store.js';
import { makeRecord } from './records.js';

const T = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;

/**
 * Six attempts, numbers worked out by hand (README definitions):
 *   r1  A  ok   s1/t1 k1  day 1  in 1000 (400 cached) out 100 cost 500  latency 100 ttft 20
 *   r2  A  429  s1/t1 k1  day 1  in 1000              out 0   cost 0    latency 50
 *   r2  B  ok   s1/t1 k1  day 1  in 1000              out 200 cost ?    latency 300 ttft 60  (attempt 2)
 *   r3  A  ok   s1/t2 k2  day 2  in 2000 (1000 cached) out 50 cost 700  latency 200  response-cache hit
 *   r4  B  ok   s2/t3 k1  day 2  in 500               out 500 cost 300  latency 400
 *   r5  A  ok   s1/t2 k2  day 2  in 100               out 10  cost 50   latency 100
 */
const SCENARIO = [
  makeRecord({ request_id: 'r1', time: T + HOUR, model: 'A', session_id: 's1', trace_id: 't1', key_id: 'k1', input_tokens: 1000, cached_input_tokens: 400, output_tokens: 100, cost_micros: 500, cache_savings_micros: 360, latency_ms: 100, ttft_ms: 20, streamed: true }),
  makeRecord({ request_id: 'r2', time: T + 2 * HOUR, model: 'A', session_id: 's1', trace_id: 't1', key_id: 'k1', status: 429, error_class: 'rate_limited', input_tokens: 1000, output_tokens: 0, cost_micros: 0, latency_ms: 50 }),
  makeRecord({ request_id: 'r2', time: T + 2 * HOUR + 1000, attempt: 2, fallback_reason: 'rate_limited', model: 'B', provider: 'anthropic', session_id: 's1', trace_id: 't1', key_id: 'k1', input_tokens: 1000, output_tokens: 200, cost_micros: null, latency_ms: 300, ttft_ms: 60, streamed: true }),
  makeRecord({ request_id: 'r3', time: T + 25 * HOUR, model: 'A', session_id: 's1', trace_id: 't2', key_id: 'k2', input_tokens: 2000, cached_input_tokens: 1000, output_tokens: 50, cost_micros: 700, cache_savings_micros: -50, latency_ms: 200, cache_hit: true }),
  makeRecord({ request_id: 'r4', time: T + 26 * HOUR, model: 'B', provider: 'anthropic', session_id: 's2', trace_id: 't3', key_id: 'k1', input_tokens: 500, output_tokens: 500, cost_micros: 300, latency_ms: 400 }),
  makeRecord({ request_id: 'r5', time: T + 27 * HOUR, model: 'A', session_id: 's1', trace_id: 't2', key_id: 'k2', input_tokens: 100, output_tokens: 10, cost_micros: 50, latency_ms: 100 }),
];

export async function queryScenario(store: LedgerStore): Promise<void> {
  await store.insertBatch(SCENARIO);

  const [total] = await store.query({});
  assert.deepEqual(total, {
    group: null,
    requests: 5,
    attempts: 6,
    input_tokens: 5600,
    output_tokens: 860,
    cached_input_tokens: 1400,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    reasoning_tokens: 0,
    cost_micros: 1550,
    // Net of a cache-write premium: 360 saved on r1, 50 lost on r3.
    cache_savings_micros: 310,
    unpriced_attempts: 1,
    response_cache_hits: 1,
    cache_hit_ratio: 1400 / 5600,
    error_rate: 1 / 6,
    fallback_rate: 1 / 5,
    completed_tasks: 3,
    tokens_per_completed_task: 6460 / 3,
    output_input_ratio: 860 / 5600,
    // Successful latencies 100 100 200 300 400: rank ceil(2.5) = 3 and ceil(4.75) = 5.
    latency_p50_ms: 200,
    latency_p95_ms: 400,
    ttft_p50_ms: 20,
    ttft_p95_ms: 60,
  });

  const byModel = await store.query({}, 'model');
  assert.deepEqual(
    byModel.map((group) => [group.group, group.requests, group.attempts, group.input_tokens, group.error_rate, group.fallback_rate, group.latency_p50_ms, group.latency_p95_ms]),
    [
      ['A', 4, 4, 4100, 1 / 4, 0, 100, 200],
      ['B', 2, 2, 1500, 0, 1 / 2, 300, 400],
    ],
  );
  const byDay = await store.query({}, 'day');
  assert.deepEqual(byDay.map((group) => [group.group, group.requests, group.attempts]), [['2025-01-01', 2, 3], ['2025-01-02', 3, 3]]);
  const byHour = await store.query({ to: T + 3 * HOUR }, 'hour');
  assert.deepEqual(byHour.map((group) => [group.group, group.attempts]), [['2025-01-01T01:00Z', 1], ['2025-01-01T02:00Z', 2]]);

  const keyFromTwoHours = await store.query({ key_id: 'k1', from: T + 2 * HOUR });
  assert.deepEqual([keyFromTwoHours[0]?.requests, keyFromTwoHours[0]?.attempts], [2, 3]);
  const nothing = await store.query({ model: 'none-such' });
  assert.deepEqual([nothing[0]?.attempts, nothing[0]?.error_rate, nothing[0]?.latency_p50_ms], [0, null, null]);
  assert.deepEqual(await store.query({ model: 'none-such' }, 'model'), []);

  const tasks = await store.tasks({});
  assert.deepEqual(
    tasks.map((task) => [task.trace_id, task.cost_micros, task.requests, task.attempts, task.failed_attempts, task.completed, task.models, task.unpriced_attempts]),
    [
      ['t2', 750, 2, 2, 0, true, 1, 0],
      ['t1', 500, 2, 3, 1, true, 2, 1],
      ['t3', 300, 1, 1, 0, true, 1, 0],
    ],
  );
  assert.deepEqual((await store.tasks({}, { limit: 1 })).map((task) => task.trace_id), ['t2']);

  const sessions = await store.sessions({});
  assert.deepEqual(
    sessions.map((session) => [session.session_id, session.tasks, session.requests, session.attempts, session.turn_pairs, session.model_switches, session.model_switch_frequency]),
    [
      // s1's successful turns: A, B, A, A.
      ['s1', 2, 4, 5, 3, 2, 2 / 3],
      ['s2', 1, 1, 1, 0, 0, null],
    ],
  );

  assert.deepEqual(await store.efficiency({}), {
    completed_tasks: 3,
    input_tokens: 5600,
    output_tokens: 860,
    total_tokens: 6460,
    tokens_per_completed_task: 6460 / 3,
    output_input_ratio: 860 / 5600,
    turn_pairs: 3,
    model_switches: 2,
    model_switch_frequency: 2 / 3,
  });
}
