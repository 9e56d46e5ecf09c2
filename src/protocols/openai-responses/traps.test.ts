import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalRequest, StreamPart } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { openaiResponsesCodec as codec } from './index.js';
import { accumulate, decodeStreamText, encodeStreamParts, encodedEvents } from './testing-helpers.js';

/**
 * One named test per trap of ../shared/PROTOCOLS.md §3 that concerns the Responses API. Streams here
 * are hand-written in the recorded shape ([responses-*.stream.sse]) to reach cases no recording has.
 */

function sse(...events: Array<Record<string, unknown> & { type: string }>): string {
  return events.map((event, index) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`).join('');
}

const created = { type: 'response.created', response: { id: 'resp_1', object: 'response', created_at: 1, status: 'in_progress', model: 'gpt-5', output: [], usage: null } };

function terminal(status: 'completed' | 'incomplete', output: unknown[], reason?: string): Record<string, unknown> & { type: string } {
  return {
    type: status === 'completed' ? 'response.completed' : 'response.incomplete',
    response: {
      id: 'resp_1',
      object: 'response',
      created_at: 1,
      status,
      model: 'gpt-5',
      output,
      incomplete_details: reason === undefined ? null : { reason },
      usage: { input_tokens: 100, input_tokens_details: { cached_tokens: 80 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 30 }, total_tokens: 150 },
    },
  };
}

function callAdded(id: string, callId: string, name: string, outputIndex: number): Record<string, unknown> & { type: string } {
  return { type: 'response.output_item.added', output_index: outputIndex, item: { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name } };
}

function argumentsDelta(itemId: string, outputIndex: number, delta: string): Record<string, unknown> & { type: string } {
  return { type: 'response.function_call_arguments.delta', item_id: itemId, output_index: outputIndex, delta };
}

function callDone(id: string, callId: string, name: string, outputIndex: number, args: string, status = 'completed'): Record<string, unknown> & { type: string } {
  return { type: 'response.output_item.done', output_index: outputIndex, item: { id, type: 'function_call', status, arguments: args, call_id: callId, name } };
}

function expectError(run: () => unknown, code: string, param: string | undefined, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, code);
    assert.equal(error.param, param);
    assert.match(error.message, message);
    return true;
  });
}

describe('PROTOCOLS.md traps', () => {
  it('trap 1: argument fragments of two interleaved calls are buffered per item_id, never glued', () => {
    const text = sse(
      created,
      callAdded('fc_1', 'call_1', 'weather', 0),
      callAdded('fc_2', 'call_2', 'time', 1),
      argumentsDelta('fc_1', 0, '{"ci'),
      argumentsDelta('fc_2', 1, '{"tz":'),
      argumentsDelta('fc_1', 0, 'ty":"NY"}'),
      argumentsDelta('fc_2', 1, '"EST"}'),
      callDone('fc_1', 'call_1', 'weather', 0, '{"city":"NY"}'),
      callDone('fc_2', 'call_2', 'time', 1, '{"tz":"EST"}'),
      terminal('completed', []),
    );
    const response = accumulate(decodeStreamText(text));
    assert.deepEqual(response.content, [
      { type: 'tool-call', id: 'call_1', name: 'weather', arguments: '{"city":"NY"}' },
      { type: 'tool-call', id: 'call_2', name: 'time', arguments: '{"tz":"EST"}' },
    ]);
    // and back out: each call keeps its own item and arguments
    const events = encodedEvents(encodeStreamParts(decodeStreamText(text)));
    const done = events.filter((event) => event.type === 'response.function_call_arguments.done').map((event) => event['arguments']);
    assert.deepEqual(done, ['{"city":"NY"}', '{"tz":"EST"}']);
  });

  it('trap 2: a call without arguments ends as {} (stream, response and request)', () => {
    const streamed = accumulate(decodeStreamText(sse(created, callAdded('fc_1', 'call_1', 'ping', 0), callDone('fc_1', 'call_1', 'ping', 0, ''), terminal('completed', []))));
    assert.equal(streamed.content[0]?.type === 'tool-call' ? streamed.content[0].arguments : undefined, '{}');
    const response = codec.decodeResponse({ id: 'resp_1', model: 'm', status: 'completed', output: [{ id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'ping', arguments: '' }] });
    assert.equal(response.content[0]?.type === 'tool-call' ? response.content[0].arguments : undefined, '{}');
    const request = codec.decodeRequest({ model: 'm', input: [{ type: 'function_call', call_id: 'call_1', name: 'ping', arguments: '' }] });
    assert.deepEqual(request.messages[0], { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'ping', arguments: '{}' }] });
    const encoded = encodeStreamParts([
      { type: 'tool-call-start', block: 0, id: 'call_1', name: 'ping' },
      { type: 'tool-call-end', block: 0 },
      { type: 'finish', finishReason: 'tool-calls' },
    ]);
    assert.ok(encodedEvents(encoded).some((event) => event.type === 'response.function_call_arguments.done' && event['arguments'] === '{}'));
  });

  it('trap 2: a call cut off by max_output_tokens is not emitted broken; the finish says length', () => {
    const parts = decodeStreamText(
      sse(created, callAdded('fc_1', 'call_1', 'write', 0), argumentsDelta('fc_1', 0, '{"text":"Once upon'), callDone('fc_1', 'call_1', 'write', 0, '{"text":"Once upon', 'incomplete'), terminal('incomplete', [], 'max_output_tokens')),
    );
    assert.ok(!parts.some((part) => part.type === 'tool-call-end'), 'no tool-call-end for a truncated call');
    const response = accumulate(parts);
    assert.equal(response.finishReason, 'length');
    assert.deepEqual(response.content, []);
    // and a client sees an incomplete response whose call is marked incomplete
    const events = encodedEvents(encodeStreamParts(parts));
    const last = events.at(-1);
    assert.equal(last?.type, 'response.incomplete');
    const output = (last?.['response'] as { output: Array<{ status: string }> }).output;
    assert.equal(output[0]?.status, 'incomplete');
  });

  it('trap 3: parallel calls in one assistant turn stay separate items in order', () => {
    const request: CanonicalRequest = {
      model: 'm',
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'both' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', id: 'call_a', name: 'a', arguments: '{}' },
            { type: 'tool-call', id: 'call_b', name: 'b', arguments: '{"x":1}' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_a', content: [{ type: 'text', text: 'A' }] },
            { type: 'tool-result', toolCallId: 'call_b', content: [{ type: 'text', text: 'B' }] },
          ],
        },
      ],
    };
    const input = codec.encodeRequest(request, 'gpt-5')['input'] as Array<Record<string, unknown>>;
    assert.deepEqual(
      input.map((item) => [item['type'], item['call_id']]),
      [
        ['message', undefined],
        ['function_call', 'call_a'],
        ['function_call', 'call_b'],
        ['function_call_output', 'call_a'],
        ['function_call_output', 'call_b'],
      ],
    );
    const decoded = codec.decodeRequest(codec.encodeRequest(request, 'gpt-5'));
    assert.equal(decoded.messages.length, 3, 'both outputs decode to one tool message');
  });

  it('trap 4: stream usage comes from the terminal event, input and output together', () => {
    const parts = decodeStreamText(sse(created, terminal('completed', [])));
    assert.equal(parts.filter((part) => part.type === 'usage' || (part.type === 'finish' && part.usage !== undefined)).length, 1);
    assert.deepEqual(accumulate(parts).usage, { inputTokens: 100, outputTokens: 50, cachedInputTokens: 80, cacheWriteTokens: 0, reasoningTokens: 30 });
  });

  it('trap 5: cached tokens are a subset of input_tokens, reasoning a subset of output_tokens (never added)', () => {
    const events = encodedEvents(encodeStreamParts([{ type: 'finish', finishReason: 'stop', usage: { inputTokens: 1111, cachedInputTokens: 1000, cacheWriteTokens: 11, outputTokens: 20, reasoningTokens: 5 } }]));
    const usage = (events.at(-1)?.['response'] as { usage: Record<string, unknown> }).usage;
    assert.deepEqual(usage, {
      input_tokens: 1111,
      input_tokens_details: { cached_tokens: 1000, cache_write_tokens: 11 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 5 },
      total_tokens: 1131,
    });
  });

  it('trap 6: the finish reason is decided by content (function_call items → tool-calls)', () => {
    const withCall = codec.decodeResponse({ id: 'r', model: 'm', status: 'completed', output: [{ type: 'function_call', id: 'fc', call_id: 'c', name: 'n', arguments: '{}' }] });
    assert.equal(withCall.finishReason, 'tool-calls');
    const withText = codec.decodeResponse({ id: 'r', model: 'm', status: 'completed', output: [{ type: 'message', id: 'm', role: 'assistant', content: [{ type: 'output_text', text: 'hi' }] }] });
    assert.equal(withText.finishReason, 'stop');
    const filtered = codec.decodeResponse({ id: 'r', model: 'm', status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: [] });
    assert.equal(filtered.finishReason, 'content-filter');
  });

  it('trap 7: empty text is dropped, never sent or decoded as an empty part', () => {
    const request = codec.decodeRequest({
      model: 'm',
      input: [
        { role: 'assistant', content: [{ type: 'output_text', text: '' }] },
        { type: 'function_call', call_id: 'c', name: 'n', arguments: '{}' },
      ],
    });
    assert.deepEqual(request.messages, [{ role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'n', arguments: '{}' }] }]);
    const encoded = codec.encodeRequest(
      { model: 'm', stream: false, messages: [{ role: 'assistant', content: [{ type: 'text', text: '' }, { type: 'tool-call', id: 'c', name: 'n', arguments: '{}' }] }] },
      'm',
    );
    assert.deepEqual(
      (encoded['input'] as Array<Record<string, unknown>>).map((item) => item['type']),
      ['function_call'],
    );
    const streamed = encodeStreamParts([
      { type: 'text-start', block: 0 },
      { type: 'text-end', block: 0 },
      { type: 'finish', finishReason: 'stop' },
    ]);
    assert.deepEqual(accumulate(decodeStreamText(streamed)).content, []);
  });

  it('trap 8: developer and system items become system messages, kept in place; only a leading one is instructions', () => {
    const request = codec.decodeRequest({
      model: 'm',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Use metric units.' },
        { role: 'user', content: 'Hi' },
        { role: 'system', content: [{ type: 'input_text', text: 'Now answer in French.' }] },
      ],
    });
    assert.deepEqual(
      request.messages.map((message) => message.role),
      ['system', 'system', 'user', 'system'],
    );
    const encoded = codec.encodeRequest(request, 'm');
    assert.equal(encoded['instructions'], 'Be brief.');
    assert.deepEqual(
      (encoded['input'] as Array<Record<string, unknown>>).map((item) => item['role']),
      ['system', 'user', 'system'],
    );
  });

  it('trap 9: max_output_tokens maps both ways; no default is injected (Responses does not require one)', () => {
    assert.equal(codec.decodeRequest({ model: 'm', input: 'x', max_output_tokens: 64 }).maxOutputTokens, 64);
    assert.equal(codec.encodeRequest({ model: 'm', stream: false, messages: [], maxOutputTokens: 64 }, 'm')['max_output_tokens'], 64);
    assert.equal(codec.encodeRequest({ model: 'm', stream: false, messages: [] }, 'm')['max_output_tokens'], undefined);
    expectError(() => codec.decodeRequest({ model: 'm', input: 'x', max_output_tokens: 0 }), 'invalid_request', 'max_output_tokens', /integer >= 1/);
  });

  it('trap 10: OpenAI reasoning is replayed with encrypted content and store:false; other reasoning is dropped', () => {
    const request: CanonicalRequest = {
      model: 'm',
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Claude thought', origin: 'anthropic', signature: 'sig' },
            { type: 'reasoning', text: 'no blob', origin: 'openai', itemId: 'rs_old' },
            { type: 'reasoning', text: 'summary', origin: 'openai', itemId: 'rs_1', encryptedContent: 'gAAAA1' },
            { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{}' },
          ],
        },
      ],
    };
    const encoded = codec.encodeRequest(request, 'gpt-5');
    assert.equal(encoded['store'], false);
    assert.deepEqual(encoded['include'], ['reasoning.encrypted_content']);
    const reasoning = (encoded['input'] as Array<Record<string, unknown>>).filter((item) => item['type'] === 'reasoning');
    assert.deepEqual(reasoning, [{ type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'summary' }], encrypted_content: 'gAAAA1' }]);
    // without reasoning to replay or request, no include (non-reasoning models reject it)
    assert.equal(codec.encodeRequest({ model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }] }, 'gpt-4.1')['include'], undefined);
    // a client stream never carries another provider's signature
    const wire = encodeStreamParts([
      { type: 'reasoning-start', block: 0, origin: 'anthropic' },
      { type: 'reasoning-delta', block: 0, text: 'thinking' },
      { type: 'reasoning-end', block: 0, signature: 'secret-signature' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    assert.ok(!wire.includes('secret-signature'));
  });

  it('trap 11: images in tool results stay in function_call_output; results learn the tool name', () => {
    const request = codec.decodeRequest({
      model: 'm',
      input: [
        { type: 'function_call', call_id: 'call_1', name: 'get_file', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: [{ type: 'input_text', text: 'here' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'low' }] },
      ],
    });
    const tool = request.messages[1];
    assert.ok(tool?.role === 'tool');
    assert.equal(tool.content[0]?.toolName, 'get_file');
    assert.deepEqual(tool.content[0]?.content[1], { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'low' });
    const output = (codec.encodeRequest(request, 'm')['input'] as Array<Record<string, unknown>>)[1]?.['output'];
    assert.deepEqual(output, [
      { type: 'input_text', text: 'here' },
      { type: 'input_image', detail: 'low', image_url: 'https://example.com/a.png' },
    ]);
  });

  it('trap 12: data URLs are parsed generically; image/jpg becomes image/jpeg; base64url becomes base64', () => {
    const request = codec.decodeRequest({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:image/jpg;base64,_9j_4A', detail: 'auto' }] }] });
    const image = request.messages[0]?.content[0];
    assert.deepEqual(image, { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4A==' }, detail: 'auto' });
    expectError(
      () => codec.decodeRequest({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'ftp://x/y.png' }] }] }),
      'invalid_request',
      'input[0].content[0].image_url',
      /http\(s\) URL or a data URL/,
    );
  });

  it('trap 14: SSE framing: CRLF, one-byte chunks, a last event without its blank line, no [DONE]', () => {
    const text = sse(created, { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'hi' }, terminal('completed', []));
    const crlf = text.replace(/\n/g, '\r\n').replace(/\r\n\r\n$/, '');
    assert.equal(accumulate(decodeStreamText(crlf, 1)).content[0]?.type, 'text');
    const encoded = encodeStreamParts([{ type: 'finish', finishReason: 'stop' }]);
    assert.ok(!encoded.includes('[DONE]'));
    assert.match(encoded, /^event: response\.created\ndata: \{"type":"response\.created","sequence_number":0,/);
  });

  it('trap 15: unknown fields and events are ignored; insufficient_quota is a non-retryable 429; a 529 reaches the client as 503', () => {
    const text = sse(
      created,
      { type: 'response.output_text.annotation.added', item_id: 'msg_1', output_index: 0, content_index: 0, annotation: {} },
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'ok', obfuscation: 'xyz', logprobs: [] },
      terminal('completed', []),
    );
    assert.equal(accumulate(decodeStreamText(text)).content[0]?.type, 'text');
    assert.equal(codec.decodeError(429, { error: { message: 'quota', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }, {}).retryable, false);
    assert.equal(codec.decodeError(429, { error: { message: 'slow', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, {}).retryable, true);
    const encoded = codec.encodeError({ status: 529, kind: 'overloaded', message: 'Overloaded', code: 'overloaded_error' }, 'req_1');
    assert.equal(encoded.status, 503);
    assert.match(JSON.stringify(encoded.body), /overloaded/i);
  });
});

describe('Responses-specific traps', () => {
  it('strict: an unset strict is sent as false (Responses would otherwise force strict mode)', () => {
    const encoded = codec.encodeRequest({ model: 'm', stream: false, messages: [], tools: [{ name: 'search', parameters: { type: 'object', properties: { q: { type: 'string' }, page: { type: 'integer' } }, required: ['q'] } }] }, 'm');
    assert.equal((encoded['tools'] as Array<Record<string, unknown>>)[0]?.['strict'], false);
    const strict = codec.encodeRequest({ model: 'm', stream: false, messages: [], tools: [{ name: 's', parameters: {}, strict: true }] }, 'm');
    assert.equal((strict['tools'] as Array<Record<string, unknown>>)[0]?.['strict'], true);
  });

  it('previous_response_id is refused: the gateway keeps no response state', () => {
    expectError(() => codec.decodeRequest({ model: 'm', input: 'more', previous_response_id: 'resp_1' }), 'unsupported_feature', 'previous_response_id', /keeps no response state.*full conversation/);
    expectError(() => codec.decodeRequest({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }), 'unsupported_feature', 'input[0].type', /no response state/);
  });

  it('built-in tools are refused precisely', () => {
    expectError(() => codec.decodeRequest({ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }] }), 'unsupported_feature', 'tools[1].type', /"web_search" tool runs inside OpenAI/);
    expectError(() => codec.decodeRequest({ model: 'm', input: 'x', tool_choice: { type: 'file_search' } }), 'unsupported_feature', 'tool_choice.type', /file_search/);
    expectError(() => codec.decodeRequest({ model: 'm', input: [{ type: 'web_search_call', id: 'ws_1' }] }), 'unsupported_feature', 'input[0].type', /built-in tools/);
  });

  it('encode refuses n > 1, stop sequences, top_k and penalties; drops seed', () => {
    const base = { model: 'm', stream: false, messages: [] } satisfies CanonicalRequest;
    expectError(() => codec.encodeRequest({ ...base, n: 2 }, 'm'), 'unsupported_feature', 'n', /single output/);
    expectError(() => codec.encodeRequest({ ...base, stopSequences: ['END'] }, 'm'), 'unsupported_feature', 'stop', /no stop sequences/);
    expectError(() => codec.encodeRequest({ ...base, topK: 5 }, 'm'), 'unsupported_feature', 'top_k', /top_k/);
    expectError(() => codec.encodeRequest({ ...base, presencePenalty: 0.5 }, 'm'), 'unsupported_feature', 'presence_penalty', /presence_penalty/);
    const dropped = codec.encodeRequest({ ...base, n: 1, stopSequences: [], frequencyPenalty: 0, seed: 7 }, 'm');
    assert.equal(dropped['seed'], undefined);
  });

  it('an error in the stream is an error event then response.failed, and decodes back to the same error', () => {
    const parts: StreamPart[] = [{ type: 'response-start', id: 'resp_9', model: 'm', created: 1 }, { type: 'error', error: { status: 429, kind: 'rate_limit', message: 'Too many requests' } }];
    const encoded = encodeStreamParts(parts);
    assert.deepEqual(
      encodedEvents(encoded).map((event) => event.type),
      ['response.created', 'response.in_progress', 'error', 'response.failed'],
    );
    // The code the event carries comes back with it: it is what tells a rate limit from an exhausted quota.
    assert.deepEqual(decodeStreamText(encoded).at(-1), { type: 'error', error: { status: 429, kind: 'rate_limit', message: 'Too many requests', code: 'rate_limit_exceeded' } });
  });

  it('a provider stream that ends without a terminal event ends with an error part', () => {
    const parts = decodeStreamText(sse(created, { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'half' }));
    assert.equal(parts.at(-1)?.type, 'error');
  });
});
