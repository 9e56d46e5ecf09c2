import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ProtocolName } from '../canonical/types.js';
import { responseArbitrary } from '../protocols/cross-protocol/arbitraries.js';
import { assertMatches } from '../protocols/cross-protocol/normalise.js';
import { normaliseResponse, normaliseStream } from '../protocols/cross-protocol/normalise-response.js';
import { CODECS } from '../protocols/registry.js';
import { createEntry } from './entry.js';
import { renderHit } from './render-hit.js';
import { sampleEntry, sampleResponse, T0 } from './testing/fixtures.js';
import { bodyText, decodeStream, foldStream, streamEvents } from './testing/read-hit.js';

/**
 * A hit rendered in each protocol and read back by that protocol's own decoders must hold what the
 * protocol carries of the cached answer — the same expectations the cross-protocol tests state for a
 * live answer (normalise-response.ts), over generated answers.
 */
const PROTOCOLS: ProtocolName[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'];
const RUNS = { numRuns: 100, includeErrorInReport: true };

describe('renderHit round trips through the caller protocol', () => {
  for (const protocol of PROTOCOLS) {
    it(`${protocol}: a body decodes back to the cached answer`, async () => {
      await fc.assert(
        fc.asyncProperty(responseArbitrary([protocol], { stream: false }), async (response) => {
          const hit = renderHit(createEntry(response, 'p/m', 60_000, T0), protocol, { stream: false, requestId: 'req_hit', now: T0 });
          const decoded = CODECS[protocol].decodeResponse(JSON.parse(await bodyText(hit)));
          assertMatches(decoded, normaliseResponse(protocol, createEntry(response, 'p/m', 60_000, T0).response), protocol);
        }),
        RUNS,
      );
    });

    it(`${protocol}: a stream decodes back to the cached answer, however the bytes are cut`, async () => {
      await fc.assert(
        fc.asyncProperty(responseArbitrary([protocol], { stream: true }), fc.integer({ min: 1, max: 64 }), async (response, piece) => {
          const entry = createEntry(response, 'p/m', 60_000, T0);
          const hit = renderHit(entry, protocol, { stream: true, requestId: 'req_hit', includeUsage: true, now: T0 });
          const parts = decodeStream(protocol, await bodyText(hit), { piece });
          assert.equal(parts.filter((part) => part.type === 'error').length, 0, 'no error part');
          assertMatches(foldStream(parts), normaliseStream(protocol, entry.response), protocol);
        }),
        RUNS,
      );
    });
  }
});

describe('renderHit event sequences', () => {
  const render = async (protocol: ProtocolName, options: { includeUsage?: boolean; jsonArrayStream?: boolean } = {}): Promise<string> =>
    bodyText(renderHit(sampleEntry(), protocol, { stream: true, requestId: 'req_hit', now: T0, ...options }));

  it('Chat: role chunk first, the finish chunk, the usage chunk when asked, then [DONE]', async () => {
    const events = streamEvents(await render('openai-chat', { includeUsage: true }));
    const data = events.map((event) => event.data);
    assert.equal(data.at(-1), '[DONE]');
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text) as { id: string; choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: unknown });
    assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: 'assistant', content: '', refusal: null });
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(chunks.at(-1)!.choices, []);
    assert.equal((chunks.at(-1)!.usage as { prompt_tokens: number }).prompt_tokens, 1532);
    assert.ok(chunks.every((chunk) => chunk.id === 'chatcmpl-abc123'), 'the original id');
  });

  it('Chat: no usage chunk unless the caller asked for it', async () => {
    const data = streamEvents(await render('openai-chat')).map((event) => event.data);
    assert.ok(!data.slice(0, -1).some((text) => (JSON.parse(text) as { choices: unknown[] }).choices.length === 0));
  });

  it('Responses: response.created … response.completed, numbered in order, no [DONE]', async () => {
    const events = streamEvents(await render('openai-responses'));
    const types = events.map((event) => event.event);
    assert.equal(types[0], 'response.created');
    assert.equal(types[1], 'response.in_progress');
    assert.equal(types.at(-1), 'response.completed');
    const numbers = events.map((event) => (JSON.parse(event.data) as { sequence_number: number }).sequence_number);
    assert.deepEqual(numbers, numbers.map((_, index) => numbers[0]! + index));
    const completed = JSON.parse(events.at(-1)!.data) as { response: { usage: { input_tokens: number; output_tokens: number } } };
    assert.deepEqual([completed.response.usage.input_tokens, completed.response.usage.output_tokens], [1532, 88]);
  });

  it('Anthropic: message_start with the input usage … message_delta, message_stop', async () => {
    const events = streamEvents(await render('anthropic-messages'));
    const types = events.map((event) => event.event);
    assert.equal(types[0], 'message_start');
    assert.deepEqual(types.slice(-2), ['message_delta', 'message_stop']);
    const start = JSON.parse(events[0]!.data) as { message: { id: string; usage: { input_tokens: number; cache_read_input_tokens: number } } };
    // Anthropic's input_tokens count only uncached input: 1532 total, 1024 read from the cache.
    assert.equal(start.message.usage.input_tokens + start.message.usage.cache_read_input_tokens, 1532);
    const delta = JSON.parse(events.at(-2)!.data) as { delta: { stop_reason: string }; usage: { output_tokens: number } };
    assert.equal(delta.delta.stop_reason, 'tool_use');
    assert.equal(delta.usage.output_tokens, 88);
    assert.equal(types.filter((type) => type === 'content_block_start').length, types.filter((type) => type === 'content_block_stop').length);
  });

  it('Gemini SSE: complete response objects, the finish reason on the last', async () => {
    const text = await render('gemini');
    assert.match(text, /^data: /);
    const chunks = streamEvents(text).map((event) => JSON.parse(event.data) as { candidates: Array<{ finishReason?: string }>; usageMetadata?: { promptTokenCount: number } });
    assert.equal(chunks.at(-1)!.candidates[0]!.finishReason, 'STOP');
    assert.equal(chunks.at(-1)!.usageMetadata!.promptTokenCount, 1532);
  });

  it('Gemini without alt=sse: one JSON array, served as application/json', async () => {
    const hit = renderHit(sampleEntry(), 'gemini', { stream: true, requestId: 'req_hit', jsonArrayStream: true, now: T0 });
    assert.equal(hit.headers['content-type'], 'application/json');
    const text = await bodyText(hit);
    assert.ok(Array.isArray(JSON.parse(text)));
    const folded = foldStream(decodeStream('gemini', text, { jsonArray: true }));
    assert.deepEqual(folded.content.map((part) => part.type), ['text', 'tool-call']);
  });
});

describe('renderHit metadata', () => {
  it('reports the original usage for metering and the age of the entry', () => {
    const hit = renderHit(sampleEntry(60_000, T0), 'openai-chat', { stream: false, requestId: 'req_hit', now: T0 + 90_500 });
    assert.equal(hit.status, 200);
    assert.equal(hit.headers.age, '90');
    assert.equal(hit.headers['content-type'], 'application/json');
    assert.deepEqual(hit.usage, sampleResponse().usage);
    assert.equal(hit.servedBy, 'openai/gpt-5-mini');
  });

  it('streams are event streams that no intermediary should cache', () => {
    const hit = renderHit(sampleEntry(), 'anthropic-messages', { stream: true, requestId: 'req_hit', now: T0 });
    assert.equal(hit.headers['content-type'], 'text/event-stream');
    assert.equal(hit.headers['cache-control'], 'no-cache');
  });

  it('keeps the original id and created time, and reports the model that served unless told otherwise', async () => {
    const entry = sampleEntry();
    const body = JSON.parse(await bodyText(renderHit(entry, 'openai-chat', { stream: false, requestId: 'req_hit', now: T0 }))) as { id: string; created: number; model: string };
    assert.deepEqual(body, { ...body, id: 'chatcmpl-abc123', created: entry.response.created, model: 'gpt-5-mini-2025-08-07' });
    const named = JSON.parse(await bodyText(renderHit(entry, 'anthropic-messages', { stream: false, requestId: 'req_hit', model: 'my-route', now: T0 }))) as { model: string };
    assert.equal(named.model, 'my-route');
  });

  it('serves an answer cached from one protocol to a caller of another', async () => {
    const fromAnthropic = createEntry(
      sampleResponse({ id: 'msg_01', content: [{ type: 'reasoning', text: 'Think.', origin: 'anthropic', signature: 'sig' }, { type: 'text', text: 'Done.' }], finishReason: 'stop' }),
      'anthropic/claude-sonnet-4-6',
      60_000,
      T0,
    );
    const body = JSON.parse(await bodyText(renderHit(fromAnthropic, 'openai-chat', { stream: false, requestId: 'req_hit', now: T0 }))) as { choices: Array<{ message: { content: string }; finish_reason: string }> };
    assert.equal(body.choices[0]!.message.content, 'Done.');
    assert.equal(body.choices[0]!.finish_reason, 'stop');
  });
});
