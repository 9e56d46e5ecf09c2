/**
 * Automatic prompt caching through the gateway: an Anthropic client's long system prompt gets a
 * breakpoint, so the emulator's Anthropic prompt cache (explicit breakpoints only, as the real API)
 * reads it on the next turn and the ledger prices those tokens as cached; an OpenAI Chat client
 * served by Claude gets the same; requests to OpenAI's API carry a stable prompt_cache_key;
 * caller-placed breakpoints are kept as sent; `x-switchyard-cache: off` sends the body untouched.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { LedgerStore } from '../../src/ledger/index.js';
import type { RunningServer } from '../../src/server/node-server.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { eventually, startMeteredHarness, type MeteredHarness } from '../support/harness.js';

/** About 3,000 tokens of stable instructions: over every Claude model's minimum cacheable prefix. */
const SYSTEM = Array.from({ length: 300 }, (_, index) => `Rule ${index}: answer precisely, cite the file and line, and keep the tone plain.`).join('\n');

describe('automatic prompt caching', () => {
  let emulator: RunningEmulator;
  let server: RunningServer;
  let store: LedgerStore;
  let harness: MeteredHarness;

  before(async () => {
    harness = await startMeteredHarness(
      (url) => `
providers:
  claude: { kind: anthropic, base_url: "${url}/anthropic", api_key: k }
  openai: { kind: openai, base_url: "${url}/openai/v1", api_key: k }
models:
  claude/claude-sonnet-4-6: { price: { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 } }
routes:
  claude: { targets: [claude/claude-sonnet-4-6] }
  gpt: { targets: [openai/gpt-5.5] }
  gpt-uncached: { targets: [openai/gpt-5.5], cache: off }
  spread: { targets: [claude/claude-sonnet-4-6, claude/claude-haiku-4-5], strategy: weighted }
`,
    );
    ({ emulator, server, store } = harness);
  });
  after(() => harness.close());

  const lastReceived = () => emulator.received().at(-1)!.json as Record<string, unknown>;

  it('places a breakpoint on a long system prompt, so the next turn reads it from the cache and is charged as cached', async () => {
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: 'x', maxRetries: 0 });
    const turn = (question: string) =>
      anthropic.messages.create({ model: 'claude', max_tokens: 50, system: SYSTEM, messages: [{ role: 'user', content: question }] }, { headers: { 'x-switchyard-trace-id': 'cached-turns' } }).withResponse();
    const first = await turn('First question [[tokens: 5]]');
    assert.match(first.response.headers.get('x-switchyard-prompt-cache') ?? '', /breakpoint/);
    const sent = lastReceived() as { system: Array<{ cache_control?: unknown }> };
    assert.ok(Array.isArray(sent.system) && sent.system.at(-1)?.cache_control !== undefined, 'the system prompt ends with a breakpoint');
    assert.ok((first.data.usage.cache_creation_input_tokens ?? 0) > 2_000, JSON.stringify(first.data.usage));
    const second = await turn('Second question [[tokens: 5]]');
    const read = second.data.usage.cache_read_input_tokens ?? 0;
    assert.ok(read > 2_000, `cached read on the second turn: ${JSON.stringify(second.data.usage)}`);
    // The cost header prices the read at the cached rate ($0.30/M) and the rest at full price.
    const usage = second.data.usage;
    const expected = usage.input_tokens * 3 + read * 0.3 + (usage.cache_creation_input_tokens ?? 0) * 3.75 + usage.output_tokens * 15;
    assert.equal(second.response.headers.get('x-switchyard-cost-usd'), (Math.round(expected) / 1e6).toFixed(6));
    // The ledger reports the net saving: reads at $2.70/M less than full price, minus the $0.75/M write premium.
    const writes = (first.data.usage.cache_creation_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0);
    const net = Math.round(read * 2.7 - writes * 0.75);
    const group = (await eventually(() => store.query({ trace_id: 'cached-turns' }, 'none'), (groups) => (groups[0]?.requests ?? 0) >= 2))[0];
    assert.ok(Math.abs(group!.cache_savings_micros - net) <= 2, `savings ${group!.cache_savings_micros} vs ${net}`);
    assert.ok(group!.cache_savings_micros > 0);
  });

  it('does the same for an OpenAI Chat client served by Claude', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const ask = (question: string) => openai.chat.completions.create({ model: 'claude', messages: [{ role: 'system', content: `${SYSTEM}\nVariant B.` }, { role: 'user', content: question }] });
    await ask('One [[tokens: 5]]');
    const second = await ask('Two [[tokens: 5]]');
    assert.ok((second.usage?.prompt_tokens_details?.cached_tokens ?? 0) > 2_000, JSON.stringify(second.usage));
  });

  it('keeps breakpoints the caller placed exactly as sent', async () => {
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'x' },
      body: JSON.stringify({ model: 'claude', max_tokens: 20, system: [{ type: 'text', text: SYSTEM }], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] }] }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-switchyard-prompt-cache'), null);
    const sent = lastReceived() as { system: Array<Record<string, unknown>>; messages: Array<{ content: Array<Record<string, unknown>> }> };
    assert.equal(sent.system[0]!.cache_control, undefined, 'no breakpoint added next to the caller\'s');
    assert.deepEqual(sent.messages[0]!.content[0]!.cache_control, { type: 'ephemeral' });
  });

  it('sends requests with the same prompt prefix to the deployment that served it last, on a route that spreads load', async () => {
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: 'x', maxRetries: 0 });
    const served = new Set<string>();
    for (let index = 0; index < 10; index += 1) {
      const { response } = await anthropic.messages.create({ model: 'spread', max_tokens: 20, system: `${SYSTEM}\nVariant C.`, messages: [{ role: 'user', content: `Question ${index}` }] }).withResponse();
      served.add(response.headers.get('x-switchyard-model') ?? '');
    }
    // A weighted 50/50 route would pick one deployment ten times in a row with probability 1/512.
    assert.equal(served.size, 1, [...served].join(', '));
  });

  it('sends OpenAI a prompt_cache_key that is the same for the same prefix, unless caching is off', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const keyFor = async (model: string, question: string, headers: Record<string, string> = {}) => {
      await openai.chat.completions.create({ model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: question }] }, { headers });
      return lastReceived().prompt_cache_key;
    };
    const first = await keyFor('gpt', 'What is a B-tree?');
    assert.match(String(first), /^sy-[0-9a-f]{32}$/);
    assert.equal(await keyFor('gpt', 'What is a B-tree?'), first, 'stable for the same conversation');
    assert.equal(await keyFor('gpt-uncached', 'What is a B-tree?'), undefined, 'route cache: off');
    assert.equal(await keyFor('gpt', 'What is a B-tree?', { 'x-switchyard-cache': 'off' }), undefined, 'request header off');
  });
});
