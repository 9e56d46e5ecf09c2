/**
 * What the breakpoints buy, measured against the emulator's Anthropic prompt cache (which models
 * Anthropic's rules: explicit breakpoints only, per-model minimum, 20-block lookback): a multi-turn
 * agent loop reads each previous turn from the cache, including turns too wide for the lookback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type RunningEmulator } from '../emulator/index.js';
import { applyPromptCaching } from './index.js';
import { isObject, type JsonObject } from './json.js';
import { agentConversation, prose } from './test-support.js';

interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

const total = (usage: CacheUsage): number => usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens;

describe('automatic Anthropic breakpoints against the emulator', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ timeScale: 0 });
  });
  after(async () => {
    await emulator.close();
  });

  const send = async (body: JsonObject): Promise<CacheUsage> => {
    const response = await fetch(`${emulator.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as unknown;
    assert.equal(response.status, 200, JSON.stringify(answer));
    assert.ok(isObject(answer) && isObject(answer.usage));
    return answer.usage as unknown as CacheUsage;
  };

  /** Each turn of a conversation, as the client would send it, with or without our breakpoints. */
  const turns = (system: string, rounds: number, parallel: number, cached: boolean): JsonObject[] =>
    Array.from({ length: rounds + 1 }, (_, round) => {
      const body = { ...agentConversation({ rounds: round, parallel, resultTokens: 150, model: 'claude-sonnet-4-6', thinking: false }), system };
      return cached ? applyPromptCaching('anthropic-messages', body).body : body;
    });

  it('reads every previous turn from the cache; without breakpoints nothing is read', async () => {
    const system = prose(3000, 'guideline');
    const usages: CacheUsage[] = [];
    for (const body of turns(system, 3, 1, true)) usages.push(await send(body));
    assert.equal(usages[0]?.cache_read_input_tokens, 0);
    assert.ok((usages[0]?.cache_creation_input_tokens ?? 0) > 3000);
    for (let turn = 1; turn < usages.length; turn++) {
      const previous = usages[turn - 1]!;
      const current = usages[turn]!;
      // Everything the previous turn sent is read back; only the new round is written.
      assert.ok(current.cache_read_input_tokens >= total(previous) - 16, `turn ${turn}: read ${current.cache_read_input_tokens} of ${total(previous)}`);
      assert.ok(current.cache_creation_input_tokens < 1000, `turn ${turn}: wrote ${current.cache_creation_input_tokens}`);
    }

    const plain = prose(3000, 'different');
    for (const body of turns(plain, 2, 1, false)) assert.equal((await send(body)).cache_read_input_tokens, 0);
  });

  it('starts a new conversation of the same application from the cached system prompt', async () => {
    const system = prose(3000, 'charter');
    await send(turns(system, 0, 1, true)[0]!);
    const other = { ...agentConversation({ rounds: 0, model: 'claude-sonnet-4-6', thinking: false }), system, messages: [{ role: 'user', content: 'A different task.' }] };
    const usage = await send(applyPromptCaching('anthropic-messages', other).body);
    assert.ok(usage.cache_read_input_tokens >= 3000, `read ${usage.cache_read_input_tokens}`);
  });

  it('still reads the previous turn when a turn adds more blocks than the lookback reaches', async () => {
    // 25 parallel tool calls: 50 new blocks per turn, more than the 20-block lookback.
    const system = prose(3000, 'procedure');
    const cached = turns(system, 2, 25, true);
    const first = await send(cached[1]!);
    const second = await send(cached[2]!);
    assert.ok(second.cache_read_input_tokens >= total(first) - 16, `read ${second.cache_read_input_tokens} of ${total(first)}`);

    // The same turns with the tail breakpoint alone fall back to the system prompt.
    const tailOnly = (body: JsonObject): JsonObject => {
      const messages = body.messages as JsonObject[];
      const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (key, inner: unknown) => (key === 'cache_control' ? undefined : inner));
      const last = messages.length - 1;
      return { ...body, system: strip(body.system), messages: messages.map((message, index) => (index === last ? message : strip(message))) };
    };
    const fresh = turns(prose(3000, 'manual'), 2, 25, true).map(tailOnly);
    await send(fresh[1]!);
    const missed = await send(fresh[2]!);
    assert.ok(missed.cache_read_input_tokens < total(first) / 2, `tail only read ${missed.cache_read_input_tokens}`);
  });
});
