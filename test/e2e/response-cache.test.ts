/**
 * The response cache through the gateway: a route that opts in answers a repeated request from the
 * cache (no provider call, `x-switchyard-cache: hit`, cost 0 on the ledger), replays it as a stream
 * in another protocol, honours `Cache-Control: no-cache` and `no-store`, expires after its TTL, and
 * a route that did not opt in never caches.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { LedgerStore } from '../../src/ledger/index.js';
import type { RunningServer } from '../../src/server/node-server.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { EMULATOR_KEY, eventually, startMeteredHarness, type MeteredHarness } from '../support/harness.js';

describe('response cache', () => {
  let emulator: RunningEmulator;
  let server: RunningServer;
  let store: LedgerStore;
  let harness: MeteredHarness;

  before(async () => {
    harness = await startMeteredHarness(
      (url) => `
providers:
  emu: { kind: openai-compatible, base_url: "${url}/openai/v1", api_key: ${EMULATOR_KEY} }
models:
  emu/gpt-5.5: { price: { input: 5, output: 30 } }
routes:
  faq: { targets: [emu/gpt-5.5], response_cache: true }
  brief: { targets: [emu/gpt-5.5], response_cache: { ttl_ms: 150 } }
  live: { targets: [emu/gpt-5.5] }
`,
    );
    ({ emulator, server, store } = harness);
  });
  after(() => harness.close());

  const ask = (model: string, question: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: question }] }),
    });
  const providerCalls = () => emulator.received().length;

  it('answers a repeated request from the cache, without a provider call and at no cost', async () => {
    const first = await ask('faq', 'What is the refund window? [[tokens: 12]]', { 'x-switchyard-trace-id': 'rc-miss' });
    assert.equal(first.headers.get('x-switchyard-cache'), 'miss');
    const original = (await first.json()) as { choices: Array<{ message: { content: string } }> };
    const calls = providerCalls();
    const second = await ask('faq', 'What is the refund window? [[tokens: 12]]', { 'x-switchyard-trace-id': 'rc-hit' });
    assert.equal(second.headers.get('x-switchyard-cache'), 'hit');
    assert.equal(second.headers.get('x-switchyard-cost-usd'), '0.000000');
    assert.equal(second.headers.get('x-switchyard-model'), 'emu/gpt-5.5');
    assert.equal(((await second.json()) as typeof original).choices[0]!.message.content, original.choices[0]!.message.content);
    assert.equal(providerCalls(), calls, 'no provider call');
    const hit = (await eventually(() => store.query({ trace_id: 'rc-hit' }, 'none'), (groups) => (groups[0]?.requests ?? 0) > 0))[0];
    assert.equal(hit?.response_cache_hits, 1);
    assert.equal(hit?.cost_micros, 0);
  });

  it('replays a cached answer as a stream in another protocol', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const answer = await openai.chat.completions.create({ model: 'faq', messages: [{ role: 'user', content: 'Shipping times? [[tokens: 15]]' }] });
    const calls = providerCalls();
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: 'x', maxRetries: 0 });
    // The key is per protocol: an Anthropic caller's first request is a miss, its second a hit.
    const ask = () => anthropic.messages.stream({ model: 'faq', max_tokens: 100, messages: [{ role: 'user', content: 'Shipping times? [[tokens: 15]]' }] }).finalMessage();
    const miss = await ask();
    assert.equal(providerCalls(), calls + 1);
    const replay = await ask();
    assert.equal(providerCalls(), calls + 1, 'the replay made no provider call');
    assert.deepEqual(replay.content, miss.content);
    assert.equal(replay.stop_reason, 'end_turn');
    assert.ok(answer.choices[0]!.message.content);
  });

  it('bypasses the read on no-cache, stores nothing on no-store, and never caches a route that did not opt in', async () => {
    await ask('faq', 'Opening hours? [[tokens: 8]]');
    const bypass = await ask('faq', 'Opening hours? [[tokens: 8]]', { 'cache-control': 'no-cache' });
    assert.equal(bypass.headers.get('x-switchyard-cache'), 'bypass');
    const nostore = await ask('faq', 'Holiday hours? [[tokens: 8]]', { 'cache-control': 'no-store' });
    await nostore.arrayBuffer();
    const after = await ask('faq', 'Holiday hours? [[tokens: 8]]');
    assert.equal(after.headers.get('x-switchyard-cache'), 'miss', 'no-store wrote nothing');
    await ask('live', 'Now? [[tokens: 8]]');
    const live = await ask('live', 'Now? [[tokens: 8]]');
    assert.equal(live.headers.get('x-switchyard-cache'), null);
  });

  it('expires an entry after the route\'s TTL', async () => {
    await (await ask('brief', 'Weather? [[tokens: 8]]')).arrayBuffer();
    assert.equal((await ask('brief', 'Weather? [[tokens: 8]]')).headers.get('x-switchyard-cache'), 'hit');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await ask('brief', 'Weather? [[tokens: 8]]')).headers.get('x-switchyard-cache'), 'miss');
  });
});
