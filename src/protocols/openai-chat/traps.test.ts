import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalRequest } from '../../canonical/types.js';
import { readConformanceJson, readConformanceText } from '../../testing/conformance.js';
import { openaiChatCodec as codec } from './index.js';
import { accumulate, decodeSseText, encodeParts } from './test-support.js';

/** One named test per PROTOCOLS.md trap that concerns Chat (1, 2, 3, 4, 5, 6, 7, 11, 12, 15). */

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1, model: 'm', choices, ...extra })}\n\n`;
const toolDelta = (call: Record<string, unknown>, finish: string | null = null): string => chunk([{ index: 0, delta: { tool_calls: [call] }, finish_reason: finish }]);
const callsOf = (text: string): Array<{ id: string; name: string; arguments: string }> =>
  accumulate(decodeSseText(text)).response.content.flatMap((part) => (part.type === 'tool-call' ? [{ id: part.id, name: part.name, arguments: part.arguments }] : []));
const context = { requestId: 'req_t', model: 'gpt-4o', includeUsage: true };
const body = (messages: unknown[]): Record<string, unknown> => ({ model: 'gpt-4o', messages });

describe('PROTOCOLS.md traps', () => {
  it('trap 1: argument fragments are not JSON; they are buffered per index and never glued across calls', () => {
    const parts = decodeSseText(readConformanceText('openai', 'chat-tool-call.stream.sse'));
    const fragments = parts.flatMap((part) => (part.type === 'tool-call-delta' ? [part.argumentsDelta] : []));
    assert.deepEqual(fragments, ['{"', 'country', '":"', 'UK', '"}']);
    assert.ok(fragments.every((fragment) => !isJsonObject(fragment)), 'no fragment is the arguments object');
    assert.deepEqual(JSON.parse(fragments.join('')), { country: 'UK' });
    // A shim that sends two calls on index 0 with different ids: still two calls.
    const glued = callsOf(
      toolDelta({ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"city":"NY"}' } }) +
        toolDelta({ index: 0, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"tz":' } }) +
        toolDelta({ index: 0, function: { arguments: '"EST"}' } }, 'tool_calls') +
        'data: [DONE]\n\n',
    );
    assert.deepEqual(glued, [
      { id: 'call_a', name: 'f', arguments: '{"city":"NY"}' },
      { id: 'call_b', name: 'g', arguments: '{"tz":"EST"}' },
    ]);
    // Interleaved canonical calls survive encode → decode apart.
    const roundTrip = callsOf(
      encodeParts(
        [
          { type: 'response-start', id: 'x', model: 'm', created: 1 },
          { type: 'tool-call-start', block: 0, id: 'a', name: 'f' },
          { type: 'tool-call-start', block: 1, id: 'b', name: 'g' },
          { type: 'tool-call-delta', block: 1, argumentsDelta: '{"tz":' },
          { type: 'tool-call-delta', block: 0, argumentsDelta: '{"city":"NY"}' },
          { type: 'tool-call-delta', block: 1, argumentsDelta: '"EST"}' },
          { type: 'finish', finishReason: 'tool-calls' },
        ],
        context,
      ),
    );
    assert.deepEqual(roundTrip.map((call) => JSON.parse(call.arguments) as unknown), [{ city: 'NY' }, { tz: 'EST' }]);
  });

  it('trap 2: a call with no argument text becomes {}, a call cut by length is left incomplete and the finish says length', () => {
    const empty = callsOf(toolDelta({ index: 0, id: 'c', type: 'function', function: { name: 'now', arguments: '' } }, 'tool_calls') + 'data: [DONE]\n\n');
    assert.deepEqual(empty, [{ id: 'c', name: 'now', arguments: '{}' }]);
    const cut = accumulate(
      decodeSseText(
        toolDelta({ index: 0, id: 'c', type: 'function', function: { name: 'write', arguments: '{"text":"Once upon' } }) +
          chunk([{ index: 0, delta: {}, finish_reason: 'length' }]) +
          'data: [DONE]\n\n',
      ),
    );
    assert.equal(cut.response.finishReason, 'length');
    assert.equal(cut.unendedToolCalls.length, 1, 'the broken call never gets tool-call-end');
    const request = codec.encodeRequest({ model: 'm', stream: false, messages: [{ role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'now', arguments: '' }] }] }, 'm');
    assert.deepEqual(request.messages, [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'now', arguments: '{}' } }] }]);
  });

  it('trap 3: parallel calls carry id/name on their first chunk only; a shim starting at index 1 works', () => {
    const calls = callsOf(readConformanceText('openai', 'chat-parallel-tool-calls.stream.sse'));
    assert.deepEqual(calls.map((call) => [call.id, call.name]), [
      ['call_JMW1whyEaYG438VE1OIflxA2', 'GetWeatherArgs'],
      ['call_DNYTawLBoN8fj3KN6qU9N1Ou', 'get_stock_price'],
    ]);
    const fromOne = callsOf(
      toolDelta({ index: 1, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }) +
        toolDelta({ index: 1, function: { arguments: '{"a":1}' } }) +
        toolDelta({ index: 2, id: 'call_2', type: 'function', function: { name: 'g', arguments: '{"b"' } }) +
        toolDelta({ index: 2, function: { arguments: ':2}' } }, 'tool_calls') +
        'data: [DONE]\n\n',
    );
    assert.deepEqual(fromOne, [
      { id: 'call_1', name: 'f', arguments: '{"a":1}' },
      { id: 'call_2', name: 'g', arguments: '{"b":2}' },
    ]);
  });

  it('trap 4: stream usage comes in a choices:[] chunk, is read without indexing choices[0], and is always requested upstream', () => {
    const { response } = accumulate(decodeSseText(readConformanceText('openai', 'chat-text.stream.sse')));
    assert.deepEqual([response.usage.inputTokens, response.usage.outputTokens], [14, 30]);
    const encoded = codec.encodeRequest({ model: 'm', stream: true, streamIncludeUsage: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }, 'm');
    assert.deepEqual(encoded.stream_options, { include_usage: true });
    const text = encodeParts([{ type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 2 } }], context);
    assert.ok(text.includes('"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2'));
  });

  it('trap 5: cache counts — Anthropic-derived canonical totals become prompt_tokens with cached_tokens as a subset', () => {
    // messages-cache-read-write: input 3 + cache write 418 + cache read 1111, folded by the Anthropic decoder.
    const usage = { inputTokens: 1532, outputTokens: 50, cachedInputTokens: 1111, cacheWriteTokens: 418, reasoningTokens: 0 };
    const body = codec.encodeResponse({ id: 'msg', model: 'c', created: 1, content: [{ type: 'text', text: 'ok' }], finishReason: 'stop', usage }, context);
    assert.deepEqual((body as { usage: unknown }).usage, {
      prompt_tokens: 1532,
      completion_tokens: 50,
      total_tokens: 1582,
      prompt_tokens_details: { cached_tokens: 1111, audio_tokens: 0, cache_write_tokens: 418 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
    const recorded = codec.decodeResponse(readConformanceJson('openai', 'chat-cached-tokens.response.json')).usage;
    assert.ok(recorded.cachedInputTokens <= recorded.inputTokens);
    assert.equal(recorded.inputTokens, 4020, 'prompt_tokens already includes the cached tokens: nothing is added');
  });

  it('trap 6: tool calls with finish_reason "stop" are tool-calls, in responses and streams; Gemini-style STOP + calls encodes as tool_calls', () => {
    const response = codec.decodeResponse({
      id: 'chatcmpl-1',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'stop' }],
    });
    assert.equal(response.finishReason, 'tool-calls');
    const streamed = accumulate(
      decodeSseText(toolDelta({ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }) + chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]) + 'data: [DONE]\n\n'),
    );
    assert.equal(streamed.response.finishReason, 'tool-calls');
    const encoded = codec.encodeResponse({ ...response, finishReason: 'stop' }, context) as { choices: Array<{ finish_reason: string }> };
    assert.equal(encoded.choices[0]?.finish_reason, 'tool_calls');
  });

  it('trap 7: content null beside tool calls decodes to no text part, and no empty text is ever invented', () => {
    const response = codec.decodeResponse(readConformanceJson('openai', 'chat-tool-call-null-content.response.json'));
    assert.deepEqual(response.content.map((part) => part.type), ['tool-call']);
    const request = codec.decodeRequest(body([{ role: 'user', content: 'x' }, { role: 'assistant', content: '', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }]));
    assert.deepEqual(request.messages[1]?.content.map((part) => part.type), ['tool-call']);
    const stream = decodeSseText(readConformanceText('openai', 'chat-text.stream.sse'));
    assert.ok(!stream.some((part) => part.type === 'text-delta' && part.text === ''), 'the role chunk content "" is not a text delta');
    const encoded = codec.encodeResponse({ ...response, content: [{ type: 'text', text: '' }, ...response.content] }, context) as { choices: Array<{ message: { content: unknown } }> };
    assert.equal(encoded.choices[0]?.message.content, null);
  });

  it('trap 11: tool results get their function name from the earlier call; images in results follow as a user message', () => {
    const recorded = readConformanceJson('openai', 'chat-image-after-tool.request.json') as { messages: Array<{ role: string; content: unknown }> };
    const canonical = codec.decodeRequest(recorded as unknown as Record<string, unknown>);
    const tool = canonical.messages[2];
    assert.ok(tool?.role === 'tool');
    assert.equal(tool.content[0]?.toolName, 'get_file');
    // The same scenario arriving from Anthropic/Responses/Gemini: the image inside the tool result.
    const image = canonical.messages[3]?.content[1];
    assert.ok(image?.type === 'image');
    const fromAnthropic: CanonicalRequest = {
      ...canonical,
      messages: [
        canonical.messages[0]!,
        canonical.messages[1]!,
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: tool.content[0]!.toolCallId, toolName: 'get_file', content: [image] }] },
      ],
    };
    const encoded = codec.encodeRequest(fromAnthropic, 'gpt-5-mini') as { messages: Array<{ role: string; content: unknown }> };
    assert.deepEqual(encoded.messages.map((message) => message.role), ['user', 'assistant', 'tool', 'user']);
    assert.equal(typeof encoded.messages[2]?.content, 'string', 'tool messages stay text-only');
    const follow = encoded.messages[3]?.content as Array<{ type: string; image_url?: { url: string } }>;
    assert.deepEqual(follow.map((part) => part.type), ['text', 'image_url']);
    assert.equal(follow[1]?.image_url?.url, (recorded.messages[3]?.content as Array<{ image_url?: { url: string } }>)[1]?.image_url?.url, 'same data URL as the recorded request');
  });

  it('trap 12: data URLs are parsed generically, image/jpg becomes image/jpeg, base64url becomes base64', () => {
    const request = codec.decodeRequest(
      body([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpg;charset=binary;base64,_9j_4AAQ' } }] }]),
    );
    assert.deepEqual(request.messages[0]?.content[0], { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } });
    const encoded = codec.encodeRequest(
      { model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '_9j_4AAQ' } }] }] },
      'm',
    ) as { messages: Array<{ content: Array<{ image_url: { url: string } }> }> };
    assert.equal(encoded.messages[0]?.content[0]?.image_url.url, 'data:image/jpeg;base64,/9j/4AAQ');
  });

  it('trap 15: n>1 choices interleave (choice 0 only), refusals stream in delta.refusal, unknown fields are ignored, error statuses keep their meaning', () => {
    const n3 = accumulate(decodeSseText(readConformanceText('openai', 'chat-n3-choices.stream.sse')));
    assert.equal(n3.response.content.length, 1);
    const refusal = accumulate(decodeSseText(readConformanceText('openai', 'chat-refusal.stream.sse')));
    assert.deepEqual(refusal.response.content, [{ type: 'refusal', text: "I'm sorry, I can't assist with that request." }]);
    const odd = accumulate(
      decodeSseText(
        chunk([{ index: 0, delta: { content: 'hi', annotations: [] }, finish_reason: null, logprobs: null, future_field: 1 }], { usage: null, obfuscation: 'abc', service_tier: 'default' }) +
          chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]) +
          'data: [DONE]\n\n',
      ),
    );
    assert.deepEqual([odd.error, odd.response.content], [undefined, [{ type: 'text', text: 'hi' }]]);
    const ignored = codec.decodeRequest({ ...body([{ role: 'user', content: 'x', name: 'ann' }]), store: true, service_tier: 'flex', prediction: { type: 'content', content: 'x' } });
    assert.deepEqual(ignored.messages, [{ role: 'user', content: [{ type: 'text', text: 'x' }] }]);
    assert.equal(codec.decodeError(429, readConformanceJson('openai', 'chat-error-429-insufficient-quota.json'), {}).retryable, false);
    assert.equal(codec.encodeError({ status: 529, kind: 'overloaded', message: 'Overloaded' }, 'r').status, 503);
  });
});

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}
