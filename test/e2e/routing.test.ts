/**
 * Routing and failover through a real gateway in front of the emulator. Two providers point at the
 * same emulator: `primary` passes the caller's x-emulator-fault header on, `backup` does not, so a
 * test decides per request exactly how the primary fails while the backup stays healthy.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load.js';
import { EMULATOR_KEY, startHarness, type Harness } from '../support/harness.js';

const PRIMARY = 'gpt-5.5';
const BACKUP = 'claude-haiku-4-5';

function config(breakerFailures = 3): string {
  return `
providers:
  primary:
    kind: openai-compatible
    base_url: \${EMULATOR_URL}/openai/v1
    api_key: ${EMULATOR_KEY}
    forward_headers: [x-emulator-fault]
    timeouts: { first_byte_ms: 400 }
  backup:
    kind: openai-compatible
    base_url: \${EMULATOR_URL}/openai/v1
    api_key: ${EMULATOR_KEY}
  keyless:
    kind: openai-compatible
    base_url: \${EMULATOR_URL}/openai/v1
models:
  primary/${PRIMARY}: { context_window: 1000000, capabilities: [vision, tools, streaming] }
  primary/tiny-model: { capabilities: [tools, streaming] }
  primary/text-only: { upstream: ${PRIMARY}, capabilities: [tools, streaming] }
  backup/${BACKUP}: { context_window: 200000, capabilities: [vision, tools, streaming] }
  backup/${PRIMARY}: { context_window: 1000000, capabilities: [vision, tools, streaming] }
routes:
  chain:
    targets: [primary/${PRIMARY}]
    fallbacks: [backup/${BACKUP}]
    retry: { attempts_per_target: 1, backoff_ms: 10, max_backoff_ms: 50 }
  retrying:
    targets: [primary/${PRIMARY}]
    retry: { attempts_per_target: 3, backoff_ms: 10, max_backoff_ms: 50 }
  hedged:
    targets: [primary/${PRIMARY}, backup/${BACKUP}]
    hedge: { after: 150 }
  credentials:
    targets: [keyless/${PRIMARY}]
    fallbacks: [backup/${BACKUP}]
  escalating:
    targets: [primary/tiny-model]
    fallbacks: [backup/${PRIMARY}]
  vision:
    targets: [primary/text-only]
    fallbacks: [backup/${BACKUP}]
  first-token:
    targets: [primary/${PRIMARY}]
    fallbacks: [backup/${BACKUP}]
    timeouts: { first_token_ms: 200 }
routing:
  breaker: { consecutive_failures: ${breakerFailures}, min_samples: 1000, open_ms: 400 }

`;
}

const ask = (model: string, text = 'hello') => JSON.stringify({ model, messages: [{ role: 'user', content: text }] });

interface Answer {
  status: number;
  headers: Headers;
  json: { model?: string; error?: { message: string; code: string | null }; choices?: Array<{ message: { content: string } }> };
}

describe('routing and failover', () => {
  let harness: Harness;
  let url: string;

  // A fresh gateway per test: breakers, cool-downs and credentials verdicts are per process state.
  beforeEach(async () => {
    harness = await startHarness({
      config: config(),
      emulatorConfig: { models: { 'tiny-model': { context_window: 2_000, max_output: 1_000 } } },
    });
    url = `${harness.baseURL}/chat/completions`;
  });
  afterEach(() => harness.close());

  async function post(body: string, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: (text.startsWith('{') ? JSON.parse(text) : {}) as Answer['json'] };
  }

  /** Upstream models the emulator was asked for, for requests carrying this request id. */
  function upstreamCalls(requestId: string): string[] {
    return harness.emulator
      .received()
      .filter((request) => request.headers['x-request-id'] === requestId)
      .map((request) => (request.json as { model: string }).model);
  }

  it('serves every request when the primary fails 30% of them with mixed 429/500/529/timeouts', async () => {
    // A breaker that stays closed, so every faulted request really meets its fault on the primary.
    harness.gateway.reload(parseConfig(config(1_000).replaceAll('${EMULATOR_URL}', harness.emulator.url), 'lenient.yaml', { env: {} }));
    const faults = ['status=429; retry_after=0', 'status=500', 'status=529', 'timeout'];
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, index) => {
        // Every third-ish request fails on the primary, cycling through the failure kinds.
        const fault = index % 10 < 3 ? faults[index % faults.length]! : 'none';
        const answer = await post(ask('chain'), { 'x-emulator-fault': fault, 'x-request-id': `mixed-${index}` });
        return { fault, answer };
      }),
    );
    for (const { fault, answer } of results) {
      assert.equal(answer.status, 200, `fault ${fault}: ${JSON.stringify(answer.json)}`);
      assert.ok(answer.json.choices?.[0]?.message.content);
    }
    const failedOver = results.filter(({ answer }) => answer.headers.get('x-switchyard-fallback-reason') !== null);
    assert.ok(failedOver.length >= 30, `every faulted request fell back (${failedOver.length})`);
    for (const { answer } of failedOver) assert.equal(answer.headers.get('x-switchyard-model'), `backup/${BACKUP}`);
    const reasons = failedOver.map(({ answer }) => answer.headers.get('x-switchyard-fallback-reason')!).join(' ');
    for (const kind of ['rate_limited (429)', 'server (500)', 'overloaded (529)', 'timeout (504)']) assert.ok(reasons.includes(kind), `a fallback reason says ${kind}`);
  });

  it("returns the caller's 400 at once, without retrying or falling back", async () => {
    const answer = await post(ask('retrying'), { 'x-emulator-fault': 'status=400', 'x-request-id': 'caller-400' });
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get('x-switchyard-attempts'), '1');
    assert.deepEqual(upstreamCalls('caller-400'), [PRIMARY]);
  });

  it('retries a 5xx on the same target with backoff, up to attempts_per_target', async () => {
    const answer = await post(ask('retrying'), { 'x-emulator-fault': 'status=502', 'x-request-id': 'retry-502' });
    assert.equal(answer.status, 502);
    assert.equal(answer.headers.get('x-switchyard-attempts'), '3');
    assert.deepEqual(upstreamCalls('retry-502'), [PRIMARY, PRIMARY, PRIMARY]);
  });

  it('honours Retry-After: the deployment cools down and the next request skips it', async () => {
    const first = await post(ask('chain'), { 'x-emulator-fault': 'status=429; retry_after=30', 'x-request-id': 'cool-1' });
    assert.equal(first.status, 200);
    assert.deepEqual(upstreamCalls('cool-1'), [PRIMARY, BACKUP]);
    const second = await post(ask('chain'), { 'x-request-id': 'cool-2' });
    assert.equal(second.status, 200);
    assert.deepEqual(upstreamCalls('cool-2'), [BACKUP], 'the cooling primary was not called');
    const explained = (await (await fetch(`${harness.server.url}/v1/route/explain`, { method: 'POST', body: ask('chain') })).json()) as { candidates: Array<{ model: string; decision: string; reason?: string }> };
    assert.equal(explained.candidates[0]!.decision, 'skip');
    assert.match(explained.candidates[0]!.reason!, /cooling-down/);
  });

  it('falls back when a stream fails inside its 200 before the first token', async () => {
    const client = new OpenAI({ baseURL: harness.baseURL, apiKey: 'x', maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'first-token', messages: [{ role: 'user', content: 'stream please' }], stream: true }, { headers: { 'x-emulator-fault': 'error_after=0; error_status=529', 'x-request-id': 'stream-fallback' } })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.ok(text.length > 0);
    assert.equal(response.headers.get('x-switchyard-model'), `backup/${BACKUP}`);
    assert.match(response.headers.get('x-switchyard-fallback-reason') ?? '', /overloaded/);
    assert.deepEqual(upstreamCalls('stream-fallback'), [PRIMARY, BACKUP]);
  });

  it('falls back when the first token does not arrive within first_token_ms', async () => {
    const answer = await post(JSON.stringify({ model: 'first-token', stream: true, messages: [{ role: 'user', content: 'hi' }] }), { 'x-emulator-fault': 'first_token_delay_ms=3000', 'x-request-id': 'slow-first-token' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-switchyard-model'), `backup/${BACKUP}`);
    assert.match(answer.headers.get('x-switchyard-fallback-reason') ?? '', /timeout/);
  });

  it('hedges a slow primary: the second attempt streams first and wins', async () => {
    const client = new OpenAI({ baseURL: harness.baseURL, apiKey: 'x', maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'hedged', messages: [{ role: 'user', content: 'quick' }] }, { headers: { 'x-emulator-fault': 'first_token_delay_ms=5000', 'x-request-id': 'hedge-1' } })
      .withResponse();
    assert.ok(data.choices[0]?.message.content);
    assert.equal(response.headers.get('x-switchyard-model'), `backup/${BACKUP}`);
    assert.equal(response.headers.get('x-switchyard-attempts'), '2');
    assert.deepEqual(upstreamCalls('hedge-1').sort(), [PRIMARY, BACKUP].sort());
  });

  it('takes a deployment whose credentials the provider rejects out of rotation', async () => {
    const first = await post(ask('credentials'), { 'x-request-id': 'creds-1' });
    assert.equal(first.status, 200);
    assert.match(first.headers.get('x-switchyard-fallback-reason') ?? '', /credentials \(401\)/);
    const second = await post(ask('credentials'), { 'x-request-id': 'creds-2' });
    assert.equal(second.headers.get('x-switchyard-attempts'), '1');
    assert.deepEqual(upstreamCalls('creds-2'), [BACKUP]);
    const health = (await (await fetch(`${harness.server.url}/v1/route/health`)).json()) as { deployments: Record<string, { credentials_rejected: boolean }> };
    assert.equal(health.deployments[`keyless/${PRIMARY}`]?.credentials_rejected, true);
  });

  it('escalates a context-length error to a model with a larger window', async () => {
    const long = 'lorem ipsum dolor sit amet '.repeat(1_500);
    const answer = await post(ask('escalating', long), { 'x-request-id': 'escalate' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-switchyard-model'), `backup/${PRIMARY}`);
    assert.match(answer.headers.get('x-switchyard-fallback-reason') ?? '', /context_length \(400\)/);
  });

  it('skips a candidate that cannot take an image before sending, and explain says why', async () => {
    const body = JSON.stringify({
      model: 'vision',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
    });
    const answer = await post(body, { 'x-request-id': 'vision-skip' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-switchyard-attempts'), '1');
    assert.deepEqual(upstreamCalls('vision-skip'), [BACKUP]);
    const explained = (await (await fetch(`${harness.server.url}/v1/route/explain`, { method: 'POST', body })).json()) as { profile: { images: number }; candidates: Array<{ model: string; decision: string; reason?: string }> };
    assert.equal(explained.profile.images, 1);
    assert.deepEqual(explained.candidates.map((candidate) => [candidate.model, candidate.decision]), [['primary/text-only', 'skip'], [`backup/${BACKUP}`, 'try']]);
    assert.match(explained.candidates[0]!.reason!, /no vision/);
  });

  it('opens the breaker after consecutive failures, then half-opens and closes on a good probe', async () => {
    for (let index = 0; index < 3; index += 1) {
      const answer = await post(ask('chain'), { 'x-emulator-fault': 'status=503', 'x-request-id': `breaker-fail-${index}` });
      assert.equal(answer.status, 200);
    }
    const health = async () => ((await (await fetch(`${harness.server.url}/v1/route/health`)).json()) as { deployments: Record<string, { breaker: string }> }).deployments[`primary/${PRIMARY}`]!.breaker;
    assert.equal(await health(), 'open');
    const whileOpen = await post(ask('chain'), { 'x-request-id': 'breaker-open' });
    assert.deepEqual(upstreamCalls('breaker-open'), [BACKUP], 'an open breaker keeps requests off the primary');
    while ((await health()) === 'open') await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(whileOpen.status, 200);
    const probe = await post(ask('chain'), { 'x-request-id': 'breaker-probe' });
    assert.equal(probe.status, 200);
    assert.deepEqual(upstreamCalls('breaker-probe'), [PRIMARY], 'the half-open probe goes to the primary');
    assert.equal(await health(), 'closed');
  });

  it('swaps in a reloaded config without dropping an in-flight stream', async () => {
    const client = new OpenAI({ baseURL: harness.baseURL, apiKey: 'x', maxRetries: 0 });
    const slow = client.chat.completions.create(
      { model: 'chain', messages: [{ role: 'user', content: 'a slow one [[tokens: 40]]' }], stream: true },
      { headers: { 'x-emulator-fault': 'first_token_delay_ms=300' } },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = parseConfig(config().replace(`  chain:\n    targets: [primary/${PRIMARY}]`, `  chain:\n    targets: [backup/${PRIMARY}]`).replaceAll('${EMULATOR_URL}', harness.emulator.url), 'reloaded.yaml', { env: {} });
    harness.gateway.reload(next);
    let text = '';
    for await (const chunk of await slow) text += chunk.choices[0]?.delta.content ?? '';
    assert.ok(text.length > 0, 'the in-flight stream finished on the old config');
    const after = await post(ask('chain'), { 'x-request-id': 'after-reload' });
    assert.equal(after.headers.get('x-switchyard-model'), `backup/${PRIMARY}`);
    harness.gateway.reload(parseConfig(config().replaceAll('${EMULATOR_URL}', harness.emulator.url), 'restored.yaml', { env: {} }));
  });
});
