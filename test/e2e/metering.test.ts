/**
 * Metering through the real gateway: one ledger row per attempt, exact costs from the price
 * catalog, the request's cost in `x-switchyard-cost-usd`, usage read from relayed and translated
 * streams, and every row written under concurrency. The ledger is a real SQLite database.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load.js';
import { createGateway, type Gateway } from '../../src/gateway/create-gateway.js';
import { LedgerWriter, openLedgerStore, type LedgerStore } from '../../src/ledger/index.js';
import { listen, type RunningServer } from '../../src/server/node-server.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { EMULATOR_KEY, eventually } from '../support/harness.js';

const CONFIG = `
providers:
  primary:
    kind: openai-compatible
    base_url: \${EMULATOR_URL}/openai/v1
    api_key: ${EMULATOR_KEY}
    forward_headers: [x-emulator-fault]
  backup:
    kind: openai-compatible
    base_url: \${EMULATOR_URL}/openai/v1
    api_key: ${EMULATOR_KEY}
models:
  primary/gpt-5.5: { price: { input: 5, output: 30, cached_input: 0.5 } }
  backup/claude-haiku-4-5: { price: { input: 1, output: 5 } }
routes:
  chain:
    targets: [primary/gpt-5.5]
    fallbacks: [backup/claude-haiku-4-5]
    retry: { attempts_per_target: 1 }
routing:
  breaker: { consecutive_failures: 1000, min_samples: 1000 }
`;

/** Micro-dollars for a usage at USD-per-million prices, as the catalog computes it (half-up). */
const micros = (tokens: number, usdPerMillion: number): number => tokens * usdPerMillion;

describe('metering', () => {
  let emulator: RunningEmulator;
  let gateway: Gateway;
  let server: RunningServer;
  let store: LedgerStore;
  let writer: LedgerWriter;
  let directory: string;

  before(async () => {
    emulator = await startEmulator({ timeScale: 0 });
    directory = await mkdtemp(join(tmpdir(), 'switchyard-metering-'));
    store = await openLedgerStore(join(directory, 'ledger.db'));
    writer = new LedgerWriter(store, { windowMs: 20 });
    gateway = createGateway(parseConfig(CONFIG.replaceAll('${EMULATOR_URL}', emulator.url), 'metering.yaml', { env: {} }), { ledger: writer, usage: store });
    server = await listen(gateway, { host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.shutdown(1_000);
    await writer.close();
    await store.close();
    await emulator.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('charges a non-streaming answer exactly and says so in x-switchyard-cost-usd', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'hello [[tokens: 20]]' }] }).withResponse();
    const usage = data.usage!;
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    const expected = micros(usage.prompt_tokens - cached, 5) + micros(cached, 0.5) + micros(usage.completion_tokens, 30);
    assert.equal(response.headers.get('x-switchyard-cost-usd'), (expected / 1_000_000).toFixed(6));
  });

  it('puts the cost in the usage of the answer, in each protocol\'s usage object', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'hello [[tokens: 20]]' }] }).withResponse();
    assert.equal((data.usage as unknown as { cost_usd: number }).cost_usd, Number(response.headers.get('x-switchyard-cost-usd')));
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: 'x', maxRetries: 0 });
    const { data: message, response: raw } = await anthropic.messages.create({ model: 'chain', max_tokens: 100, messages: [{ role: 'user', content: 'hi [[tokens: 12]]' }] }).withResponse();
    const cost = (message.usage as unknown as { cost_usd: number }).cost_usd;
    assert.ok(cost > 0);
    assert.equal(cost, Number(raw.headers.get('x-switchyard-cost-usd')));
  });

  it('asks the provider for stream usage the caller did not ask for, meters it, and hides it from the caller', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-trace-id': 'hidden-usage' },
      body: JSON.stringify({ model: 'chain', stream: true, messages: [{ role: 'user', content: 'story [[tokens: 37]]' }] }),
    });
    const text = await response.text();
    assert.ok(text.endsWith('data: [DONE]\n\n'), text.slice(-200));
    assert.doesNotMatch(text, /"usage"/, 'no usage chunk and no "usage":null in the chunks');
    assert.doesNotMatch(text, /"choices":\[\]/);
    const task = (await eventually(() => store.tasks({ trace_id: 'hidden-usage' }), (tasks) => tasks.length > 0)).at(0);
    assert.ok(task !== undefined, 'the stream was recorded');
    assert.equal(task.output_tokens, 37, 'the provider\'s exact usage, not an estimate from characters');
  });

  it('adds the cost to the usage chunk of a caller that asked for it', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'chain', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'story [[tokens: 25]]' }] });
    let usage: (OpenAI.CompletionUsage & { cost_usd?: number }) | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.ok(usage !== undefined);
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    const expected = micros(usage.prompt_tokens - cached, 5) + micros(cached, 0.5) + micros(usage.completion_tokens, 30);
    assert.equal(usage.cost_usd, Number((expected / 1_000_000).toFixed(6)));
  });

  it('records every attempt of a fallback, each with its own cost, and all rows under concurrency', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: 'x', maxRetries: 0 });
    const requests = Array.from({ length: 60 }, async (_, index) => {
      const headers = { 'x-switchyard-trace-id': `meter-${index}`, ...(index % 3 === 0 && { 'x-emulator-fault': 'status=500' }) };
      if (index % 2 === 0) {
        const stream = await client.chat.completions.create({ model: 'chain', stream: true, messages: [{ role: 'user', content: `story ${index} [[tokens: 30]]` }] }, { headers });
        for await (const _chunk of stream) { /* drain */ }
      } else {
        await anthropic.messages.stream({ model: 'chain', max_tokens: 200, messages: [{ role: 'user', content: `story ${index} [[tokens: 30]]` }] }, { headers }).finalMessage();
      }
    });
    await Promise.all(requests);
    // Streams are recorded when they end, just after the client saw the last byte; then the writer's window.
    const tasks = await eventually(() => store.tasks({}, { limit: 1_000 }), (all) => all.filter((task) => task.trace_id.startsWith('meter-')).length >= 60);
    const ours = tasks.filter((task) => task.trace_id.startsWith('meter-'));
    assert.equal(ours.length, 60, 'one task per request');
    const groups = await store.query({}, 'model');
    const primary = groups.find((group) => group.group === 'gpt-5.5');
    const backup = groups.find((group) => group.group === 'claude-haiku-4-5');
    assert.ok(primary !== undefined && backup !== undefined, JSON.stringify(groups));
    // 20 requests met a 500 on the primary and were served by the backup.
    assert.ok(backup.attempts >= 20, `backup attempts ${backup.attempts}`);
    assert.ok((primary.error_rate ?? 0) > 0);
    for (const group of [primary, backup]) {
      assert.ok(group.output_tokens > 0, 'stream usage was read, not estimated as zero');
      assert.ok(group.cost_micros > 0);
    }
  });

  it('reports usage by model over GET /v1/usage, as JSON and CSV, and refuses bad parameters precisely', async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const json = (await (await fetch(`${server.url}/v1/usage?since=1h&group_by=model`)).json()) as { groups: Array<{ group: string; requests: number }> };
    assert.ok(json.groups.some((group) => group.group === 'gpt-5.5' && group.requests > 0));
    const csv = await fetch(`${server.url}/v1/usage?group_by=route&format=csv`);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match((await csv.text()).split('\r\n')[0]!, /^group,requests,attempts/);
    const badGroup = await fetch(`${server.url}/v1/usage?group_by=colour`);
    assert.equal(badGroup.status, 400);
    assert.match(((await badGroup.json()) as { error: { message: string } }).error.message, /group_by must be one of none, model/);
    const badSince = await fetch(`${server.url}/v1/usage?since=yesterday-ish`);
    assert.equal(badSince.status, 400);
    assert.match(((await badSince.json()) as { error: { message: string } }).error.message, /since must be an ISO time or a duration/);
  });
});
