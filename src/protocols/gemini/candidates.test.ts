import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamPart } from '../../canonical/types.js';
import { accumulateStream } from '../shared/stream-accumulate.js';
import { splitGeminiJsonArray } from './json-array-stream.js';
import { decodeGeminiResponse } from './response-decode.js';
import { encodeGeminiResponse } from './response-encode.js';
import { GeminiStreamDecoder } from './stream-decode.js';
import { GeminiStreamEncoder } from './stream-encode.js';

/** Several candidates (`candidateCount`) and `logprobsResult`, buffered and streamed. */

const logprobsResult = {
  topCandidates: [
    { candidates: [{ token: 'two', tokenId: 1313, logProbability: -0.1 }, { token: 'three', tokenId: 1314, logProbability: -2.5 }] },
    { candidates: [{ token: ' words', tokenId: 4210, logProbability: -0.2 }, { token: ' wars', tokenId: 4211 }] },
  ],
  chosenCandidates: [{ token: 'two', tokenId: 1313, logProbability: -0.1 }, { token: ' words', tokenId: 4210, logProbability: -0.2 }],
};

function decodeChunks(chunks: unknown[]): StreamPart[] {
  const decoder = new GeminiStreamDecoder();
  return [...chunks.flatMap((chunk) => decoder.pushChunk(chunk)), ...decoder.end()];
}

describe('gemini candidates: buffered responses', () => {
  it('reads every candidate: the first as the response, the others as additional choices by index', () => {
    const decoded = decodeGeminiResponse({
      responseId: 'rid',
      modelVersion: 'gemini-x',
      candidates: [
        { content: { role: 'model', parts: [{ text: 'Nile' }] }, finishReason: 'STOP', index: 0 },
        { content: { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 'river' } } }] }, finishReason: 'STOP', index: 1 },
        { content: { role: 'model', parts: [{ text: 'Dan' }] }, finishReason: 'MAX_TOKENS', index: 2 },
      ],
    });
    assert.deepEqual(decoded.content, [{ type: 'text', text: 'Nile' }]);
    assert.equal(decoded.finishReason, 'stop');
    assert.deepEqual(decoded.additionalChoices, [
      { index: 1, content: [{ type: 'tool-call', id: 'call_rid_1_0', name: 'lookup', arguments: '{"q":"river"}' }], finishReason: 'tool-calls' },
      { index: 2, content: [{ type: 'text', text: 'Dan' }], finishReason: 'length' },
    ]);
  });

  it('Vertex leaves out index 0: a candidate without one is candidate 0', () => {
    const decoded = decodeGeminiResponse({
      responseId: 'rid',
      candidates: [
        { content: { role: 'model', parts: [{ text: 'second' }] }, finishReason: 'STOP', index: 1 },
        { content: { role: 'model', parts: [{ text: 'first' }] }, finishReason: 'STOP' },
      ],
    });
    assert.deepEqual(decoded.content, [{ type: 'text', text: 'first' }]);
    assert.deepEqual(decoded.additionalChoices?.map((choice) => [choice.index, choice.content]), [[1, [{ type: 'text', text: 'second' }]]]);
  });

  it('candidates that all lack an index (not protobuf JSON) are placed by position', () => {
    const decoded = decodeGeminiResponse({ candidates: [{ content: { parts: [{ text: 'a' }] } }, { content: { parts: [{ text: 'b' }] } }] });
    assert.deepEqual([decoded.content, decoded.additionalChoices?.[0]?.index, decoded.additionalChoices?.[0]?.content], [[{ type: 'text', text: 'a' }], 1, [{ type: 'text', text: 'b' }]]);
  });

  it('one candidate gives no additional choices', () => {
    const decoded = decodeGeminiResponse({ responseId: 'rid', candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'STOP', index: 0 }] });
    assert.equal(decoded.additionalChoices, undefined);
    assert.equal(decoded.logprobs, undefined);
  });

  it('logprobsResult becomes token log probabilities with their alternatives; a missing logProbability is 0', () => {
    const decoded = decodeGeminiResponse({
      responseId: 'rid',
      candidates: [
        { content: { role: 'model', parts: [{ text: 'two words' }] }, finishReason: 'STOP', avgLogprobs: -0.15, logprobsResult, index: 0 },
        { content: { role: 'model', parts: [{ text: 'two' }] }, finishReason: 'STOP', logprobsResult: { chosenCandidates: [{ token: 'two', tokenId: 1313 }] }, index: 1 },
      ],
    });
    assert.deepEqual(decoded.logprobs, [
      { token: 'two', logprob: -0.1, top: [{ token: 'two', logprob: -0.1 }, { token: 'three', logprob: -2.5 }] },
      { token: ' words', logprob: -0.2, top: [{ token: ' words', logprob: -0.2 }, { token: ' wars', logprob: 0 }] },
    ]);
    assert.deepEqual(decoded.additionalChoices?.[0]?.logprobs, [{ token: 'two', logprob: 0, top: [] }]);
  });

  it('a malformed logprobsResult is the provider\'s fault, named by its path', () => {
    assert.throws(
      () => decodeGeminiResponse({ candidates: [{ content: { parts: [{ text: 'x' }] }, logprobsResult: { chosenCandidates: [{ token: 7 }] } }] }),
      (error: Error & { code?: string }) => error.code === 'upstream_bad_response' && /candidates\[0\]\.logprobsResult\.chosenCandidates\[0\]\.token/.test(error.message),
    );
  });
});

describe('gemini candidates: streams', () => {
  const usageMetadata = { promptTokenCount: 4, candidatesTokenCount: 6, totalTokenCount: 10 };

  it('keeps each candidate in its own blocks, ends the stream once all have finished, and names the others\' finishes', () => {
    const parts = decodeChunks([
      { responseId: 'rid', candidates: [{ content: { parts: [{ text: 'Ni' }] }, index: 0 }, { content: { parts: [{ text: 'Dan' }] }, index: 1 }] },
      { responseId: 'rid', candidates: [{ content: { parts: [{ text: 'ube' }] }, finishReason: 'STOP', index: 1 }, { content: { parts: [{ text: 'le' }] }, index: 0 }] },
      { responseId: 'rid', candidates: [{ content: { parts: [{ functionCall: { name: 'lookup', args: {} } }] }, finishReason: 'STOP', index: 0 }], usageMetadata },
    ]);
    assert.deepEqual(parts.slice(1), [
      { type: 'text-start', block: 0 },
      { type: 'text-delta', block: 0, text: 'Ni' },
      { type: 'text-start', block: 1, choice: 1 },
      { type: 'text-delta', block: 1, text: 'Dan' },
      { type: 'text-delta', block: 1, text: 'ube' },
      { type: 'text-delta', block: 0, text: 'le' },
      { type: 'text-end', block: 1 },
      { type: 'text-end', block: 0 },
      { type: 'tool-call-start', block: 2, id: 'call_rid_0', name: 'lookup' },
      { type: 'tool-call-delta', block: 2, argumentsDelta: '{}' },
      { type: 'tool-call-end', block: 2 },
      { type: 'usage', usage: { inputTokens: 4, outputTokens: 6, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        usage: { inputTokens: 4, outputTokens: 6, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
        additionalChoices: [{ index: 1, finishReason: 'stop' }],
      },
    ]);
    const folded = accumulateStream(parts).response();
    assert.deepEqual(folded.content, [{ type: 'text', text: 'Nile' }, { type: 'tool-call', id: 'call_rid_0', name: 'lookup', arguments: '{}' }]);
    assert.deepEqual(folded.additionalChoices, [{ index: 1, content: [{ type: 'text', text: 'Danube' }], finishReason: 'stop' }]);
  });

  it('a streamed answer folds to what the same answer decodes to unstreamed', () => {
    const whole = {
      responseId: 'rid',
      candidates: [
        { content: { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 1 } } }] }, finishReason: 'STOP', index: 0 },
        { content: { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 2 } } }] }, finishReason: 'STOP', index: 1 },
      ],
    };
    const folded = accumulateStream(decodeChunks([whole])).response();
    const decoded = decodeGeminiResponse(whole);
    assert.deepEqual(folded.content, decoded.content);
    assert.deepEqual(folded.additionalChoices, decoded.additionalChoices);
  });

  it('Vertex chunks name candidate 1 but not candidate 0', () => {
    const parts = decodeChunks([
      { candidates: [{ content: { role: 'model', parts: [{ text: 'A' }] } }, { content: { role: 'model', parts: [{ text: 'B' }] }, index: 1 }] },
      { candidates: [{ content: { role: 'model', parts: [{ text: 'b' }] }, finishReason: 'STOP', index: 1 }] },
      { candidates: [{ content: { role: 'model', parts: [{ text: 'a' }] }, finishReason: 'STOP' }], usageMetadata },
    ]);
    const folded = accumulateStream(parts).response();
    assert.deepEqual(folded.content, [{ type: 'text', text: 'Aa' }]);
    assert.deepEqual(folded.additionalChoices?.[0]?.content, [{ type: 'text', text: 'Bb' }]);
    assert.equal(parts.filter((part) => part.type === 'finish').length, 1);
  });

  it('logprobsResult of a chunk rides on that chunk\'s text delta', () => {
    const parts = decodeChunks([
      { candidates: [{ content: { parts: [{ text: 'two' }] }, logprobsResult: { topCandidates: [logprobsResult.topCandidates[0]], chosenCandidates: [logprobsResult.chosenCandidates[0]] }, index: 0 }] },
      { candidates: [{ content: { parts: [{ text: ' words' }] }, logprobsResult: { chosenCandidates: [logprobsResult.chosenCandidates[1]] }, finishReason: 'STOP', index: 0 }], usageMetadata },
    ]);
    const deltas = parts.filter((part) => part.type === 'text-delta');
    assert.deepEqual(deltas.map((part) => part.logprobs?.map((entry) => entry.token)), [['two'], [' words']]);
    assert.deepEqual(accumulateStream(parts).response().logprobs?.map((entry) => [entry.token, entry.logprob, entry.top.length]), [['two', -0.1, 2], [' words', -0.2, 0]]);
  });

  it('a stream cut off before every candidate finished is an error, with each candidate\'s blocks closed', () => {
    const parts = decodeChunks([
      { candidates: [{ content: { parts: [{ text: 'A' }] }, finishReason: 'STOP', index: 0 }, { content: { parts: [{ text: 'B' }] }, index: 1 }] },
    ]);
    assert.deepEqual(parts.slice(1).map((part) => part.type), ['text-start', 'text-delta', 'text-start', 'text-delta', 'text-end', 'text-end', 'error']);
  });
});

describe('gemini candidates: written back to a Gemini client', () => {
  const whole = {
    responseId: 'rid',
    candidates: [
      { content: { role: 'model', parts: [{ text: 'Nile' }] }, finishReason: 'STOP', index: 0 },
      { content: { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 1 } } }] }, finishReason: 'STOP', index: 1 },
    ],
  };

  it('a response keeps every candidate with its index', () => {
    const decoded = decodeGeminiResponse(whole);
    const encoded = encodeGeminiResponse(decoded, { requestId: 'req_1', model: 'gemini-x' });
    assert.deepEqual(encoded.candidates.map((candidate) => [candidate.index, candidate.finishReason, candidate.content.parts.length]), [[0, 'STOP', 1], [1, 'STOP', 1]]);
    const again = decodeGeminiResponse(encoded);
    assert.deepEqual([again.content, again.additionalChoices], [decoded.content, decoded.additionalChoices]);
  });

  it('a stream (a JSON-array client) writes each choice as its own candidate and ends with every finish', () => {
    const decoder = new GeminiStreamDecoder();
    const encoder = new GeminiStreamEncoder({ requestId: 'req_1', model: 'gemini-x', jsonArrayStream: true });
    const chunks = [
      { responseId: 'rid', candidates: [{ content: { parts: [{ text: 'Ni' }] }, index: 0 }, { content: { parts: [{ text: 'Dan' }] }, index: 1 }] },
      { responseId: 'rid', candidates: [{ content: { parts: [{ text: 'le' }] }, finishReason: 'STOP', index: 0 }, { content: { parts: [{ text: 'ube' }] }, finishReason: 'MAX_TOKENS', index: 1 }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 } },
    ];
    const text = chunks.flatMap((chunk) => decoder.pushChunk(chunk)).map((part) => encoder.encode(part)).join('') + encoder.end();
    const written = splitGeminiJsonArray(text).map((event) => JSON.parse(event.data) as { candidates: Array<{ index: number; finishReason?: string; content: { parts: Array<{ text?: string }> } }> });
    assert.deepEqual(written.at(-1)?.candidates.map((candidate) => [candidate.index, candidate.finishReason]), [[0, 'STOP'], [1, 'MAX_TOKENS']]);
    const textOf = (index: number): string => written.flatMap((chunk) => chunk.candidates.filter((candidate) => candidate.index === index)).flatMap((candidate) => candidate.content.parts).map((part) => part.text ?? '').join('');
    assert.deepEqual([textOf(0), textOf(1)], ['Nile', 'Danube']);
  });
});
