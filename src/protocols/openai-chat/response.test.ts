import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalResponse } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { decodeChatResponse } from './response-decode.js';
import { encodeChatResponse } from './response-encode.js';

const context = { requestId: 'req_42', model: 'claude-sonnet-4-5' };

function response(overrides: Partial<CanonicalResponse>): CanonicalResponse {
  return {
    id: 'msg_01',
    model: 'claude-sonnet-4-5-20250929',
    created: 1_760_000_000,
    content: [{ type: 'text', text: 'Hello' }],
    finishReason: 'stop',
    usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    ...overrides,
  };
}

describe('openai-chat response encode', () => {
  it('builds a complete, realistic chat.completion body', () => {
    assert.deepEqual(encodeChatResponse(response({}), context), {
      id: 'chatcmpl-msg_01',
      object: 'chat.completion',
      created: 1_760_000_000,
      model: 'claude-sonnet-4-5',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0, cache_write_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      system_fingerprint: null,
    });
  });

  it('writes content null beside tool calls, reasoning as reasoning_content, and drops signatures', () => {
    const body = encodeChatResponse(
      response({
        content: [
          { type: 'reasoning', text: 'Think.', origin: 'anthropic', signature: 'EqQBCkYIBxgCKkA' },
          { type: 'reasoning', text: '', origin: 'anthropic', redactedData: 'opaque' },
          { type: 'tool-call', id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' },
        ],
        finishReason: 'tool-calls',
      }),
      context,
    );
    const choice = body.choices[0];
    assert.deepEqual(choice?.message, {
      role: 'assistant',
      content: null,
      refusal: null,
      annotations: [],
      reasoning_content: 'Think.',
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
    });
    assert.equal(choice?.finish_reason, 'tool_calls');
    assert.ok(!JSON.stringify(body).includes('EqQBCkYIBxgCKkA'));
  });

  it('maps canonical finish reasons onto the five Chat values', () => {
    const reason = (finishReason: CanonicalResponse['finishReason']): string | undefined => encodeChatResponse(response({ finishReason }), context).choices[0]?.finish_reason;
    assert.deepEqual(
      (['stop', 'stop-sequence', 'length', 'content-filter', 'refusal', 'pause', 'error', 'other'] as const).map(reason),
      ['stop', 'stop', 'length', 'content_filter', 'content_filter', 'stop', 'stop', 'stop'],
    );
  });

  it('writes refusals in the refusal field with content null', () => {
    const message = encodeChatResponse(response({ content: [{ type: 'refusal', text: 'I cannot help with that.' }] }), context).choices[0]?.message;
    assert.equal(message?.content, null);
    assert.equal(message?.refusal, 'I cannot help with that.');
  });
});

describe('openai-chat response decode', () => {
  const body = (message: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'deepseek-reasoner',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop', ...extra }],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  });

  it('reads DeepSeek reasoning_content and vLLM reasoning as reasoning with origin openai', () => {
    assert.deepEqual(decodeChatResponse(body({ content: 'Answer', reasoning_content: 'Because.' })).content, [
      { type: 'reasoning', text: 'Because.', origin: 'openai' },
      { type: 'text', text: 'Answer' },
    ]);
    assert.deepEqual(decodeChatResponse(body({ content: 'Answer', reasoning: 'Hmm.' })).content[0], { type: 'reasoning', text: 'Hmm.', origin: 'openai' });
  });

  it('reads a vLLM stop_reason as the matched stop sequence', () => {
    const decoded = decodeChatResponse(body({ content: 'a' }, { stop_reason: '###' }));
    assert.equal(decoded.finishReason, 'stop-sequence');
    assert.equal(decoded.stopSequence, '###');
  });

  it('takes choice 0 of several (n > 1)', () => {
    const decoded = decodeChatResponse({
      ...body({}),
      choices: [
        { index: 1, message: { role: 'assistant', content: 'second' }, finish_reason: 'stop' },
        { index: 0, message: { role: 'assistant', content: 'first' }, finish_reason: 'length' },
      ],
    });
    assert.deepEqual(decoded.content, [{ type: 'text', text: 'first' }]);
    assert.equal(decoded.finishReason, 'length');
  });

  it('reports a malformed provider body as upstream_bad_response', () => {
    for (const bad of [null, 'text', { choices: [] }, { error: { message: 'boom' } }, { choices: [{ index: 0 }] }]) {
      assert.throws(
        () => decodeChatResponse(bad),
        (error: unknown) => error instanceof GatewayError && error.code === 'upstream_bad_response',
        JSON.stringify(bad),
      );
    }
  });
});
