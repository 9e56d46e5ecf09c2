import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalResponse } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { mapGeminiFinishReason, toGeminiFinishReason } from './finish-reason.js';
import { decodeGeminiResponse } from './response-decode.js';
import { encodeGeminiResponse } from './response-encode.js';

const usage = { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

function response(partial: Partial<CanonicalResponse>): CanonicalResponse {
  return { id: 'r1', model: 'gemini-2.5-flash', created: 1_700_000_000, content: [], finishReason: 'stop', usage, ...partial };
}

function candidate(parts: unknown[], finishReason = 'STOP'): Record<string, unknown> {
  return { responseId: 'rid', modelVersion: 'gemini-x', candidates: [{ content: { role: 'model', parts }, finishReason }] };
}

describe('gemini finish reasons', () => {
  it('maps every documented Gemini reason', () => {
    const table: Record<string, string> = {
      STOP: 'stop',
      MAX_TOKENS: 'length',
      SAFETY: 'content-filter',
      RECITATION: 'content-filter',
      BLOCKLIST: 'content-filter',
      PROHIBITED_CONTENT: 'content-filter',
      SPII: 'content-filter',
      IMAGE_SAFETY: 'content-filter',
      MALFORMED_FUNCTION_CALL: 'error',
      UNEXPECTED_TOOL_CALL: 'error',
      OTHER: 'other',
      LANGUAGE: 'other',
      FINISH_REASON_UNSPECIFIED: 'other',
      SOMETHING_NEW: 'other',
    };
    for (const [gemini, canonical] of Object.entries(table)) assert.equal(mapGeminiFinishReason(gemini, false), canonical, gemini);
    assert.equal(mapGeminiFinishReason('STOP', true), 'tool-calls');
    assert.equal(mapGeminiFinishReason('MAX_TOKENS', true), 'length');
  });

  it('encodes every canonical reason', () => {
    assert.deepEqual(
      (['stop', 'stop-sequence', 'length', 'tool-calls', 'content-filter', 'refusal', 'pause', 'error', 'other'] as const).map(toGeminiFinishReason),
      ['STOP', 'STOP', 'MAX_TOKENS', 'STOP', 'SAFETY', 'SAFETY', 'OTHER', 'OTHER', 'OTHER'],
    );
  });
});

describe('gemini response decode', () => {
  it('reads text, thoughts and calls with ids from the response id, or the call id when present', () => {
    const decoded = decodeGeminiResponse(
      candidate([
        { text: 'hm', thought: true },
        { text: 'Hello', thoughtSignature: 'c2ln' },
        { functionCall: { name: 'f', args: { a: [1] } } },
        { functionCall: { name: 'g', args: {}, id: 'given' } },
      ]),
    );
    assert.deepEqual(decoded.content, [
      { type: 'reasoning', text: 'hm', origin: 'gemini' },
      { type: 'text', text: 'Hello', thoughtSignature: 'c2ln' },
      { type: 'tool-call', id: 'call_rid_0', name: 'f', arguments: '{"a":[1]}' },
      { type: 'tool-call', id: 'given', name: 'g', arguments: '{}' },
    ]);
    assert.equal(decoded.finishReason, 'tool-calls');
    assert.equal(decoded.id, 'rid');
    assert.equal(decoded.model, 'gemini-x');
  });

  it('turns a blocked prompt (promptFeedback, no candidate) into a content-filter finish', () => {
    const decoded = decodeGeminiResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } });
    assert.equal(decoded.finishReason, 'content-filter');
    assert.deepEqual(decoded.content, []);
    assert.equal(decoded.usage.inputTokens, 7);
  });

  it('tolerates a candidate without content (thinking used up the budget)', () => {
    const decoded = decodeGeminiResponse({ candidates: [{ content: { role: 'model' }, finishReason: 'MAX_TOKENS' }] });
    assert.deepEqual([decoded.content, decoded.finishReason], [[], 'length']);
  });

  it('ignores unknown part kinds and fields, refuses model media output', () => {
    const decoded = decodeGeminiResponse({ ...candidate([{ text: 'a' }, { somethingNew: {} }]), avgLogprobs: -0.5, finishMessage: 'x' });
    assert.deepEqual(decoded.content, [{ type: 'text', text: 'a' }]);
    assert.throws(
      () => decodeGeminiResponse(candidate([{ inlineData: { mimeType: 'image/png', data: 'AA' } }])),
      (error: unknown) => error instanceof GatewayError && error.code === 'unsupported_feature',
    );
  });

  it('reports a malformed provider body as upstream_bad_response (502)', () => {
    for (const body of [null, 'text', { candidates: 'nope' }, { candidates: [{ content: { parts: [{ text: 1 }] } }] }]) {
      assert.throws(
        () => decodeGeminiResponse(body),
        (error: unknown) => error instanceof GatewayError && error.code === 'upstream_bad_response' && error.status === 502,
      );
    }
  });
});

describe('gemini response encode', () => {
  it('writes one candidate with parts, finish reason, usage split and ids', () => {
    const body = encodeGeminiResponse(
      response({
        content: [
          { type: 'reasoning', text: 'why', origin: 'gemini', signature: 'c2ln' },
          { type: 'text', text: 'Hi', thoughtSignature: 'dA==' },
          { type: 'tool-call', id: 'c1', name: 'f', arguments: '' },
        ],
        finishReason: 'tool-calls',
        usage: { inputTokens: 20, outputTokens: 15, cachedInputTokens: 4, cacheWriteTokens: 0, reasoningTokens: 10 },
      }),
      { requestId: 'req', model: 'client-model' },
    );
    assert.deepEqual(body, {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'why', thought: true, thoughtSignature: 'c2ln' },
              { text: 'Hi', thoughtSignature: 'dA==' },
              { functionCall: { id: 'c1', name: 'f', args: {} } },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 5, totalTokenCount: 35, cachedContentTokenCount: 4, thoughtsTokenCount: 10 },
      modelVersion: 'client-model',
      responseId: 'r1',
      createTime: '2023-11-14T22:13:20.000Z',
    });
  });

  it("keeps other providers' readable reasoning as thoughts but never their signatures; refusals become text", () => {
    const body = encodeGeminiResponse(
      response({
        content: [
          { type: 'reasoning', text: 'claude thought', origin: 'anthropic', signature: 'anthropic-sig' },
          { type: 'reasoning', text: '', origin: 'anthropic', redactedData: 'xyz' },
          { type: 'refusal', text: 'I cannot help with that.' },
        ],
      }),
      { requestId: 'req', model: 'm' },
    );
    assert.deepEqual(body.candidates[0]?.content.parts, [{ text: 'claude thought', thought: true }, { text: 'I cannot help with that.' }]);
  });

  it('never sends a call whose arguments are not a JSON object', () => {
    const broken = response({ content: [{ type: 'tool-call', id: 'c1', name: 'f', arguments: '{"a":' }], finishReason: 'tool-calls' });
    const body = encodeGeminiResponse(broken, { requestId: 'req', model: 'm' });
    assert.deepEqual(body.candidates[0]?.content.parts, []);
    assert.equal(body.candidates[0]?.finishReason, 'MALFORMED_FUNCTION_CALL');
    assert.equal(encodeGeminiResponse({ ...broken, finishReason: 'length' }, { requestId: 'req', model: 'm' }).candidates[0]?.finishReason, 'MAX_TOKENS');
  });
});
