/**
 * One named test per trap of ../shared/PROTOCOLS.md §3 that touches the Anthropic Messages protocol.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalMessage, CanonicalRequest, StreamPart } from '../../canonical/types.js';
import { conformanceFiles, readConformanceText } from '../../testing/conformance.js';
import { SseParser } from '../../util/sse.js';
import { decodeAnthropicError, encodeAnthropicError } from './errors.js';
import { decodeAnthropicRequest } from './request-decode.js';
import { encodeAnthropicRequest } from './request-encode.js';
import { encodeAnthropicResponse } from './response-encode.js';
import { AnthropicStreamDecoder } from './stream-decode.js';
import { accumulate, assertAnthropicStreamGrammar, decodeSseText, encodeParts, wireEvents } from './test-support.js';
import { decodeAnthropicUsage, encodeAnthropicUsage } from './usage.js';

const sse = (...events: Array<Record<string, unknown>>): string =>
  events.map((data) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`).join('');
const start = { type: 'message_start', message: { id: 'msg_t', model: 'm', content: [], usage: { input_tokens: 100, output_tokens: 1 } } };
const request = (messages: CanonicalMessage[], extra: Partial<CanonicalRequest> = {}): CanonicalRequest => ({ model: 'x', messages, stream: false, ...extra });
const user = (text: string): CanonicalMessage => ({ role: 'user', content: [{ type: 'text', text }] });

describe('PROTOCOLS.md traps', () => {
  test('trap 1: two tool blocks’ argument fragments are never glued together', () => {
    const parts = decodeSseText(
      sse(
        start,
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_a', name: 'city', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '"NY"}' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_b', name: 'tz', input: {} } },
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"tz":"EST"}' } },
        { type: 'content_block_stop', index: 1 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
      ),
    );
    assert.deepEqual(accumulate(parts).toolCalls, [
      { id: 'toolu_a', name: 'city', arguments: '{"city":"NY"}' },
      { id: 'toolu_b', name: 'tz', arguments: '{"tz":"EST"}' },
    ]);
  });

  test('trap 2a: a no-arg tool streaming only "" fragments gets arguments {}', () => {
    const result = accumulate(decodeSseText(readConformanceText('anthropic', 'messages-tool-use-parallel.stream.sse')));
    assert.deepEqual(
      result.toolCalls.map((call) => call.arguments),
      ['{}', '{}'],
    );
  });

  test('trap 2b: a tool call truncated by max_tokens surfaces as length, never as a call', () => {
    const parts = decodeSseText(readConformanceText('anthropic', 'messages-tool-use-max-tokens-truncated.stream.sse'));
    assert.equal(parts.filter((part) => part.type.startsWith('tool-call')).length, 0, 'no tool-call part at all');
    const result = accumulate(parts);
    assert.equal(result.finishReason, 'length');
    assert.match(result.text.join(''), /taxes\.txt/);
    // And the encoder, given a call cut off by another provider's length stop, does not close it.
    const encoded = encodeParts([
      { type: 'response-start', id: 'x', model: 'm', created: 0 },
      { type: 'tool-call-start', block: 0, id: 'call_1', name: 'make_file' },
      { type: 'tool-call-delta', block: 0, argumentsDelta: '{"filename": "taxes' },
      { type: 'finish', finishReason: 'length' },
    ]);
    const events = wireEvents(encoded);
    assertAnthropicStreamGrammar(events);
    assert.ok(!events.some((event) => event.event === 'content_block_stop'));
    assert.deepEqual(accumulate(decodeSseText(encoded)).toolCalls, []);
  });

  test('trap 3: all tool results go first, in one user message', () => {
    const body = encodeAnthropicRequest(
      request([
        user('names?'),
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', id: 'toolu_1', name: 'gen', arguments: '{}' },
            { type: 'tool-call', id: 'toolu_2', name: 'gen', arguments: '{}' },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'Charles' }] }] },
        user('(both results are in)'),
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_2', content: [{ type: 'text', text: 'Sammy' }] }] },
      ]),
      'claude-haiku-4-5',
    );
    assert.equal(body.messages.length, 3);
    assert.deepEqual(
      body.messages[2]?.content.map((block) => block.type),
      ['tool_result', 'tool_result', 'text'],
    );
  });

  test('trap 4: stream usage is not added up; message_delta restating input wins; input survives a delta without it', () => {
    const restated = accumulate(
      decodeSseText(sse(start, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 100, cache_read_input_tokens: 0, output_tokens: 40 } })),
    );
    assert.deepEqual([restated.usage?.inputTokens, restated.usage?.outputTokens], [100, 40]);
    const outputOnly = accumulate(decodeSseText(sse(start, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 40 } })));
    assert.deepEqual([outputOnly.usage?.inputTokens, outputOnly.usage?.outputTokens], [100, 40]);
  });

  test('trap 5: Anthropic cache counts are additive; canonical counts are totals with subsets', () => {
    const usage = decodeAnthropicUsage({
      input_tokens: 3,
      cache_creation_input_tokens: 418,
      cache_read_input_tokens: 1111,
      cache_creation: { ephemeral_5m_input_tokens: 418, ephemeral_1h_input_tokens: 0 },
      output_tokens: 33,
    });
    assert.deepEqual(usage, { inputTokens: 1532, outputTokens: 33, cachedInputTokens: 1111, cacheWriteTokens: 418, cacheWrite1hTokens: 0, reasoningTokens: 0 });
    const back = encodeAnthropicUsage(usage);
    assert.deepEqual([back.input_tokens, back.cache_creation_input_tokens, back.cache_read_input_tokens], [3, 418, 1111]);
  });

  test('trap 6: a "stop" finish with tool calls is tool_use (decided by content)', () => {
    const encoded = encodeAnthropicResponse(
      {
        id: 'chatcmpl-1',
        model: 'gpt',
        created: 0,
        content: [{ type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"a":1}' }],
        finishReason: 'stop',
        usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
      { requestId: 'r', model: 'claude' },
    );
    assert.equal(encoded.stop_reason, 'tool_use');
  });

  test('trap 7: empty text is dropped, never sent as a "" block, and a turn left empty disappears', () => {
    const body = encodeAnthropicRequest(
      request([
        user('call it'),
        { role: 'assistant', content: [{ type: 'text', text: '' }, { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: '' }] }] },
        { role: 'assistant', content: [{ type: 'text', text: '' }] },
        user('thanks'),
      ]),
      'claude-sonnet-4-5',
    );
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'call it' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'f', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1' }, { type: 'text', text: 'thanks' }] },
    ]);
    // …and decoding never invents "" parts either.
    assert.deepEqual(decodeAnthropicRequest({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }).messages, [
      { role: 'user', content: [] },
    ]);
  });

  test('trap 8: system messages are hoisted (even mid-conversation), tool turns become user turns, same roles merge', () => {
    const body = encodeAnthropicRequest(
      request([
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        user('a'),
        { role: 'system', content: [{ type: 'text', text: 'Now answer in French.' }] },
        user('b'),
        { role: 'assistant', content: [{ type: 'text', text: 'c' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'd' }] },
      ]),
      'claude-sonnet-4-5',
    );
    assert.deepEqual(body.system, [
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Now answer in French.' },
    ]);
    assert.deepEqual(
      body.messages.map((message) => [message.role, message.content.length]),
      [
        ['user', 2],
        ['assistant', 2],
      ],
    );
  });

  test('trap 9: max_tokens is always sent, from the per-model table; the thinking budget stays below it and is never cut', () => {
    assert.equal(encodeAnthropicRequest(request([user('x')]), 'claude-opus-4-7').max_tokens, 128_000);
    assert.equal(encodeAnthropicRequest(request([user('x')]), 'claude-sonnet-4-6').max_tokens, 64_000);
    assert.equal(encodeAnthropicRequest(request([user('x')]), 'claude-haiku-4-5-20251001').max_tokens, 64_000);
    const raised = encodeAnthropicRequest(request([user('x')], { maxOutputTokens: 2000, reasoning: { budgetTokens: 5000 } }), 'claude-sonnet-4-5');
    assert.deepEqual([raised.max_tokens, raised.thinking], [7000, { type: 'enabled', budget_tokens: 5000 }]);
    assert.throws(
      () => encodeAnthropicRequest(request([user('x')], { reasoning: { budgetTokens: 70_000 } }), 'claude-haiku-4-5'),
      (error: unknown) => error instanceof Error && 'param' in error && error.param === 'reasoning.budgetTokens',
    );
  });

  test('trap 10: Anthropic thinking replays with its signature; foreign reasoning is not sent; thinking stays off without a replayable block', () => {
    const history: CanonicalMessage[] = [
      user('largest city?'),
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'openai summary', origin: 'openai', encryptedContent: 'gAAA', itemId: 'rs_1' },
          { type: 'reasoning', text: 'gemini thought', origin: 'gemini' },
          { type: 'reasoning', text: 'unsigned', origin: 'anthropic' },
          { type: 'reasoning', text: 'I need the country', origin: 'anthropic', signature: 'EqEE' },
          { type: 'reasoning', text: '', origin: 'anthropic', redactedData: 'EtgB' },
          { type: 'tool-call', id: 'toolu_1', name: 'country', arguments: '{}' },
        ],
      },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'Mexico' }] }] },
    ];
    const body = encodeAnthropicRequest(request(history, { reasoning: { budgetTokens: 3000 } }), 'claude-sonnet-4-5');
    assert.deepEqual(body.messages[1]?.content, [
      { type: 'thinking', thinking: 'I need the country', signature: 'EqEE' },
      { type: 'redacted_thinking', data: 'EtgB' },
      { type: 'tool_use', id: 'toolu_1', name: 'country', input: {} },
    ]);
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 3000 });

    // The same loop produced by another provider has no thinking to replay: thinking is left off.
    const foreign = history.map((message) =>
      message.role === 'assistant' ? { ...message, content: message.content.filter((part) => part.type === 'tool-call') } : message,
    );
    assert.equal(encodeAnthropicRequest(request(foreign, { reasoning: { budgetTokens: 3000 } }), 'claude-sonnet-4-5').thinking, undefined);
    // Forced tool use and thinking do not mix either.
    const forced = request([user('x')], { tools: [{ name: 'f', parameters: { type: 'object' } }], toolChoice: { type: 'required' }, reasoning: { effort: 'high' } });
    assert.equal(encodeAnthropicRequest(forced, 'claude-sonnet-4-5').thinking, undefined);
  });

  test('trap 10b: redacted_thinking arrives whole in content_block_start and round-trips', () => {
    const result = accumulate(decodeSseText(readConformanceText('anthropic', 'messages-thinking-redacted.stream.sse')));
    assert.equal(result.reasoning.length, 2);
    assert.ok(result.reasoning.every((entry) => entry.text === '' && (entry.redactedData ?? '').startsWith('E')));
  });

  test('trap 11: images inside tool results are kept', () => {
    const canonical = decodeAnthropicRequest({
      model: 'm',
      max_tokens: 5,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_file', input: {} }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4A==' } }] }],
        },
      ],
    });
    const body = encodeAnthropicRequest(canonical, 'claude-sonnet-4-5');
    assert.deepEqual(body.messages[1]?.content[0], {
      type: 'tool_result',
      tool_use_id: 'toolu_1',
      content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4A==' } }],
    });
  });

  test('trap 12: image/jpg → image/jpeg, base64url → base64, url sources carry no media_type', () => {
    const body = encodeAnthropicRequest(
      request([
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'base64', mediaType: 'image/jpg', data: '_9j_4A' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png', mediaType: 'image/png' } },
          ],
        },
      ]),
      'claude-sonnet-4-5',
    );
    assert.deepEqual(body.messages[0]?.content, [
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4A==' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
    ]);
  });

  test('trap 14: SSE framing — padded JSON, {"type": "ping"}, no trailing blank line, CRLF', () => {
    for (const file of conformanceFiles('anthropic').filter((name) => name.endsWith('.sse'))) {
      const text = readConformanceText('anthropic', file);
      const parts = decodeSseText(text);
      assert.equal(parts[parts.length - 1]?.type, 'finish', `${file} ends with a finish`);
      // The same body with CRLF line endings and split into 7-byte chunks decodes identically.
      const decoder = new AnthropicStreamDecoder(() => 0);
      const crlf = text.replace(/\n/g, '\r\n');
      const chunks: string[] = [];
      for (let offset = 0; offset < crlf.length; offset += 7) chunks.push(crlf.slice(offset, offset + 7));
      const chunked: StreamPart[] = [];
      const sseParser = new SseParser();
      for (const chunk of chunks) for (const event of sseParser.push(chunk)) chunked.push(...decoder.push(event));
      for (const event of sseParser.end()) chunked.push(...decoder.push(event));
      chunked.push(...decoder.end());
      assert.deepEqual(chunked, parts, file);
    }
  });

  test('trap 15: Anthropic 529 is retryable, rendered back as overloaded_error / 529', () => {
    const info = decodeAnthropicError(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, {});
    assert.equal(info.retryable, true);
    assert.equal(encodeAnthropicError(info, 'req_1').status, 529);
  });
});
