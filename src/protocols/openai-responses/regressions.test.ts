import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamPart } from '../../canonical/types.js';
import { openaiResponsesCodec as codec } from './index.js';
import { accumulate, decodeStreamText, encodeStreamParts, encodedEvents } from './testing-helpers.js';

/** Translation bugs the cross-protocol property tests found, each pinned by its smallest input. */
describe('openai-responses regressions', () => {
  it('refusal text that continues after another block started is kept as a new refusal part', () => {
    const parts: StreamPart[] = [
      { type: 'response-start', id: 'resp_1', model: 'm', created: 1 },
      { type: 'refusal-delta', block: 0, text: 'I cannot ' },
      { type: 'tool-call-start', block: 1, id: 'call_1', name: 'lookup' },
      { type: 'tool-call-delta', block: 1, argumentsDelta: '{}' },
      { type: 'tool-call-end', block: 1 },
      { type: 'refusal-delta', block: 0, text: 'do that.' },
      { type: 'finish', finishReason: 'stop' },
    ];
    // Before: the refusal part was closed when the call started, and "do that." was silently dropped.
    assert.deepEqual(accumulate(decodeStreamText(encodeStreamParts(parts))).content, [
      { type: 'refusal', text: 'I cannot ' },
      { type: 'tool-call', id: 'call_1', name: 'lookup', arguments: '{}' },
      { type: 'refusal', text: 'do that.' },
    ]);
  });

  it('an in-stream error keeps the provider code that tells an exhausted quota from a rate limit', () => {
    const parts: StreamPart[] = [
      { type: 'response-start', id: 'resp_1', model: 'm', created: 1 },
      { type: 'error', error: { status: 429, kind: 'rate_limit', message: 'You exceeded your current quota', code: 'insufficient_quota' } },
    ];
    const error = encodedEvents(encodeStreamParts(parts)).find((event) => event.type === 'error');
    // Before: the code was always the kind's (`rate_limit_exceeded`), which clients retry.
    assert.equal((error?.['error'] as { code?: string } | undefined)?.code, 'insufficient_quota');
    assert.equal(error?.['code'], 'insufficient_quota');
  });

  it('a cap below the API minimum of 16 output tokens is raised, not sent to be refused', () => {
    const body = codec.encodeRequest({ model: 'm', stream: false, maxOutputTokens: 5, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }, 'gpt-5-mini');
    assert.equal(body.max_output_tokens, 16);
  });
});
