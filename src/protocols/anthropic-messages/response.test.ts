import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalResponse } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { toAnthropicMessageId } from './ids.js';
import { anthropicModelProfile } from './model-profiles.js';
import { decodeAnthropicResponse } from './response-decode.js';
import { encodeAnthropicResponse } from './response-encode.js';
import { mapAnthropicStopReason, toAnthropicStopReason } from './stop-reason.js';

const context = { requestId: 'req_42', model: 'claude-sonnet-4-5' };
const usage = { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

function response(extra: Partial<CanonicalResponse>): CanonicalResponse {
  return { id: 'msg_1', model: 'm', created: 0, content: [], finishReason: 'stop', usage, ...extra };
}

describe('response decode', () => {
  test('blocks: text, thinking with signature, redacted thinking, tool_use; unknown blocks skipped', () => {
    const decoded = decodeAnthropicResponse(
      {
        id: 'msg_x',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [
          { type: 'thinking', thinking: 'why', signature: 'sig' },
          { type: 'redacted_thinking', data: 'blob' },
          { type: 'text', text: 'Answer', citations: [{ type: 'char_location' }] },
          { type: 'web_search_tool_result', tool_use_id: 's', content: [] },
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: [1, 2] } },
          { type: 'tool_use', id: 'toolu_2', name: 'g', input: {} },
        ],
        stop_reason: 'tool_use',
        stop_sequence: null,
        stop_details: null,
        usage: { input_tokens: 3, cache_creation_input_tokens: 418, cache_read_input_tokens: 1111, output_tokens: 33, output_tokens_details: { thinking_tokens: 20 } },
      },
      () => 5000,
    );
    assert.deepEqual(decoded, {
      id: 'msg_x',
      model: 'claude-sonnet-4-5',
      created: 5,
      content: [
        { type: 'reasoning', text: 'why', origin: 'anthropic', signature: 'sig' },
        { type: 'reasoning', text: '', origin: 'anthropic', redactedData: 'blob' },
        { type: 'text', text: 'Answer' },
        { type: 'tool-call', id: 'toolu_1', name: 'f', arguments: '{"a":[1,2]}' },
        { type: 'tool-call', id: 'toolu_2', name: 'g', arguments: '{}' },
      ],
      finishReason: 'tool-calls',
      usage: { inputTokens: 1532, outputTokens: 33, cachedInputTokens: 1111, cacheWriteTokens: 418, reasoningTokens: 20 },
    });
  });

  test('a body that is not a Message is an upstream_bad_response', () => {
    assert.throws(
      () => decodeAnthropicResponse({ id: 'msg', content: 'nope' }),
      (error: unknown) => error instanceof GatewayError && error.code === 'upstream_bad_response' && /content/.test(error.message),
    );
  });
});

describe('response encode', () => {
  test('ids: msg_ kept, others derived stably', () => {
    assert.equal(toAnthropicMessageId('msg_01abc', 'req'), 'msg_01abc');
    assert.equal(toAnthropicMessageId('chatcmpl-9x:y', 'req'), 'msg_chatcmpl-9xy');
    assert.equal(toAnthropicMessageId('chatcmpl-9x:y', 'other'), toAnthropicMessageId('chatcmpl-9x:y', 'req'));
    assert.equal(toAnthropicMessageId('', 'req_7'), 'msg_req_7');
  });

  test('usage splits canonical totals into additive Anthropic fields, with the 1h cache part', () => {
    const encoded = encodeAnthropicResponse(
      response({ usage: { inputTokens: 1532, outputTokens: 33, cachedInputTokens: 1111, cacheWriteTokens: 418, cacheWrite1hTokens: 18, reasoningTokens: 7 } }),
      context,
    );
    assert.deepEqual(encoded.usage, {
      input_tokens: 3,
      cache_creation_input_tokens: 418,
      cache_read_input_tokens: 1111,
      cache_creation: { ephemeral_5m_input_tokens: 400, ephemeral_1h_input_tokens: 18 },
      output_tokens: 33,
      output_tokens_details: { thinking_tokens: 7 },
    });
  });

  test('content: empty arguments → {}, refusal → text, foreign reasoning text shown unsigned, opaque blobs dropped', () => {
    const encoded = encodeAnthropicResponse(
      response({
        id: 'resp_1',
        finishReason: 'refusal',
        content: [
          { type: 'reasoning', text: 'summary', origin: 'openai', encryptedContent: 'gAAA' },
          { type: 'reasoning', text: '', origin: 'openai', encryptedContent: 'gBBB' },
          { type: 'refusal', text: 'No.' },
          { type: 'tool-call', id: 'call_1', name: 'f', arguments: '' },
        ],
      }),
      context,
    );
    assert.equal(encoded.id, 'msg_resp_1');
    assert.equal(encoded.model, 'claude-sonnet-4-5');
    assert.deepEqual(encoded.content, [
      { type: 'thinking', thinking: 'summary', signature: '' },
      { type: 'text', text: 'No.' },
      { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
    ]);
    assert.equal(encoded.stop_reason, 'refusal');
  });

  test('a tool call with broken arguments: dropped when cut off by length, an upstream error otherwise', () => {
    const broken = { type: 'tool-call' as const, id: 'c', name: 'f', arguments: '{"a": "unterminated' };
    assert.deepEqual(encodeAnthropicResponse(response({ finishReason: 'length', content: [broken] }), context).content, []);
    assert.throws(
      () => encodeAnthropicResponse(response({ finishReason: 'tool-calls', content: [broken] }), context),
      (error: unknown) => error instanceof GatewayError && error.code === 'upstream_bad_response',
    );
  });
});

describe('stop reasons', () => {
  test('every Anthropic stop_reason maps and maps back', () => {
    const table: Array<[string, string, string]> = [
      ['end_turn', 'stop', 'end_turn'],
      ['max_tokens', 'length', 'max_tokens'],
      ['stop_sequence', 'stop-sequence', 'stop_sequence'],
      ['tool_use', 'tool-calls', 'tool_use'],
      ['refusal', 'refusal', 'refusal'],
      ['pause_turn', 'pause', 'pause_turn'],
      ['model_context_window_exceeded', 'length', 'max_tokens'],
    ];
    for (const [anthropic, canonical, back] of table) {
      const mapped = mapAnthropicStopReason(anthropic);
      assert.equal(mapped, canonical);
      assert.equal(toAnthropicStopReason(mapped, false), back);
    }
    assert.equal(mapAnthropicStopReason('something_new'), 'other');
    assert.equal(toAnthropicStopReason('content-filter', false), 'refusal');
  });
});

describe('model profiles', () => {
  test('dated snapshots and provider prefixes find their family', () => {
    assert.equal(anthropicModelProfile('claude-haiku-4-5-20251001').family, 'claude-haiku-4-5');
    assert.equal(anthropicModelProfile('anthropic.claude-opus-4-7').family, 'claude-opus-4-7');
    assert.equal(anthropicModelProfile('claude-sonnet-4-20250514').family, 'claude-sonnet-4');
    assert.equal(anthropicModelProfile('claude-sonnet-4-5@20250929').family, 'claude-sonnet-4-5');
    assert.equal(anthropicModelProfile('claude-opus-4-1-20250805').maxOutputTokens, 32_000);
    assert.equal(anthropicModelProfile('my-model').family, '(unknown)');
  });
});
