import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson } from '../testing/conformance.js';
import { LOOKBACK_BLOCKS, placeAnthropicBreakpoints } from './anthropic-breakpoints.js';
import type { JsonObject } from './json.js';
import { agentConversation, cacheMarks, deepFreeze, prose, weatherTool } from './test-support.js';

const messagesOf = (body: JsonObject): JsonObject[] => body.messages as JsonObject[];
const blockAt = (body: JsonObject, message: number, index: number): JsonObject => (messagesOf(body)[message]?.content as JsonObject[])[index] as JsonObject;

describe('placeAnthropicBreakpoints', () => {
  it('leaves a prompt under the model minimum untouched, as the same object', () => {
    const body = deepFreeze({ model: 'claude-sonnet-4-5', max_tokens: 100, system: prose(300), messages: [{ role: 'user', content: 'Hi' }] });
    const result = placeAnthropicBreakpoints(body);
    assert.equal(result.changed, false);
    assert.equal(result.body, body);
    assert.match(result.description, /under the 1024-token cache minimum of claude-sonnet-4-5/);
  });

  it('marks the conversation tail, the system prompt and the previous turn of an agent loop', () => {
    const body = deepFreeze(agentConversation({ rounds: 2 }));
    const result = placeAnthropicBreakpoints(body);
    assert.equal(result.changed, true);
    // system is a string: it becomes one text block carrying the breakpoint.
    assert.deepEqual(cacheMarks(result.body), ['system[0]', 'messages[2].content[0]', 'messages[4].content[0]']);
    assert.deepEqual(blockAt(result.body, 4, 0).cache_control, { type: 'ephemeral' });
    assert.match(result.description, /added 3 cache breakpoint\(s\) \(tail ~\d+, system ~\d+, previous-turn ~\d+ tokens; minimum 1024\)/);
  });

  it('never changes the input and shares every object it did not mark', () => {
    const body = deepFreeze(agentConversation({ rounds: 3 }));
    const result = placeAnthropicBreakpoints(body);
    assert.equal(result.changed, true);
    assert.equal(result.body.tools, body.tools, 'tools were not marked (their prefix is under the minimum), so not copied');
    assert.equal(messagesOf(result.body)[1], messagesOf(body)[1]);
    assert.notEqual(messagesOf(result.body)[6], messagesOf(body)[6]);
  });

  it('never marks thinking or empty text, taking the last block that can carry a breakpoint', () => {
    const body = agentConversation({ rounds: 1 });
    messagesOf(body).push(
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'done', signature: 'c2ln' }, { type: 'text', text: 'Here is the summary.' }] },
      { role: 'user', content: [{ type: 'text', text: prose(50) }, { type: 'text', text: '  ' }] },
    );
    const result = placeAnthropicBreakpoints(deepFreeze(body));
    const marks = cacheMarks(result.body);
    assert.ok(marks.includes('messages[4].content[0]'), marks.join());
    assert.ok(!marks.includes('messages[4].content[1]'));
    for (const mark of marks) assert.doesNotMatch(mark, /messages\[(1|3)\]\.content\[0\]/, 'thinking blocks stay unmarked');
  });

  it('never puts a breakpoint where the prefix is under the minimum (tools alone, a short system)', () => {
    const body = deepFreeze({ model: 'claude-sonnet-4-5', max_tokens: 100, tools: [weatherTool], system: 'Be brief.', messages: [{ role: 'user', content: prose(2000) }] });
    const result = placeAnthropicBreakpoints(body);
    assert.deepEqual(cacheMarks(result.body), ['messages[0].content[0]']);
    assert.deepEqual(messagesOf(result.body)[0]?.content, [{ type: 'text', text: prose(2000), cache_control: { type: 'ephemeral' } }]);
  });

  it('uses the family minimum: Haiku 4.5 needs 4,096 tokens, Sonnet 4.5 1,024', () => {
    const conversation = (model: string): JsonObject => ({ model, max_tokens: 100, system: prose(3000), messages: [{ role: 'user', content: 'Hello' }] });
    assert.equal(placeAnthropicBreakpoints(conversation('claude-haiku-4-5-20251001')).changed, false);
    assert.equal(placeAnthropicBreakpoints(conversation('claude-sonnet-4-5-20250929')).changed, true);
    assert.equal(placeAnthropicBreakpoints(conversation('claude-haiku-4-5'), { minimumTokens: 1000 }).changed, true);
  });

  it('puts the previous turn before anything optional when the tail is beyond the lookback window', () => {
    // 25 parallel calls: the last user turn alone holds more than 20 blocks.
    const body = agentConversation({ rounds: 2, parallel: 25, resultTokens: 20 });
    messagesOf(body)[0] = { role: 'user', content: prose(1500) }; // a large opening document competes for the slot
    const result = placeAnthropicBreakpoints(deepFreeze(body));
    assert.ok(27 > LOOKBACK_BLOCKS);
    assert.deepEqual(cacheMarks(result.body), ['system[0]', 'messages[0].content[0]', 'messages[2].content[24]', 'messages[4].content[24]']);
    assert.match(result.description, /tail ~\d+, system ~\d+, previous-turn ~\d+, document ~\d+/);
  });

  it('marks a large opening document, and the tools when a system prompt follows them', () => {
    const body = deepFreeze({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools: [{ ...weatherTool, description: prose(1100) }],
      system: [{ type: 'text', text: 'You answer questions about the attached report.' }],
      messages: [
        { role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: prose(5000) } }, { type: 'text', text: 'Summarise it.' }] },
        { role: 'assistant', content: 'It says a lot.' },
        { role: 'user', content: 'Shorter?' },
      ],
    });
    const result = placeAnthropicBreakpoints(body);
    assert.deepEqual(cacheMarks(result.body), ['tools[0]', 'system[0]', 'messages[0].content[1]', 'messages[2].content[0]']);
  });

  it("respects the caller's breakpoints by default and fills only the free slots on request", () => {
    const body = agentConversation({ rounds: 2 });
    body.system = [{ type: 'text', text: prose(3000), cache_control: { type: 'ephemeral' } }];
    deepFreeze(body);
    const respected = placeAnthropicBreakpoints(body);
    assert.equal(respected.changed, false);
    assert.match(respected.description, /kept the caller's 1 cache breakpoint/);

    const filled = placeAnthropicBreakpoints(body, { callerMarks: 'fill' });
    assert.deepEqual(cacheMarks(filled.body), ['system[0]', 'messages[2].content[0]', 'messages[4].content[0]']);
    assert.deepEqual((filled.body.system as JsonObject[])[0]?.cache_control, { type: 'ephemeral' });
  });

  it('never exceeds four breakpoints, counting tool-result content and the top-level one', () => {
    const body = agentConversation({ rounds: 3 });
    messagesOf(body)[2] = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_0_0', content: [{ type: 'text', text: 'sunny', cache_control: { type: 'ephemeral' } }] }] };
    body.tools = [{ ...weatherTool, cache_control: { type: 'ephemeral' } }, { ...weatherTool, name: 'get_forecast' }];
    body.cache_control = { type: 'ephemeral' };
    const filled = placeAnthropicBreakpoints(deepFreeze(body), { callerMarks: 'fill' });
    const marks = cacheMarks(filled.body);
    assert.ok(marks.length <= 4, marks.join());
    // The top-level one already covers the tail: the one free slot goes to the system prompt.
    assert.deepEqual(marks, ['tools[0]', 'system[0]', 'messages[2].content[0].content[0]', 'cache_control']);

    const full = placeAnthropicBreakpoints({ ...body, system: [{ type: 'text', text: prose(3000), cache_control: { type: 'ephemeral' } }] }, { callerMarks: 'fill' });
    assert.equal(full.changed, false);
    assert.match(full.description, /all 4 cache breakpoints/);
  });

  it('adds one-hour breakpoints when configured, but never after a shorter one of the caller', () => {
    const oneHour = placeAnthropicBreakpoints(deepFreeze(agentConversation({ rounds: 1 })), { ttl: '1h' });
    assert.deepEqual((oneHour.body.system as JsonObject[])[0]?.cache_control, { type: 'ephemeral', ttl: '1h' });
    assert.deepEqual(blockAt(oneHour.body, 2, 0).cache_control, { type: 'ephemeral', ttl: '1h' });

    const body = agentConversation({ rounds: 1 });
    body.system = [{ type: 'text', text: prose(3000), cache_control: { type: 'ephemeral', ttl: '5m' } }];
    const filled = placeAnthropicBreakpoints(deepFreeze(body), { callerMarks: 'fill', ttl: '1h' });
    assert.deepEqual(blockAt(filled.body, 2, 0).cache_control, { type: 'ephemeral' }, 'five minutes, the default');

    // A caller's one-hour breakpoint late in the prompt: a five-minute one of ours may not precede it.
    const late = agentConversation({ rounds: 1 });
    messagesOf(late)[2] = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_0_0', content: 'sunny', cache_control: { type: 'ephemeral', ttl: '1h' } }] };
    messagesOf(late).push({ role: 'assistant', content: 'Sunny everywhere.' }, { role: 'user', content: 'Thanks, and tomorrow?' });
    const lateFilled = placeAnthropicBreakpoints(deepFreeze(late), { callerMarks: 'fill' });
    assert.deepEqual(cacheMarks(lateFilled.body), ['messages[2].content[0]', 'messages[4].content[0]']);
  });

  it('returns non-Messages bodies untouched', () => {
    const body = { model: 'claude-sonnet-4-5', prompt: 'legacy' };
    const result = placeAnthropicBreakpoints(body);
    assert.equal(result.body, body);
    assert.equal(result.changed, false);
  });

  describe('on recorded requests', () => {
    it('marks the tool result, never the thinking block, of a thinking + tool-use turn', () => {
      const body = deepFreeze(readConformanceJson('anthropic', 'messages-thinking-tool-result.request.json') as JsonObject);
      assert.equal(placeAnthropicBreakpoints(body).changed, false, 'too short to cache for real');
      const result = placeAnthropicBreakpoints(body, { minimumTokens: 1 });
      assert.deepEqual(cacheMarks(result.body), ['tools[0]', 'messages[0].content[0]', 'messages[2].content[0]']);
    });

    it('skips the whitespace-only text of a parallel tool-use turn', () => {
      const body = deepFreeze(readConformanceJson('anthropic', 'messages-tool-result-parallel.request.json') as JsonObject);
      const result = placeAnthropicBreakpoints(body, { minimumTokens: 1 });
      const marks = cacheMarks(result.body);
      assert.ok(marks.includes('messages[2].content[1]'), marks.join());
      assert.ok(!marks.includes('messages[1].content[0]'));
      assert.equal(blockAt(result.body, 1, 0).cache_control, undefined);
    });
  });
});
