import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeModel } from '../../catalog.js';
import { promptTokenLayout } from '../../generate/prompt-tokens.js';
import { PrefixCache } from '../../prefix-cache.js';
import { anthropicPromptCache } from './prompt-cache.js';
import { decodeOk } from './test-support.js';

/** About 2,400 tokens of system prompt: over Sonnet's 1,024 minimum, under Haiku's 4,096. */
const LONG_SYSTEM = Array.from({ length: 300 }, (_, index) => `Rule ${index}: answer briefly.`).join(' ');

function usageFor(cache: PrefixCache, body: Record<string, unknown>, model = 'claude-sonnet-4-6', now = 0) {
  const decoded = decodeOk({ model, max_tokens: 100, ...body });
  const layout = promptTokenLayout(decoded.prompt);
  return { ...anthropicPromptCache(decoded, completeModel(model, {}, undefined), layout, cache, now), total: layout.tokens.length };
}

const cachedSystem = (ttl?: '5m' | '1h') => [{ type: 'text', text: LONG_SYSTEM, cache_control: ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl } }];

describe('anthropicPromptCache', () => {
  it('caches nothing without a breakpoint, however long the prompt', () => {
    const cache = new PrefixCache();
    const body = { system: LONG_SYSTEM, messages: [{ role: 'user', content: 'hi' }] };
    usageFor(cache, body);
    const again = usageFor(cache, body);
    assert.ok(again.total > 2000);
    assert.deepEqual([again.cachedInputTokens, again.cacheWriteTokens, again.cacheWrite1hTokens], [0, 0, 0]);
  });

  it('writes the prefix up to the breakpoint, then reads it back for a different question', () => {
    const cache = new PrefixCache();
    const first = usageFor(cache, { system: cachedSystem(), messages: [{ role: 'user', content: 'First question?' }] });
    assert.ok(first.cacheWriteTokens > 1024 && first.cacheWriteTokens < first.total);
    assert.equal(first.cachedInputTokens, 0);
    const second = usageFor(cache, { system: cachedSystem(), messages: [{ role: 'user', content: 'A second, different question?' }] });
    assert.equal(second.cachedInputTokens, first.cacheWriteTokens);
    assert.equal(second.cacheWriteTokens, 0);
    // Another model, or a changed prefix, misses.
    assert.equal(usageFor(cache, { system: cachedSystem(), messages: [{ role: 'user', content: 'x' }] }, 'claude-opus-4-7').cachedInputTokens, 0);
    assert.equal(usageFor(cache, { system: [{ ...cachedSystem()[0], text: `${LONG_SYSTEM}!` }], messages: [{ role: 'user', content: 'x' }] }).cachedInputTokens, 0);
  });

  it('does not cache a prefix below the model minimum (4,096 tokens on Haiku 4.5)', () => {
    const cache = new PrefixCache();
    const body = { system: cachedSystem(), messages: [{ role: 'user', content: 'hi' }] };
    assert.equal(usageFor(cache, body, 'claude-haiku-4-5').cacheWriteTokens, 0);
    assert.equal(usageFor(cache, body, 'claude-haiku-4-5').cachedInputTokens, 0);
  });

  it('reports 1-hour writes apart and keeps them past five minutes', () => {
    const cache = new PrefixCache();
    const body = { system: cachedSystem('1h'), messages: [{ role: 'user', content: 'hi' }] };
    const first = usageFor(cache, body, 'claude-sonnet-4-6', 0);
    assert.equal(first.cacheWrite1hTokens, first.cacheWriteTokens);
    assert.equal(usageFor(cache, body, 'claude-sonnet-4-6', 30 * 60_000).cachedInputTokens, first.cacheWriteTokens);
    const fiveMinutes = new PrefixCache();
    const short = { system: cachedSystem(), messages: [{ role: 'user', content: 'hi' }] };
    usageFor(fiveMinutes, short, 'claude-sonnet-4-6', 0);
    assert.equal(usageFor(fiveMinutes, short, 'claude-sonnet-4-6', 6 * 60_000).cachedInputTokens, 0);
  });

  it('finds the previous turn through the lookback when the breakpoint moves forward', () => {
    const cache = new PrefixCache();
    const marked = (text: string) => [{ type: 'text', text, cache_control: { type: 'ephemeral' } }];
    const turn1 = [{ role: 'user', content: marked(`${LONG_SYSTEM} Question one?`) }];
    const first = usageFor(cache, { messages: turn1 });
    const turn2 = [{ role: 'user', content: [{ type: 'text', text: `${LONG_SYSTEM} Question one?` }] }, { role: 'assistant', content: 'Answer one.' }, { role: 'user', content: marked('Question two?') }];
    const second = usageFor(cache, { messages: turn2 });
    assert.equal(second.cachedInputTokens, first.cacheWriteTokens);
    assert.ok(second.cacheWriteTokens > 0 && second.cacheWriteTokens < 30, 'only the new turn is written');
  });

  it('caches tools on their own, before the system prompt', () => {
    const cache = new PrefixCache();
    const tools = Array.from({ length: 40 }, (_, index) => ({ name: `tool_${index}`, description: `Does thing number ${index} with care and precision.`, input_schema: { type: 'object', properties: { value: { type: 'string', description: 'The value to work on' } } } }));
    tools[39] = { ...tools[39]!, cache_control: { type: 'ephemeral' } } as (typeof tools)[number];
    const first = usageFor(cache, { tools, system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] });
    assert.ok(first.cacheWriteTokens >= 1024);
    const second = usageFor(cache, { tools, system: 'Be verbose instead.', messages: [{ role: 'user', content: 'hello' }] });
    assert.equal(second.cachedInputTokens, first.cacheWriteTokens, 'a different system prompt after the tools still hits');
  });
});
