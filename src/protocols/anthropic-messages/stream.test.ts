import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StreamPart } from '../../canonical/types.js';
import { accumulate, assertAnthropicStreamGrammar, decodeSseText, encodeParts, wireEvents } from './test-support.js';

/** Hand-written SSE in Anthropic's framing. */
function sse(...events: Array<Record<string, unknown>>): string {
  return events.map((data) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

const messageStart = (usage: Record<string, unknown> = { input_tokens: 10, output_tokens: 1 }): Record<string, unknown> => ({
  type: 'message_start',
  message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], stop_reason: null, stop_sequence: null, usage },
});

describe('stream decode', () => {
  test('message_start → response-start with input usage; ping ignored', () => {
    const parts = decodeSseText(sse(messageStart({ input_tokens: 5, cache_read_input_tokens: 100, output_tokens: 1 }), { type: 'ping' }));
    assert.deepEqual(parts[0], {
      type: 'response-start',
      id: 'msg_1',
      model: 'claude-haiku-4-5',
      created: 0,
      usage: { inputTokens: 105, outputTokens: 1, cachedInputTokens: 100, cacheWriteTokens: 0, reasoningTokens: 0 },
    });
    assert.equal(parts.length, 2, 'then only the end-of-body error');
  });

  test('stop_sequence carries its value', () => {
    const result = accumulate(
      decodeSseText(sse(messageStart(), { type: 'message_delta', delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' }, usage: { output_tokens: 3 } }, { type: 'message_stop' })),
    );
    assert.deepEqual([result.finishReason, result.stopSequence], ['stop-sequence', 'END']);
  });

  test('event: error after the 200 → error part, nothing after it', () => {
    const parts = decodeSseText(
      sse(
        messageStart(),
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
        { type: 'message_stop' },
      ),
    );
    assert.deepEqual(parts[parts.length - 1], { type: 'error', error: { status: 529, kind: 'overloaded', message: 'Overloaded' } });
    assert.equal(parts.filter((part) => part.type === 'error').length, 1);
  });

  test('a body that ends before message_delta ends with an error part', () => {
    const parts = decodeSseText(sse(messageStart(), { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
    assert.deepEqual(
      parts.map((part) => part.type),
      ['response-start', 'text-start', 'text-end', 'error'],
    );
  });

  test('unknown blocks and deltas (server tools, citations) are skipped', () => {
    const result = accumulate(
      decodeSseText(
        sse(
          messageStart(),
          { type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 's', name: 'web_search', input: {} } },
          { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"q":1}' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: {} } },
          { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'ok' } },
          { type: 'content_block_stop', index: 1 },
          { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
          { type: 'message_stop' },
        ),
      ),
    );
    assert.deepEqual([result.text, result.toolCalls], [['ok'], []]);
  });

  test('data that is not JSON becomes an error part, not an exception', () => {
    const parts = decodeSseText('event: message_start\ndata: {oops\n\n');
    assert.equal(parts[0]?.type, 'error');
  });
});

const start: StreamPart = { type: 'response-start', id: 'chatcmpl-abc', model: 'gpt-x', created: 1, usage: { inputTokens: 30, cachedInputTokens: 10 } };

describe('stream encode', () => {
  test('the exact opening: message_start with empty content and input usage, then ping', () => {
    const events = wireEvents(encodeParts([start, { type: 'finish', finishReason: 'stop', usage: { outputTokens: 4 } }]));
    assert.deepEqual(
      events.map((event) => event.event),
      ['message_start', 'ping', 'message_delta', 'message_stop'],
    );
    assert.deepEqual(events[0]?.data.message, {
      id: 'msg_chatcmpl-abc',
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 10, output_tokens: 0 },
    });
    assert.deepEqual(events[2]?.data, {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 10, output_tokens: 4 },
    });
  });

  test('interleaved text and reasoning: one open block at a time, late text continues in a new block', () => {
    const parts: StreamPart[] = [
      start,
      { type: 'text-start', block: 0 },
      { type: 'text-delta', block: 0, text: 'Hello' },
      { type: 'reasoning-start', block: 1, origin: 'gemini' },
      { type: 'reasoning-delta', block: 1, text: 'thinking…' },
      { type: 'text-delta', block: 0, text: ' world' },
      { type: 'reasoning-end', block: 1 },
      { type: 'text-end', block: 0 },
      { type: 'finish', finishReason: 'stop' },
    ];
    const events = wireEvents(encodeParts(parts));
    assertAnthropicStreamGrammar(events);
    const result = accumulate(decodeSseText(encodeParts(parts)));
    assert.deepEqual(result.text, ['Hello', ' world']);
    assert.deepEqual(result.reasoning, [{ text: 'thinking…' }], 'foreign thoughts are shown, without a signature');
  });

  test('interleaved tool calls are reordered: each tool_use gets only its own fragments', () => {
    const parts: StreamPart[] = [
      start,
      { type: 'tool-call-start', block: 0, id: 'call_a', name: 'a' },
      { type: 'tool-call-delta', block: 0, argumentsDelta: '{"x":' },
      { type: 'tool-call-start', block: 1, id: 'call_b', name: 'b' },
      { type: 'tool-call-delta', block: 1, argumentsDelta: '{"y":2}' },
      { type: 'tool-call-delta', block: 0, argumentsDelta: '1}' },
      { type: 'tool-call-end', block: 1 },
      { type: 'tool-call-end', block: 0 },
      { type: 'finish', finishReason: 'tool-calls' },
    ];
    const encoded = encodeParts(parts);
    assertAnthropicStreamGrammar(wireEvents(encoded));
    assert.deepEqual(accumulate(decodeSseText(encoded)).toolCalls, [
      { id: 'call_a', name: 'a', arguments: '{"x":1}' },
      { id: 'call_b', name: 'b', arguments: '{"y":2}' },
    ]);
  });

  test('tool calls whose ends only arrive at the finish still close properly', () => {
    const parts: StreamPart[] = [
      start,
      { type: 'text-delta', block: 0, text: 'Calling.' },
      { type: 'tool-call-start', block: 1, id: 'call_a', name: 'a' },
      { type: 'tool-call-delta', block: 1, argumentsDelta: '{}' },
      { type: 'tool-call-start', block: 2, id: 'call_b', name: 'b' },
      { type: 'tool-call-delta', block: 2, argumentsDelta: '{"q":"z"}' },
      { type: 'finish', finishReason: 'stop' },
    ];
    const encoded = encodeParts(parts);
    assertAnthropicStreamGrammar(wireEvents(encoded));
    const result = accumulate(decodeSseText(encoded));
    assert.equal(result.toolCalls.length, 2);
    assert.equal(result.finishReason, 'tool-calls', 'stop with tool calls is tool_use');
  });

  test('thinking ends with one signature_delta; redacted thinking is complete in its start', () => {
    const parts: StreamPart[] = [
      start,
      { type: 'reasoning-start', block: 0, origin: 'anthropic' },
      { type: 'reasoning-delta', block: 0, text: 'hmm' },
      { type: 'reasoning-end', block: 0, signature: 'sig' },
      { type: 'reasoning-start', block: 1, origin: 'anthropic' },
      { type: 'reasoning-end', block: 1, redactedData: 'opaque' },
      { type: 'reasoning-start', block: 2, origin: 'openai' },
      { type: 'reasoning-end', block: 2, encryptedContent: 'gAAA' },
      { type: 'finish', finishReason: 'stop' },
    ];
    const encoded = encodeParts(parts);
    const events = wireEvents(encoded);
    assertAnthropicStreamGrammar(events);
    const blocks = events.filter((event) => event.event === 'content_block_start').map((event) => event.data.content_block);
    assert.deepEqual(blocks, [
      { type: 'thinking', thinking: '', signature: '' },
      { type: 'redacted_thinking', data: 'opaque' },
    ]);
    assert.deepEqual(accumulate(decodeSseText(encoded)).reasoning, [{ text: 'hmm', signature: 'sig' }, { text: '', redactedData: 'opaque' }]);
  });

  test('an error part becomes event: error with the Anthropic type and the request id', () => {
    const encoded = encodeParts([start, { type: 'text-delta', block: 0, text: 'Hi' }, { type: 'error', error: { status: 529, kind: 'overloaded', message: 'Overloaded' } }]);
    const events = wireEvents(encoded);
    assert.deepEqual(events[events.length - 1], {
      event: 'error',
      data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_test' },
    });
    assertAnthropicStreamGrammar(events);
  });

  test('a stream that ends without a finish ends with an api_error event', () => {
    const events = wireEvents(encodeParts([start, { type: 'text-delta', block: 0, text: 'Hi' }]));
    assert.equal(events[events.length - 1]?.event, 'error');
    assert.deepEqual((events[events.length - 1]?.data.error as Record<string, unknown>).type, 'api_error');
  });

  test('refusal deltas are text; the stop reason says refusal', () => {
    const encoded = encodeParts([start, { type: 'refusal-delta', block: 0, text: "I can't help with that." }, { type: 'finish', finishReason: 'content-filter' }]);
    const result = accumulate(decodeSseText(encoded));
    assert.deepEqual([result.text, result.finishReason], [["I can't help with that."], 'refusal']);
  });
});
