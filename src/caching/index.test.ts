import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson } from '../testing/conformance.js';
import { applyPromptCaching, minimumCacheTokens, prefixHashes } from './index.js';
import type { JsonObject } from './json.js';
import { agentConversation, cacheMarks, deepFreeze } from './test-support.js';

const recorded = (file: string): JsonObject => deepFreeze(readConformanceJson('openai', file) as JsonObject);

describe('applyPromptCaching', () => {
  it('sets a per-conversation prompt_cache_key on OpenAI Chat, the same on every turn', () => {
    const turn1 = applyPromptCaching('openai-chat', recorded('chat-tool-call.request.json'), { promptCacheKey: true });
    const turn2 = applyPromptCaching('openai-chat', recorded('chat-tool-result.request.json'), { promptCacheKey: true });
    assert.equal(turn1.changed, true);
    assert.match(String(turn1.body.prompt_cache_key), /^sy-[0-9a-f]{32}$/);
    assert.equal(turn2.body.prompt_cache_key, turn1.body.prompt_cache_key);
    assert.match(turn1.description, /set prompt_cache_key conversation sy-/);
    assert.equal(turn1.body.prompt_cache_retention, undefined, 'retention only when configured');
  });

  it('sets the key and the configured retention on OpenAI Responses', () => {
    const body = recorded('responses-tool-call.request.json');
    const result = applyPromptCaching('openai-responses', body, { promptCacheKey: true, promptCacheRetention: '24h', promptCacheKeyScope: 'shared' });
    assert.equal(result.body.prompt_cache_key, `sy-${prefixHashes('openai-responses', body).shared}`);
    assert.equal(result.body.prompt_cache_retention, '24h');
    assert.equal(result.body.input, body.input, 'everything else is shared with the input');
  });

  it("never replaces the caller's key or retention", () => {
    const body = deepFreeze({ ...recorded('chat-tool-call.request.json'), prompt_cache_key: 'tenant-7', prompt_cache_retention: 'in_memory' });
    const result = applyPromptCaching('openai-chat', body, { promptCacheKey: true, promptCacheRetention: '24h' });
    assert.equal(result.body, body);
    assert.equal(result.changed, false);
    assert.match(result.description, /kept the caller's prompt_cache_key/);
  });

  it('leaves OpenAI-protocol bodies alone for targets that do not take prompt_cache_key', () => {
    const body = recorded('chat-tool-call.request.json');
    const result = applyPromptCaching('openai-chat', body);
    assert.equal(result.body, body);
    assert.equal(result.changed, false);
  });

  it('adds Anthropic breakpoints and passes the options through', () => {
    const body = deepFreeze(agentConversation({ rounds: 1 }));
    assert.deepEqual(cacheMarks(applyPromptCaching('anthropic-messages', body).body), ['system[0]', 'messages[0].content[0]', 'messages[2].content[0]']);
    const oneHour = applyPromptCaching('anthropic-messages', body, { anthropicTtl: '1h' });
    assert.deepEqual((oneHour.body.system as JsonObject[])[0]?.cache_control, { type: 'ephemeral', ttl: '1h' });
    assert.equal(applyPromptCaching('anthropic-messages', body, { minimumTokens: 100_000 }).changed, false);
  });

  it('changes nothing for Gemini, whose caching is implicit', () => {
    const body = deepFreeze(readConformanceJson('gemini', 'stream-tool-result.request.json') as JsonObject);
    const result = applyPromptCaching('gemini', body);
    assert.equal(result.body, body);
    assert.equal(result.changed, false);
  });
});

describe('minimumCacheTokens', () => {
  it('knows the Claude families, under their provider-specific names too', () => {
    const cases: Array<[string, number]> = [
      ['claude-sonnet-4-5-20250929', 1024],
      ['claude-sonnet-4-6', 2048],
      ['claude-sonnet-4-20250514', 1024],
      ['claude-opus-4-20250514', 1024],
      ['claude-opus-4-1-20250805', 1024],
      ['claude-opus-4-5-20251101', 4096],
      ['claude-opus-4-6', 4096],
      ['claude-opus-4-7', 2048],
      ['claude-haiku-4-5-20251001', 4096],
      ['claude-3-5-haiku-20241022', 2048],
      ['claude-3-7-sonnet-20250219', 1024],
      ['anthropic.claude-haiku-4-5-20251001-v1:0', 4096],
      ['claude-sonnet-4-6@default', 2048],
      ['some-future-model', 1024],
    ];
    for (const [model, minimum] of cases) assert.equal(minimumCacheTokens(model), minimum, model);
  });
});
