import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson } from '../testing/conformance.js';
import { prefixHash, prefixHashes } from './prefix-hash.js';
import { agentConversation } from './test-support.js';
import type { JsonObject } from './json.js';

describe('prefixHashes', () => {
  it('follows a conversation across turns in every protocol (recorded turn 1 and turn 2)', () => {
    const pairs: Array<[Parameters<typeof prefixHashes>[0], 'openai' | 'anthropic' | 'gemini', string, string]> = [
      ['openai-chat', 'openai', 'chat-tool-call.request.json', 'chat-tool-result.request.json'],
      ['openai-responses', 'openai', 'responses-tool-call.request.json', 'responses-tool-result.request.json'],
      ['anthropic-messages', 'anthropic', 'messages-tool-use-parallel.request.json', 'messages-tool-result-parallel.request.json'],
      ['gemini', 'gemini', 'stream-tool-call.request.json', 'stream-tool-result.request.json'],
    ];
    for (const [protocol, provider, first, second] of pairs) {
      const turn1 = prefixHashes(protocol, readConformanceJson(provider, first));
      const turn2 = prefixHashes(protocol, readConformanceJson(provider, second));
      assert.ok(turn1.conversation !== undefined && turn1.shared !== undefined, protocol);
      assert.deepEqual(turn2, turn1, protocol);
      assert.match(turn1.conversation, /^[0-9a-f]{32}$/);
    }
  });

  it('ignores cache_control markers moving between turns and string-versus-block content', () => {
    const turn1 = { system: 'Be exact.', messages: [{ role: 'user', content: [{ type: 'text', text: 'Question', cache_control: { type: 'ephemeral' } }] }] };
    const turn2 = {
      system: [{ type: 'text', text: 'Be exact.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Question' }, { role: 'assistant', content: 'Answer' }, { role: 'user', content: [{ type: 'text', text: 'More', cache_control: { type: 'ephemeral' } }] }],
    };
    assert.deepEqual(prefixHashes('anthropic-messages', turn2), prefixHashes('anthropic-messages', turn1));
  });

  it('separates conversations that share a system prompt, and applications that do not', () => {
    const a = agentConversation({ rounds: 1 });
    const b = { ...a, messages: [{ role: 'user', content: 'Another task entirely.' }] };
    const c = { ...a, system: 'A different application.' };
    const [ha, hb, hc] = [a, b, c].map((body) => prefixHashes('anthropic-messages', body));
    assert.equal(ha?.shared, hb?.shared);
    assert.notEqual(ha?.conversation, hb?.conversation);
    assert.notEqual(ha?.shared, hc?.shared);
  });

  it('keys OpenAI Chat on leading system and developer messages plus the first user message', () => {
    const body = { model: 'gpt-5', messages: [{ role: 'system', content: 'S' }, { role: 'developer', content: 'D' }, { role: 'user', content: 'U' }] };
    const hashes = prefixHashes('openai-chat', body);
    const reworded = prefixHashes('openai-chat', { ...body, messages: [{ role: 'system', content: 'S' }, { role: 'developer', content: 'D2' }, { role: 'user', content: 'U' }] });
    assert.notEqual(hashes.shared, reworded.shared);
    assert.deepEqual(prefixHashes('openai-chat', { ...body, model: 'other', temperature: 0.2 }), hashes, 'sampling settings and the model are not the prefix');
  });

  it('knows a Responses conversation by its id, and not at all after previous_response_id alone', () => {
    const withId = (id: string): JsonObject => ({ model: 'gpt-5', instructions: 'I', conversation: id, input: 'next question' });
    assert.equal(prefixHash('openai-responses', withId('conv_1')), prefixHash('openai-responses', { ...withId('conv_1'), input: 'another' }));
    assert.notEqual(prefixHash('openai-responses', withId('conv_1')), prefixHash('openai-responses', withId('conv_2')));
    const chained = prefixHashes('openai-responses', { model: 'gpt-5', instructions: 'I', previous_response_id: 'resp_1', input: 'next question' });
    assert.equal(chained.conversation, undefined);
    assert.ok(chained.shared !== undefined);
  });

  it('has nothing to say about a bare prompt or a non-object', () => {
    assert.deepEqual(prefixHashes('openai-chat', { messages: [] }), { conversation: undefined, shared: undefined });
    assert.equal(prefixHash('gemini', 'not a body'), undefined);
    // A user message alone still anchors a conversation.
    assert.ok(prefixHash('openai-chat', { messages: [{ role: 'user', content: 'hi' }] }) !== undefined);
  });
});
