import { randomUUID } from 'node:crypto';
import type { LedgerErrorClass, LedgerRecord } from '../record.js';

/** A successful, priced, non-streamed attempt; override what a test cares about. */
export function makeRecord(overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    id: randomUUID(),
    time: Date.UTC(2025, 0, 1, 12),
    request_id: randomUUID(),
    trace_id: null,
    session_id: null,
    task_type: null,
    key_id: 'key-a',
    team_id: null,
    route: 'default',
    rule: null,
    provider: 'openai',
    model: 'gpt-test',
    deployment: null,
    attempt: 1,
    status: 200,
    error_class: null,
    fallback_reason: null,
    input_tokens: 100,
    output_tokens: 10,
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    reasoning_tokens: 0,
    usage_estimated: false,
    cost_micros: 1000,
    cache_savings_micros: 0,
    ttft_ms: null,
    latency_ms: 500,
    streamed: false,
    cache_hit: false,
    ingress_protocol: 'openai-chat',
    context_action: null,
    ...overrides,
  };
}

/** Numbered records whose request ids sort in append order (`req-000042`). */
export function numberedRecords(count: number, first = 0): LedgerRecord[] {
  return Array.from({ length: count }, (_, index) => makeRecord({ request_id: `req-${String(first + index).padStart(6, '0')}` }));
}

/** mulberry32: small, seeded, good enough to make varied but repeatable traffic. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Mixed case and non-ASCII names: a collation that is not byte order would sort them differently.
const MODELS = [
  { provider: 'openai', model: 'gpt-5.5' },
  { provider: 'openai', model: 'Gpt-mini' },
  { provider: 'anthropic', model: 'claude-sonnet' },
  { provider: 'anthropic', model: 'Claude-haiku' },
  { provider: 'gemini', model: 'gemini-pro' },
  { provider: 'local', model: 'ärger-7b' },
] as const;
const ROUTES = ['default', 'Coding', 'cheap', null] as const;
const TASKS = ['code', 'chat', 'Summarize', 'agent', null] as const;
const FAILURES: readonly LedgerErrorClass[] = ['rate_limited', 'overloaded', 'timeout', 'upstream_5xx', 'connection'];
const STATUS: Record<string, number | null> = { rate_limited: 429, overloaded: 529, timeout: null, upstream_5xx: 502, connection: null };

/**
 * Traffic with the shape the gateway produces: sessions of tasks of requests, fallbacks after
 * failures, unknown prices, cache hits, streamed and non-streamed attempts, spread over three days.
 */
export function generateTraffic(seed: number, requestCount: number): LedgerRecord[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const start = Date.UTC(2025, 2, 30, 22);
  const records: LedgerRecord[] = [];
  for (let request = 0; request < requestCount; request += 1) {
    const session = random() < 0.1 ? null : `Session-${Math.floor(random() * 25)}`;
    const trace = random() < 0.05 ? null : `${session ?? 'solo'}/task-${Math.floor(random() * 4)}`;
    const time = start + Math.floor((request / requestCount) * 3 * 86_400_000) + Math.floor(random() * 1000);
    const attempts = random() < 0.8 ? 1 : 2 + Math.floor(random() * 2);
    const lastFails = random() < 0.05;
    const streamed = random() < 0.6;
    const shared = {
      request_id: `request-${seed}-${request}`,
      trace_id: trace,
      session_id: session,
      task_type: pick(TASKS),
      key_id: `key-${Math.floor(random() * 5)}`,
      team_id: random() < 0.3 ? null : `team-${Math.floor(random() * 3)}`,
      route: pick(ROUTES),
      ingress_protocol: pick(['openai-chat', 'anthropic-messages', 'openai-responses']),
      streamed,
    };
    let previousFailure: LedgerErrorClass | null = null;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const fails = attempt < attempts || lastFails;
      const failure = fails ? pick(FAILURES) : null;
      const { provider, model } = pick(MODELS);
      const input = 50 + Math.floor(random() * 5000);
      const cached = random() < 0.4 ? Math.floor(random() * input) : 0;
      const output = fails ? 0 : 1 + Math.floor(random() * 800);
      records.push(
        makeRecord({
          ...shared,
          id: `${seed}-${request}-${attempt}`,
          time: time + attempt * 37,
          rule: shared.route === null ? null : `rule-${shared.route}`,
          provider,
          model,
          deployment: random() < 0.5 ? null : `${provider}-east`,
          attempt,
          status: failure === null ? 200 : (STATUS[failure] ?? null),
          error_class: failure,
          fallback_reason: attempt === 1 ? null : previousFailure,
          input_tokens: input,
          output_tokens: output,
          cached_input_tokens: cached,
          cache_write_tokens: random() < 0.2 ? Math.floor(random() * (input - cached)) : 0,
          cache_write_1h_tokens: random() < 0.05 ? 10 : 0,
          reasoning_tokens: Math.floor(output * random() * 0.5),
          usage_estimated: random() < 0.05,
          cost_micros: random() < 0.05 ? null : input * 3 + output * 15,
          cache_savings_micros: Math.floor(random() * 2000) - 200,
          // Few distinct latencies, so percentiles meet ties.
          ttft_ms: streamed && !fails ? 20 * (1 + Math.floor(random() * 40)) : null,
          latency_ms: 50 * (1 + Math.floor(random() * 100)),
          cache_hit: !fails && random() < 0.03,
          context_action: random() < 0.05 ? 'truncated' : null,
        }),
      );
      previousFailure = failure;
    }
  }
  return records;
}
