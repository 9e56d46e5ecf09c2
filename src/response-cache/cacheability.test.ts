import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalRequest } from '../canonical/types.js';
import { cacheRefusal, isCacheableResponse } from './cacheability.js';
import { sampleResponse } from './testing/fixtures.js';

const request = (fields: Partial<CanonicalRequest> = {}): CanonicalRequest => ({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: false, ...fields });

describe('cacheRefusal', () => {
  it('accepts an ordinary request whatever its temperature, tools or n', () => {
    assert.equal(cacheRefusal('openai-chat', {}, request({ temperature: 1, n: 3, tools: [{ name: 'f', parameters: {} }] })), undefined);
  });

  it('refuses a request the canonical model cannot hold', () => {
    assert.match(cacheRefusal('openai-responses', { previous_response_id: 'resp_1' }, undefined) ?? '', /cannot hold/);
  });

  it('refuses Anthropic requests that ask for citations', () => {
    const body = { messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' }, citations: { enabled: true } }] }] };
    assert.equal(cacheRefusal('anthropic-messages', body, request()), 'citations requested');
  });

  it('with onlyDeterministic, caches temperature 0 only', () => {
    const policy = { onlyDeterministic: true };
    assert.equal(cacheRefusal('openai-chat', {}, request({ temperature: 0 }), policy), undefined);
    assert.match(cacheRefusal('openai-chat', {}, request({ temperature: 0.7 }), policy) ?? '', /temperature/);
    assert.match(cacheRefusal('openai-chat', {}, request(), policy) ?? '', /temperature/);
  });
});

describe('isCacheableResponse', () => {
  it('stores complete answers: stop, stop sequence, length, tool calls', () => {
    for (const finishReason of ['stop', 'stop-sequence', 'length', 'tool-calls'] as const) assert.equal(isCacheableResponse(sampleResponse({ finishReason })), true, finishReason);
  });

  it('never stores errors, filtered, refused, paused or unknown endings', () => {
    for (const finishReason of ['error', 'content-filter', 'refusal', 'pause', 'other'] as const) assert.equal(isCacheableResponse(sampleResponse({ finishReason })), false, finishReason);
  });

  it('never stores an answer missing choices or log probabilities its request asked for', () => {
    assert.equal(isCacheableResponse(sampleResponse(), { n: 2 }), false);
    const two = sampleResponse({ additionalChoices: [{ index: 1, content: [{ type: 'text', text: 'b' }], finishReason: 'stop' }] });
    assert.equal(isCacheableResponse(two, { n: 2 }), true);
    assert.equal(isCacheableResponse(sampleResponse({ additionalChoices: [{ index: 1, content: [], finishReason: 'content-filter' }] }), { n: 2 }), false);
    assert.equal(isCacheableResponse(sampleResponse(), { logprobs: {} }), false);
    assert.equal(isCacheableResponse(sampleResponse({ logprobs: [{ token: 'a', logprob: -0.1, top: [] }] }), { logprobs: {} }), true);
  });
});
