import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamPart } from '../canonical/types.js';
import { readConformanceText } from '../testing/conformance.js';
import { cachedStreamParts } from './cached-stream-parts.js';
import { ResponseCollector } from './collector.js';
import { sampleResponse } from './testing/fixtures.js';
import { decodeStream } from './testing/read-hit.js';

function collect(parts: readonly StreamPart[], options?: { maxBytes?: number }): ReturnType<ResponseCollector['result']> {
  const collector = new ResponseCollector(options);
  for (const part of parts) collector.observe(part);
  return collector.result();
}

describe('ResponseCollector', () => {
  it('folds a complete stream back into the answer it carried', () => {
    const response = sampleResponse({ content: [{ type: 'reasoning', text: 'Hmm.', origin: 'anthropic', signature: 'sig' }, ...sampleResponse().content] });
    assert.deepEqual(collect(cachedStreamParts(response)), response);
  });

  it('collects recorded provider streams that completed', () => {
    const recorded: Array<['openai' | 'anthropic' | 'gemini', string, Parameters<typeof decodeStream>[0], string]> = [
      ['openai', 'chat-tool-call.stream.sse', 'openai-chat', 'tool-calls'],
      ['openai', 'chat-length.stream.sse', 'openai-chat', 'length'],
      ['openai', 'responses-text.stream.sse', 'openai-responses', 'stop'],
      ['anthropic', 'messages-tool-use-parallel.stream.sse', 'anthropic-messages', 'tool-calls'],
      ['gemini', 'stream-text.stream.sse', 'gemini', 'stop'],
    ];
    for (const [provider, file, protocol, finish] of recorded) {
      const response = collect(decodeStream(protocol, readConformanceText(provider, file)));
      assert.ok(response !== undefined, file);
      assert.equal(response.finishReason, finish, file);
      assert.ok(response.usage.inputTokens > 0, `${file}: usage kept`);
    }
  });

  it('keeps usage that arrives after the finish (Chat usage chunk)', () => {
    const parts = cachedStreamParts(sampleResponse({ usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } }));
    parts.push({ type: 'usage', usage: { inputTokens: 40, outputTokens: 9 } });
    assert.equal(collect(parts)?.usage.inputTokens, 40);
  });

  it('yields nothing for a stream that failed midway', () => {
    const parts = cachedStreamParts(sampleResponse());
    parts.splice(3, parts.length, { type: 'error', error: { status: 529, kind: 'overloaded', message: 'Overloaded' } });
    assert.equal(collect(parts), undefined);
  });

  it('yields nothing for a stream that never finished', () => {
    assert.equal(collect(cachedStreamParts(sampleResponse()).slice(0, -1)), undefined);
  });

  it('yields nothing when a tool call started and never ended', () => {
    const parts = cachedStreamParts(sampleResponse()).filter((part) => part.type !== 'tool-call-end');
    assert.equal(collect(parts), undefined);
  });

  it('keeps an answer cut by the output limit without the call the decoder withheld', () => {
    // The Anthropic decoder never emits a call whose arguments were cut off (PROTOCOLS.md trap 2).
    const response = collect(decodeStream('anthropic-messages', readConformanceText('anthropic', 'messages-tool-use-max-tokens-truncated.stream.sse')));
    assert.equal(response?.finishReason, 'length');
    assert.deepEqual(response.content.map((part) => part.type), ['text']);
  });

  it('yields nothing for an answer that is not cacheable (filtered)', () => {
    assert.equal(collect(cachedStreamParts(sampleResponse({ finishReason: 'content-filter' }))), undefined);
  });

  it('stops collecting an answer larger than the entry limit', () => {
    const big = sampleResponse({ content: [{ type: 'text', text: 'x'.repeat(5_000) }], finishReason: 'stop' });
    assert.equal(collect(cachedStreamParts(big), { maxBytes: 4_000 }), undefined);
    assert.notEqual(collect(cachedStreamParts(big), { maxBytes: 6_000 }), undefined);
  });
});
