import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalRequest, MediaSource } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { decodeAnthropicRequest } from './request-decode.js';
import { encodeAnthropicRequest } from './request-encode.js';

function throwsAt(action: () => unknown, code: string, param: string | undefined, message?: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.param, param);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024 };

describe('request decode', () => {
  test('system string and cached text blocks become one leading system message', () => {
    const request = decodeAnthropicRequest({
      ...base,
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Long context', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.deepEqual(request.messages[0], {
      role: 'system',
      content: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Long context', cacheControl: { type: 'ephemeral', ttl: '1h' } },
      ],
    });
    assert.deepEqual(request.messages[1], { role: 'user', content: [{ type: 'text', text: 'hi' }] });
    assert.equal(decodeAnthropicRequest({ ...base, system: 'Be brief', messages: [] }).messages[0]?.role, 'system');
  });

  test('a user turn with tool results and text splits into a tool message then a user message', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }], is_error: false },
            { type: 'text', text: 'and tomorrow?' },
          ],
        },
      ],
    });
    assert.deepEqual(request.messages.slice(1), [
      { role: 'assistant', content: [{ type: 'tool-call', id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_1', toolName: 'weather', content: [{ type: 'text', text: 'sunny' }], isError: false }] },
      { role: 'user', content: [{ type: 'text', text: 'and tomorrow?' }] },
    ]);
  });

  test('documents: base64 PDF, plain text (as base64 text/plain), URL', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'Spec' },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'héllo' } },
            { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
          ],
        },
      ],
    });
    assert.deepEqual(request.messages[0]?.content, [
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' }, title: 'Spec' },
      { type: 'document', source: { kind: 'base64', mediaType: 'text/plain', data: Buffer.from('héllo').toString('base64') } },
      { type: 'document', source: { kind: 'url', url: 'https://example.com/a.pdf' } },
    ]);
  });

  test('tools, tool_choice, sampling, stop sequences, metadata and stream', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'f', description: 'd', input_schema: { type: 'object' }, strict: true, cache_control: { type: 'ephemeral' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
      stream: true,
    });
    assert.deepEqual(request.tools, [{ name: 'f', description: 'd', parameters: { type: 'object' }, strict: true, cacheControl: { type: 'ephemeral' } }]);
    assert.deepEqual(request.toolChoice, { type: 'required' });
    assert.equal(request.parallelToolCalls, false);
    assert.deepEqual([request.temperature, request.topP, request.topK], [0.2, 0.9, 40]);
    assert.deepEqual(request.stopSequences, ['END']);
    assert.equal(request.user, 'u-1');
    assert.equal(request.stream, true);
  });

  test('thinking: enabled budget, disabled, adaptive with effort, display', () => {
    const decode = (extra: Record<string, unknown>): CanonicalRequest['reasoning'] =>
      decodeAnthropicRequest({ ...base, messages: [], ...extra }).reasoning;
    assert.deepEqual(decode({ thinking: { type: 'enabled', budget_tokens: 2048 } }), { budgetTokens: 2048 });
    assert.deepEqual(decode({ thinking: { type: 'disabled' } }), { effort: 'none' });
    assert.deepEqual(decode({ thinking: { type: 'adaptive' } }), { effort: 'high' });
    assert.deepEqual(decode({ thinking: { type: 'adaptive', display: 'omitted' }, output_config: { effort: 'low' } }), { effort: 'low', includeThoughts: false });
    assert.deepEqual(decode({ output_config: { effort: 'max' } }), { effort: 'xhigh' });
  });

  test('structured outputs: output_config.format and the beta output_format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    for (const extra of [{ output_config: { format: { type: 'json_schema', schema } } }, { output_format: { type: 'json_schema', schema } }]) {
      const request = decodeAnthropicRequest({ ...base, messages: [], ...extra });
      assert.deepEqual(request.responseFormat, { type: 'json-schema', name: 'output', schema, strict: true });
    }
  });

  test('errors name the field path at fault', () => {
    const image = (mediaType: string): Record<string, unknown> => ({
      ...base,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: mediaType, data: 'AAAA' } }] },
      ],
    });
    throwsAt(
      () => decodeAnthropicRequest(image('image/bmp')),
      'invalid_request',
      'messages[2].content[0].source.media_type',
      /^messages\[2\]\.content\[0\]\.source\.media_type: expected one of image\/jpeg, image\/png, image\/gif, image\/webp/,
    );
    throwsAt(() => decodeAnthropicRequest({ model: 'm', messages: [] }), 'invalid_request', 'max_tokens');
    throwsAt(() => decodeAnthropicRequest({ max_tokens: 5, messages: [] }), 'missing_model', 'model');
    throwsAt(() => decodeAnthropicRequest({ ...base, messages: [{ role: 'system', content: 'x' }] }), 'invalid_request', 'messages[0].role');
    throwsAt(
      () => decodeAnthropicRequest({ ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: [1] }] }] }),
      'invalid_request',
      'messages[0].content[0].input',
    );
    throwsAt(() => decodeAnthropicRequest({ ...base, messages: [], stop_sequences: ['a', 3] }), 'invalid_request', 'stop_sequences[1]');
    throwsAt(
      () => decodeAnthropicRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }] }),
      'invalid_request',
      'messages[0].content[0].type',
    );
  });

  test('Anthropic-only features are refused, not dropped', () => {
    throwsAt(
      () => decodeAnthropicRequest({ ...base, messages: [], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
      'unsupported_feature',
      'tools[0].type',
    );
    throwsAt(
      () => decodeAnthropicRequest({ ...base, messages: [{ role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }] }] }),
      'unsupported_feature',
      'messages[0].content[0].type',
    );
    throwsAt(() => decodeAnthropicRequest({ ...base, messages: [], mcp_servers: [{}] }), 'unsupported_feature', 'mcp_servers');
  });
});

const user = (text: string): CanonicalRequest['messages'][number] => ({ role: 'user', content: [{ type: 'text', text }] });
const request = (extra: Partial<CanonicalRequest> = {}): CanonicalRequest => ({ model: 'alias', messages: [user('hi')], stream: false, ...extra });

describe('request encode', () => {
  test('tool_choice mapping and disable_parallel_tool_use', () => {
    const tools = [{ name: 'f', parameters: { type: 'object' } }];
    assert.deepEqual(encodeAnthropicRequest(request({ tools, toolChoice: { type: 'required' } }), 'claude-sonnet-4-5').tool_choice, { type: 'any' });
    assert.deepEqual(encodeAnthropicRequest(request({ tools, toolChoice: { type: 'tool', name: 'f' } }), 'claude-sonnet-4-5').tool_choice, { type: 'tool', name: 'f' });
    assert.deepEqual(encodeAnthropicRequest(request({ tools, parallelToolCalls: false }), 'claude-sonnet-4-5').tool_choice, {
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    assert.deepEqual(encodeAnthropicRequest(request({ tools, toolChoice: { type: 'none' }, parallelToolCalls: false }), 'claude-sonnet-4-5').tool_choice, { type: 'none' });
    // A parameter-less OpenAI tool still gets an object schema.
    assert.deepEqual(encodeAnthropicRequest(request({ tools: [{ name: 'g', parameters: {} }] }), 'claude-sonnet-4-5').tools, [{ name: 'g', input_schema: { type: 'object' } }]);
  });

  test('user → metadata.user_id; seed, penalties and metadata are dropped', () => {
    const body = encodeAnthropicRequest(request({ user: 'u', seed: 7, presencePenalty: 1, frequencyPenalty: 1, metadata: { a: 'b' } }), 'claude-sonnet-4-5');
    assert.deepEqual(body.metadata, { user_id: 'u' });
    assert.deepEqual(Object.keys(body).sort(), ['max_tokens', 'messages', 'metadata', 'model', 'stream']);
  });

  test('json-schema → output_config.format; JSON mode without a schema is refused', () => {
    const schema = { type: 'object', properties: {}, additionalProperties: false };
    const body = encodeAnthropicRequest(request({ responseFormat: { type: 'json-schema', name: 'x', schema } }), 'claude-sonnet-4-5');
    assert.deepEqual(body.output_config, { format: { type: 'json_schema', schema } });
    throwsAt(() => encodeAnthropicRequest(request({ responseFormat: { type: 'json' } }), 'claude-sonnet-4-5'), 'unsupported_feature', 'responseFormat');
    throwsAt(
      () => encodeAnthropicRequest(request({ responseFormat: { type: 'json-schema', name: 'x', schema } }), 'claude-3-5-haiku-20241022'),
      'unsupported_feature',
      'responseFormat',
    );
  });

  test('n > 1 and logprobs are refused naming the field', () => {
    throwsAt(() => encodeAnthropicRequest(request({ n: 3 }), 'claude-sonnet-4-5'), 'unsupported_feature', 'n');
    throwsAt(() => encodeAnthropicRequest(request({ logprobs: { topLogprobs: 2 } }), 'claude-sonnet-4-5'), 'unsupported_feature', 'logprobs');
    assert.doesNotThrow(() => encodeAnthropicRequest(request({ n: 1 }), 'claude-sonnet-4-5'));
  });

  test('sampling: clamped to [0,1], temperature wins over top_p where exclusive, none on adaptive-only models', () => {
    const sampling = { temperature: 1.5, topP: 0.5, topK: 10 };
    const sonnet45 = encodeAnthropicRequest(request(sampling), 'claude-sonnet-4-5');
    assert.deepEqual([sonnet45.temperature, sonnet45.top_p, sonnet45.top_k], [1, undefined, 10]);
    const sonnet4 = encodeAnthropicRequest(request(sampling), 'claude-sonnet-4-20250514');
    assert.deepEqual([sonnet4.temperature, sonnet4.top_p, sonnet4.top_k], [1, 0.5, 10]);
    const opus47 = encodeAnthropicRequest(request(sampling), 'claude-opus-4-7');
    assert.deepEqual([opus47.temperature, opus47.top_p, opus47.top_k], [undefined, undefined, undefined]);
  });

  test('reasoning on adaptive models: effort → thinking adaptive + output_config.effort', () => {
    const opus47 = encodeAnthropicRequest(request({ reasoning: { effort: 'xhigh', includeThoughts: true } }), 'claude-opus-4-7');
    assert.deepEqual(opus47.thinking, { type: 'adaptive', display: 'summarized' });
    assert.deepEqual(opus47.output_config, { effort: 'xhigh' });
    // Opus 4.6 has no xhigh: the next level up.
    assert.deepEqual(encodeAnthropicRequest(request({ reasoning: { effort: 'xhigh' } }), 'claude-opus-4-6').output_config, { effort: 'max' });
    // A manual budget on an adaptive-only model becomes the effort level that covers it.
    const budget = encodeAnthropicRequest(request({ reasoning: { budgetTokens: 10_000 } }), 'claude-opus-4-7');
    assert.deepEqual([budget.thinking, budget.output_config], [{ type: 'adaptive' }, { effort: 'medium' }]);
    // Turning thinking off on an adaptive-only model leaves the model default ("disabled" is a 400 there).
    assert.equal(encodeAnthropicRequest(request({ reasoning: { effort: 'none' } }), 'claude-opus-4-7').thinking, undefined);
    assert.deepEqual(encodeAnthropicRequest(request({ reasoning: { effort: 'none' } }), 'claude-sonnet-4-5').thinking, { type: 'disabled' });
    // Models without extended thinking: reasoning is dropped.
    assert.equal(encodeAnthropicRequest(request({ reasoning: { effort: 'high' } }), 'claude-3-5-haiku-latest').thinking, undefined);
  });

  test('reasoning on budget models: effort → documented budget, kept below max_tokens', () => {
    const medium = encodeAnthropicRequest(request({ reasoning: { effort: 'medium' } }), 'claude-sonnet-4-5');
    assert.deepEqual([medium.max_tokens, medium.thinking], [64_000, { type: 'enabled', budget_tokens: 16_384 }]);
    const capped = encodeAnthropicRequest(request({ maxOutputTokens: 4000, reasoning: { effort: 'high' } }), 'claude-sonnet-4-5');
    assert.deepEqual([capped.max_tokens, capped.thinking], [4000, { type: 'enabled', budget_tokens: 2976 }]);
    const tiny = encodeAnthropicRequest(request({ maxOutputTokens: 500, reasoning: { effort: 'low' } }), 'claude-sonnet-4-5');
    assert.deepEqual([tiny.max_tokens, tiny.thinking], [1524, { type: 'enabled', budget_tokens: 1024 }]);
  });

  test('images: file sources refused, data URLs inlined, unsupported types refused with the canonical path', () => {
    const withImage = (source: MediaSource): CanonicalRequest => request({ messages: [user('a'), { role: 'user', content: [{ type: 'image', source }] }] });
    throwsAt(() => encodeAnthropicRequest(withImage({ kind: 'file', fileId: 'file-1' }), 'claude-sonnet-4-5'), 'unsupported_feature', 'messages[1].content[0].source.fileId');
    throwsAt(
      () => encodeAnthropicRequest(withImage({ kind: 'base64', mediaType: 'image/tiff', data: 'AAAA' }), 'claude-sonnet-4-5'),
      'unsupported_feature',
      'messages[1].content[0].source.mediaType',
      /expected one of image\/jpeg, image\/png, image\/gif, image\/webp, got "image\/tiff"/,
    );
    const body = encodeAnthropicRequest(withImage({ kind: 'url', url: 'data:image/jpg;base64,_9j_4A' }), 'claude-sonnet-4-5');
    assert.deepEqual(body.messages[0]?.content[1], { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4A==' } });
  });

  test('documents: text/plain back to a text source, other media types refused', () => {
    const doc = (mediaType: string, data: string): CanonicalRequest =>
      request({ messages: [{ role: 'user', content: [{ type: 'document', source: { kind: 'base64', mediaType, data }, title: 'T' }] }] });
    const body = encodeAnthropicRequest(doc('text/plain', Buffer.from('hello').toString('base64')), 'claude-sonnet-4-5');
    assert.deepEqual(body.messages[0]?.content[0], { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hello' }, title: 'T' });
    throwsAt(() => encodeAnthropicRequest(doc('application/msword', 'AAAA'), 'claude-sonnet-4-5'), 'unsupported_feature', 'messages[0].content[0].source.mediaType');
  });

  test('tool-call arguments that are not a JSON object are refused with the path', () => {
    const bad = request({
      messages: [user('x'), { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'f', arguments: '{"a":' }] }],
    });
    throwsAt(() => encodeAnthropicRequest(bad, 'claude-sonnet-4-5'), 'invalid_request', 'messages[1].content[0].arguments');
  });

  test('foreign tool ids are made Anthropic-safe the same way in the call and its result', () => {
    const body = encodeAnthropicRequest(
      request({
        messages: [
          user('x'),
          { role: 'assistant', content: [{ type: 'tool-call', id: 'functions.get:0', name: 'get', arguments: '{}' }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'functions.get:0', content: [{ type: 'text', text: 'ok' }] }] },
        ],
      }),
      'claude-sonnet-4-5',
    );
    assert.deepEqual(body.messages[1]?.content[0], { type: 'tool_use', id: 'functions_get_0', name: 'get', input: {} });
    assert.deepEqual(body.messages[2]?.content[0], { type: 'tool_result', tool_use_id: 'functions_get_0', content: [{ type: 'text', text: 'ok' }] });
  });

  test('a prefilled final assistant turn loses trailing whitespace', () => {
    const body = encodeAnthropicRequest(request({ messages: [user('x'), { role: 'assistant', content: [{ type: 'text', text: 'The answer is ' }] }] }), 'claude-sonnet-4-5');
    assert.deepEqual(body.messages[1], { role: 'assistant', content: [{ type: 'text', text: 'The answer is' }] });
  });

  test('unknown models get the documented fallback max_tokens; known ones cap an oversize request', () => {
    assert.equal(encodeAnthropicRequest(request(), 'some-compatible-model').max_tokens, 8192);
    assert.equal(encodeAnthropicRequest(request({ maxOutputTokens: 200_000 }), 'claude-haiku-4-5').max_tokens, 64_000);
    assert.equal(encodeAnthropicRequest(request({ maxOutputTokens: 200_000 }), 'some-compatible-model').max_tokens, 200_000);
  });
});
