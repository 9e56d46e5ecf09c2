import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import type { CanonicalResponse, StreamPart } from '../../canonical/types.js';
import { openaiResponsesCodec as codec } from './index.js';
import { accumulate, decodeStreamText, encodeStreamParts, encodedEvents, responseToParts } from './testing-helpers.js';

/** Stream decoder and encoder behaviour beyond the recordings: lenient inputs, odd orders, ids. */

function sse(...events: Array<Record<string, unknown>>): string {
  return events.map((event, index) => `event: ${String(event['type'])}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`).join('');
}

const created = { type: 'response.created', response: { id: 'resp_1', created_at: 1, model: 'm', status: 'in_progress', output: [] } };
const message = { id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Whole answer.', annotations: [] }] };
const reasoning = { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan.' }], encrypted_content: 'gAAAA2' };
const call = { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'f', arguments: '{"a":1}' };

function completed(output: unknown[]): Record<string, unknown> {
  return { type: 'response.completed', response: { id: 'resp_1', created_at: 1, model: 'm', status: 'completed', output, usage: { input_tokens: 1, output_tokens: 2 } } };
}

describe('stream decoder leniency', () => {
  const expected = [
    { type: 'reasoning', text: 'Plan.', origin: 'openai', itemId: 'rs_1', encryptedContent: 'gAAAA2' },
    { type: 'text', text: 'Whole answer.' },
    { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"a":1}' },
  ];

  it('items sent only as output_item.done (no deltas) lose nothing', () => {
    const text = sse(
      created,
      { type: 'response.output_item.done', output_index: 0, item: reasoning },
      { type: 'response.output_item.done', output_index: 1, item: message },
      { type: 'response.output_item.done', output_index: 2, item: call },
      completed([reasoning, message, call]),
    );
    const response = accumulate(decodeStreamText(text));
    assert.deepEqual(response.content, expected);
    assert.equal(response.finishReason, 'tool-calls');
  });

  it('a stream of only response.completed still yields its output', () => {
    const response = accumulate(decodeStreamText(sse(created, completed([reasoning, message, call]))));
    assert.deepEqual(response.content, expected);
    assert.equal(response.finishReason, 'tool-calls');
  });

  it('done events fill in what the deltas missed', () => {
    const text = sse(
      created,
      { type: 'response.output_item.added', output_index: 0, item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] } },
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Whole ' },
      { type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text: 'Whole answer.' },
      { type: 'response.output_item.done', output_index: 0, item: message },
      completed([message]),
    );
    assert.deepEqual(accumulate(decodeStreamText(text)).content, [{ type: 'text', text: 'Whole answer.' }]);
  });

  it('a refusal streams as refusal deltas, and [DONE] or unknown events are ignored', () => {
    const text =
      sse(
        created,
        { type: 'response.content_part.added', item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'refusal', refusal: '' } },
        { type: 'response.refusal.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'I can’t help with that.' },
        { type: 'response.refusal.done', item_id: 'msg_1', output_index: 0, content_index: 0, refusal: 'I can’t help with that.' },
        { type: 'response.something_new', payload: 1 },
        completed([]),
      ) + 'data: [DONE]\n\n';
    const response = accumulate(decodeStreamText(text));
    assert.deepEqual(response.content, [{ type: 'refusal', text: 'I can’t help with that.' }]);
    assert.equal(response.finishReason, 'stop');
  });

  it('an event that is not JSON ends the stream with an error part', () => {
    const parts = decodeStreamText('event: response.created\ndata: {not json\n\n');
    assert.deepEqual(parts, [{ type: 'error', error: { status: 502, kind: 'server_error', message: 'The provider sent a stream event that is not JSON.' } }]);
  });

  it('an event of the wrong shape ends the stream with an error part naming the field', () => {
    const parts = decodeStreamText(sse(created, { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 42 }));
    const last = parts.at(-1);
    assert.ok(last?.type === 'error');
    assert.match(last.error.message, /delta: expected a string, got a number/);
  });

  it('a failed response without an error event becomes an error part (and usage when given)', () => {
    const parts = decodeStreamText(
      sse(created, { type: 'response.failed', response: { id: 'resp_1', status: 'failed', error: { code: 'server_error', message: 'Boom' }, usage: { input_tokens: 5, output_tokens: 0 } } }),
    );
    assert.deepEqual(parts.slice(1), [
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
      { type: 'error', error: { status: 500, kind: 'server_error', message: 'Boom', code: 'server_error' } },
    ]);
  });
});

describe('stream encoder', () => {
  it('text after text joins one message; a tool call or reasoning starts a new item', () => {
    const parts: StreamPart[] = [
      { type: 'text-start', block: 0 },
      { type: 'text-delta', block: 0, text: 'a' },
      { type: 'text-end', block: 0 },
      { type: 'text-start', block: 1 },
      { type: 'text-delta', block: 1, text: 'b' },
      { type: 'text-end', block: 1 },
      { type: 'tool-call-start', block: 2, id: 'call_1', name: 'f' },
      { type: 'tool-call-end', block: 2 },
      { type: 'finish', finishReason: 'tool-calls' },
    ];
    const events = encodedEvents(encodeStreamParts(parts));
    const added = events.filter((event) => event.type === 'response.output_item.added').map((event) => (event['item'] as { type: string }).type);
    assert.deepEqual(added, ['message', 'function_call']);
    assert.deepEqual(
      events.filter((event) => event.type === 'response.content_part.added').map((event) => event['content_index']),
      [0, 1],
    );
  });

  it('a text delta for a block that never started still reaches the client', () => {
    const response = accumulate(decodeStreamText(encodeStreamParts([{ type: 'text-delta', block: 0, text: 'orphan' }, { type: 'finish', finishReason: 'stop' }])));
    assert.deepEqual(response.content, [{ type: 'text', text: 'orphan' }]);
  });

  it('parts after the terminal event are ignored; a stream cut short ends with error + response.failed', () => {
    const encoder = codec.createStreamEncoder({ requestId: 'req_1', model: 'm' });
    encoder.encode({ type: 'text-start', block: 0 });
    assert.equal(encoder.encode({ type: 'finish', finishReason: 'stop' }).includes('response.completed'), true);
    assert.equal(encoder.encode({ type: 'text-delta', block: 0, text: 'late' }), '');
    assert.equal(encoder.end(), '');

    const cut = codec.createStreamEncoder({ requestId: 'req_2', model: 'm' });
    const text = cut.encode({ type: 'text-start', block: 0 }) + cut.end();
    assert.deepEqual(
      encodedEvents(text).map((event) => event.type).slice(-2),
      ['error', 'response.failed'],
    );
  });

  it('one reasoning item id used twice gets a fresh id the second time (the SDK rejects duplicates)', async () => {
    const response: CanonicalResponse = {
      id: 'resp_2',
      model: 'm',
      created: 1,
      content: [
        { type: 'reasoning', text: 'first', origin: 'openai', itemId: 'rs_same', encryptedContent: 'E1' },
        { type: 'text', text: 'between' },
        { type: 'reasoning', text: 'second', origin: 'openai', itemId: 'rs_same', encryptedContent: 'E2' },
      ],
      finishReason: 'stop',
      usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    };
    const wire = encodeStreamParts(responseToParts(response));
    const client = new OpenAI({ apiKey: 'k', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: async () => new Response(wire, { headers: { 'content-type': 'text/event-stream' } }) });
    const final = await client.responses.stream({ model: 'm', input: 'x' }).finalResponse();
    const ids = final.output.map((item) => item.id);
    assert.equal(new Set(ids).size, ids.length);
    const body = codec.encodeResponse(response, { requestId: 'r', model: 'm' }) as { output: Array<{ id: string }> };
    assert.equal(new Set(body.output.map((item) => item.id)).size, body.output.length);
  });
});
