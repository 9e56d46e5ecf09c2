import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamPart } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { GeminiJsonArrayParser, splitGeminiJsonArray } from './json-array-stream.js';
import { GeminiStreamDecoder } from './stream-decode.js';
import { GeminiStreamEncoder } from './stream-encode.js';
import { parseJsonPath, PartialCallArguments } from './stream-partial-args.js';
import { accumulateStream, sseEvents } from './test-support.js';

function chunk(parts: unknown[], extra: Record<string, unknown> = {}): { data: string } {
  const { finishReason, ...rest } = extra;
  const candidate: Record<string, unknown> = { content: { role: 'model', parts }, index: 0 };
  if (finishReason !== undefined) candidate.finishReason = finishReason;
  return { data: JSON.stringify({ candidates: [candidate], responseId: 'rid', modelVersion: 'gemini-x', ...rest }) };
}

function decodeAll(events: Array<{ data: string }>): StreamPart[] {
  const decoder = new GeminiStreamDecoder();
  return [...events.flatMap((event) => decoder.push(event)), ...decoder.end()];
}

function encodeAll(parts: StreamPart[], jsonArrayStream = false): string {
  const encoder = new GeminiStreamEncoder({ requestId: 'req_1', model: 'client-model', jsonArrayStream });
  return parts.map((part) => encoder.encode(part)).join('') + encoder.end();
}

describe('gemini stream decode', () => {
  it('opens a reasoning block for thoughts, then a text block; signatures land on start or end', () => {
    const parts = decodeAll([
      chunk([{ text: 'Let me ', thought: true }]),
      chunk([{ text: 'think.', thought: true }]),
      chunk([{ text: 'Answer', thoughtSignature: 'c3RhcnQ=' }]),
      chunk([{ text: ' here' }]),
      chunk([{ text: '', thoughtSignature: 'ZW5k' }], { finishReason: 'STOP', usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, thoughtsTokenCount: 4 } }),
    ]);
    assert.deepEqual(parts, [
      { type: 'response-start', id: 'rid', model: 'gemini-x', created: (parts[0] as { created: number }).created },
      { type: 'reasoning-start', block: 0, origin: 'gemini' },
      { type: 'reasoning-delta', block: 0, text: 'Let me ' },
      { type: 'reasoning-delta', block: 0, text: 'think.' },
      { type: 'reasoning-end', block: 0 },
      { type: 'text-start', block: 1, thoughtSignature: 'c3RhcnQ=' },
      { type: 'text-delta', block: 1, text: 'Answer' },
      { type: 'text-delta', block: 1, text: ' here' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 6, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 4 } },
      { type: 'text-end', block: 1, thoughtSignature: 'ZW5k' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 6, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 4 } },
    ]);
  });

  it('emits a usage part only when the counts change', () => {
    const usageMetadata = { promptTokenCount: 5, totalTokenCount: 5 };
    const parts = decodeAll([chunk([{ text: 'a' }], { usageMetadata }), chunk([{ text: 'b' }], { usageMetadata }), chunk([], { usageMetadata, finishReason: 'STOP' })]);
    assert.equal(parts.filter((part) => part.type === 'usage').length, 1);
  });

  it('reassembles Vertex partialArgs: nested paths, continued strings, numbers, booleans, nulls', () => {
    const args = new PartialCallArguments();
    args.apply({ jsonPath: '$.query.text', stringValue: 'hel', willContinue: true });
    args.apply({ jsonPath: '$.query.text', stringValue: 'lo' });
    args.apply({ jsonPath: '$.tags[0]', stringValue: 'a' });
    args.apply({ jsonPath: '$.tags[1]', stringValue: 'b' });
    args.apply({ jsonPath: "$['odd key']", numberValue: 2.5 });
    args.apply({ jsonPath: '$.flag', boolValue: false });
    args.apply({ jsonPath: '$.none', nullValue: 'NULL_VALUE' });
    args.apply({ jsonPath: '$.query.text', stringValue: 'reset' });
    assert.deepEqual(args.args, { query: { text: 'reset' }, tags: ['a', 'b'], 'odd key': 2.5, flag: false, none: null });
    assert.deepEqual(parseJsonPath('$.a[0]["b.c"]'), ['a', 0, 'b.c']);
    assert.throws(() => parseJsonPath('a.b'), GatewayError);
  });

  it('reports an error object inside the stream as an error part', () => {
    const parts = decodeAll([chunk([{ text: 'partial' }]), { data: JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }) }]);
    assert.deepEqual(parts.slice(-2), [
      { type: 'text-end', block: 0 },
      { type: 'error', error: { status: 503, kind: 'overloaded', message: 'The model is overloaded.' } },
    ]);
  });

  it('reports a body that ends without a finishReason as an error part', () => {
    const parts = decodeAll([chunk([{ text: 'cut' }])]);
    assert.equal(parts.at(-1)?.type, 'error');
    assert.equal(accumulateStream(parts).content[0]?.type, 'text');
  });

  it('refuses a chunk that is not JSON as a bad upstream response', () => {
    assert.throws(
      () => new GeminiStreamDecoder().push({ data: '{"candidates": [' }),
      (error: unknown) => error instanceof GatewayError && error.code === 'upstream_bad_response',
    );
  });
});

describe('gemini stream encode', () => {
  const start: StreamPart = { type: 'response-start', id: 'resp_9', model: 'claude', created: 0, usage: { inputTokens: 12 } };

  it('writes one chunk per delta with usage once known and the finish on a last chunk', () => {
    const wire = encodeAll([
      start,
      { type: 'text-start', block: 0, thoughtSignature: 'c2ln' },
      { type: 'text-delta', block: 0, text: 'Hel' },
      { type: 'text-delta', block: 0, text: 'lo' },
      { type: 'text-end', block: 0 },
      { type: 'usage', usage: { outputTokens: 2 } },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const chunks = sseEvents(wire).map((event) => JSON.parse(event.data) as Record<string, unknown>);
    assert.deepEqual(chunks, [
      {
        candidates: [{ content: { role: 'model', parts: [{ text: 'Hel', thoughtSignature: 'c2ln' }] }, index: 0 }],
        modelVersion: 'client-model',
        responseId: 'resp_9',
        usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 0, totalTokenCount: 12 },
      },
      {
        candidates: [{ content: { role: 'model', parts: [{ text: 'lo' }] }, index: 0 }],
        modelVersion: 'client-model',
        responseId: 'resp_9',
        usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 0, totalTokenCount: 12 },
      },
      {
        candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }],
        modelVersion: 'client-model',
        responseId: 'resp_9',
        usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 2, totalTokenCount: 14 },
      },
    ]);
  });

  it('sends gemini reasoning signatures, drops foreign ones', () => {
    const wire = encodeAll([
      start,
      { type: 'reasoning-start', block: 0, origin: 'anthropic' },
      { type: 'reasoning-delta', block: 0, text: 'claude thinks' },
      { type: 'reasoning-end', block: 0, signature: 'anthropic-sig' },
      { type: 'reasoning-start', block: 1, origin: 'gemini' },
      { type: 'reasoning-delta', block: 1, text: 'gemini thinks' },
      { type: 'reasoning-end', block: 1, signature: 'Z2Vt' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const parts = sseEvents(wire).flatMap((event) => (JSON.parse(event.data) as { candidates: Array<{ content: { parts: unknown[] } }> }).candidates[0]?.content.parts ?? []);
    assert.deepEqual(parts, [
      { text: 'claude thinks', thought: true },
      { text: 'gemini thinks', thought: true },
      { text: '', thought: true, thoughtSignature: 'Z2Vt' },
      { text: '' },
    ]);
  });

  it('renders an error part as a final chunk in Gemini error shape and writes nothing after it', () => {
    const parts: StreamPart[] = [
      start,
      { type: 'text-start', block: 0 },
      { type: 'text-delta', block: 0, text: 'x' },
      { type: 'error', error: { status: 529, kind: 'overloaded', message: 'Overloaded' } },
      { type: 'finish', finishReason: 'error' },
    ];
    const events = sseEvents(encodeAll(parts));
    assert.equal(events.length, 2);
    assert.deepEqual(JSON.parse(events[1]?.data ?? ''), { error: { code: 503, message: 'Overloaded', status: 'UNAVAILABLE' } });
    const array = JSON.parse(encodeAll(parts, true)) as unknown[];
    assert.deepEqual(array[1], { error: { code: 503, message: 'Overloaded', status: 'UNAVAILABLE' } });
  });

  it('closes an empty JSON-array stream as []', () => {
    assert.equal(encodeAll([], true), '[]');
    assert.equal(encodeAll([]), '');
  });
});

describe('gemini JSON-array stream parser', () => {
  it('yields elements as they complete, with braces and escapes inside strings', () => {
    const parser = new GeminiJsonArrayParser();
    assert.deepEqual(parser.push('[{"text": "a } { \\" ]'), []);
    const first = parser.push('"}\n,\r\n{"b": [1, {"c": 2}]');
    assert.deepEqual(first.map((event) => JSON.parse(event.data) as unknown), [{ text: 'a } { " ]' }]);
    const second = parser.push('}]');
    assert.deepEqual(second.map((event) => JSON.parse(event.data) as unknown), [{ b: [1, { c: 2 }] }]);
    assert.deepEqual(parser.end(), []);
  });

  it('fails on a truncated body or stray text', () => {
    assert.throws(() => splitGeminiJsonArray('[{"a": 1'), GatewayError);
    assert.throws(() => splitGeminiJsonArray('data: {}'), GatewayError);
    assert.deepEqual(splitGeminiJsonArray('  []  '), []);
  });
});
