import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conformanceFiles, readConformanceJson } from '../../../testing/conformance.js';
import { decodeCountTokensRequest } from './request.js';
import { decodeError, decodeOk, weatherTool } from './test-support.js';
import { signThinking } from './thinking-signature.js';

const user = (content: unknown) => ({ role: 'user', content });
const assistant = (content: unknown) => ({ role: 'assistant', content });
const base = { model: 'claude-sonnet-4-6', max_tokens: 2048 };

describe('decodeMessagesRequest: schema errors in Anthropic wording', () => {
  it('names missing, mistyped, unknown and out-of-range fields like pydantic does', () => {
    assert.equal(decodeError({ model: 'claude-sonnet-4-6', messages: [user('hi')] }), 'max_tokens: Field required');
    assert.equal(decodeError({ ...base, max_tokens: '10', messages: [user('hi')] }), 'max_tokens: Input should be a valid integer');
    assert.equal(decodeError({ ...base, max_tokens: 0, messages: [user('hi')] }), 'max_tokens: Input should be greater than or equal to 1');
    assert.equal(decodeError({ ...base, messages: [{ role: 'system', content: 'x' }] }), "messages.0.role: Input should be 'user' or 'assistant'");
    assert.equal(decodeError({ ...base, messages: [user('hi')], reasoning_effort: 'high' }), 'reasoning_effort: Extra inputs are not permitted');
    assert.equal(decodeError({ ...base, messages: [user([{ type: 'text' }])] }), 'messages.0.content.0.text: Field required');
    assert.match(decodeError({ ...base, messages: [user([{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AAAA' } }])] }),
      /^messages\.0\.content\.0\.source\.media_type: Input should be 'image\/jpeg', 'image\/png', 'image\/gif' or 'image\/webp'$/);
    assert.match(decodeError({ ...base, messages: [user([{ type: 'video' }])] }), /^messages\.0\.content\.0\.type: Input tag 'video' found using 'type' does not match any of the expected tags: 'text', 'image'/);
  });

  it('decodes every recorded request except the one whose signature only Anthropic could verify', () => {
    const requests = conformanceFiles('anthropic').filter((file) => file.endsWith('.request.json'));
    assert.ok(requests.length >= 6);
    for (const file of requests) {
      const body = readConformanceJson('anthropic', file);
      if (file === 'messages-thinking-tool-result.request.json') {
        assert.equal(decodeError(body), 'messages.1.content.0: Invalid `signature` in `thinking` block');
        continue;
      }
      decodeOk(body);
    }
  });
});

describe('decodeMessagesRequest: conversation rules', () => {
  it('requires a first user turn and non-empty content', () => {
    assert.equal(decodeError({ ...base, messages: [] }), 'messages: at least one message is required');
    assert.equal(decodeError({ ...base, messages: [assistant('Hi'), user('hi')] }), 'messages: first message must use the "user" role');
    assert.equal(decodeError({ ...base, messages: [user([{ type: 'text', text: '' }])] }), 'messages: text content blocks must be non-empty');
    assert.equal(decodeError({ ...base, messages: [user([])] }), 'messages.0: all messages must have non-empty content except for the optional final assistant message');
    assert.equal(decodeError({ ...base, system: [{ type: 'text', text: '' }], messages: [user('hi')] }), 'system: text content blocks must be non-empty');
    assert.equal(decodeError({ ...base, messages: [user('hi'), assistant('Sure ')] }), 'messages: final assistant content cannot end with trailing whitespace');
  });

  it('pairs tool_use with tool_result blocks at the start of the next turn, as the recorded error says', () => {
    const recorded = readConformanceJson('anthropic', 'messages-error-400-tool-use-without-result.json') as { error: { message: string } };
    // The call id the recorded error names, so the whole message can be compared.
    const id = /immediately after: (\S+)\./.exec(recorded.error.message)?.[1] ?? '';
    const call = { type: 'tool_use', id, name: 'get_weather', input: { city: 'Oslo' } };
    const result = { type: 'tool_result', tool_use_id: id, content: '7°C' };
    const ask = user('Weather in Oslo?');
    assert.equal(decodeError({ ...base, tools: [weatherTool], messages: [ask, assistant([call]), user('and?')] }), recorded.error.message);
    // A result after text does not answer the call.
    assert.equal(decodeError({ ...base, tools: [weatherTool], messages: [ask, assistant([call]), user([{ type: 'text', text: 'here' }, result])] }), recorded.error.message);
    assert.equal(
      decodeError({ ...base, tools: [weatherTool], messages: [ask, assistant('No call.'), user([{ ...result, tool_use_id: 'toolu_nope' }])] }),
      'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_nope. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
    );
    const decoded = decodeOk({ ...base, tools: [weatherTool], messages: [ask, assistant([call]), user([result, { type: 'text', text: 'Thanks' }])] });
    assert.deepEqual(decoded.prompt.messages.map((message) => message.role), ['user', 'assistant', 'tool', 'user']);
    assert.deepEqual(decoded.prompt.messages[2]?.parts, [{ type: 'tool-result', callId: id, name: 'get_weather', content: '7°C' }]);
  });

  it('checks thinking budgets, forced tools and temperature', () => {
    const messages = [user('hi')];
    assert.equal(decodeError({ ...base, messages, thinking: { type: 'enabled', budget_tokens: 1000 } }), 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    assert.match(decodeError({ ...base, max_tokens: 1024, messages, thinking: { type: 'enabled', budget_tokens: 1024 } }), /^`max_tokens` must be greater than `thinking.budget_tokens`/);
    assert.equal(decodeError({ ...base, messages, tools: [weatherTool], tool_choice: { type: 'any' }, thinking: { type: 'adaptive' } }), 'Thinking may not be enabled when tool_choice forces tool use.');
    assert.match(decodeError({ ...base, messages, temperature: 0.5, thinking: { type: 'enabled', budget_tokens: 1024 } }), /^`temperature` may only be set to 1 when thinking is enabled/);
    assert.equal(decodeOk({ ...base, messages, thinking: { type: 'enabled', budget_tokens: 1024 } }).prompt.reasoningEffort, 'low');
    assert.equal(decodeOk({ ...base, max_tokens: 64_000, messages, thinking: { type: 'adaptive' }, output_config: { effort: 'max' } }).prompt.reasoningEffort, 'xhigh');
    // Adaptive thinking leaves room for the answer: half of max_tokens at most.
    assert.equal(decodeOk({ ...base, max_tokens: 600, messages, thinking: { type: 'adaptive' } }).prompt.reasoningEffort, 'low');
    assert.equal(decodeOk({ ...base, messages }).prompt.reasoningEffort, undefined);
  });

  it('accepts replayed thinking only with the signature the emulator gave it', () => {
    const thought = 'The user wants the weather in Oslo.';
    const call = { type: 'tool_use', id: 'toolu_01abc', name: 'get_weather', input: { city: 'Oslo' } };
    const conversation = (thinkingBlock: Record<string, unknown>) => ({
      ...base,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [weatherTool],
      messages: [user('Weather in Oslo?'), assistant([thinkingBlock, call]), user([{ type: 'tool_result', tool_use_id: 'toolu_01abc', content: '7°C' }])],
    });
    decodeOk(conversation({ type: 'thinking', thinking: thought, signature: signThinking(thought, thought) }));
    // Omitted display: empty text, the signature still verifies.
    decodeOk(conversation({ type: 'thinking', thinking: '', signature: signThinking(thought, '') }));
    assert.equal(decodeError(conversation({ type: 'thinking', thinking: `${thought} (edited)`, signature: signThinking(thought, thought) })), 'messages.1.content.0: Invalid `signature` in `thinking` block');
    assert.equal(decodeError(conversation({ type: 'thinking', thinking: thought, signature: '' })), 'messages.1.content.0: Invalid `signature` in `thinking` block');
    assert.equal(decodeError(conversation({ type: 'thinking', thinking: thought })), 'messages.1.content.0.signature: Field required');
    // Thinking on, and the tool-calling turn lost its thinking block.
    assert.match(
      decodeError({ ...conversation({ type: 'text', text: 'Checking.' }) }),
      /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `text`\. When `thinking` is enabled/,
    );
  });

  it('counts cache breakpoints everywhere and refuses a fifth', () => {
    const marked = (text: string) => ({ type: 'text', text, cache_control: { type: 'ephemeral' } });
    const body = {
      ...base,
      tools: [{ ...weatherTool, cache_control: { type: 'ephemeral', ttl: '1h' } }],
      system: [marked('You are terse.')],
      messages: [user([marked('one'), marked('two')])],
    };
    const decoded = decodeOk(body);
    assert.deepEqual(decoded.options.breakpoints, [
      { at: 'tools', toolIndex: 0, ttl: '1h' },
      { at: 'message', message: 0, parts: 1, ttl: '5m' },
      { at: 'message', message: 1, parts: 1, ttl: '5m' },
      { at: 'message', message: 1, parts: 2, ttl: '5m' },
    ]);
    assert.equal(decodeError({ ...body, cache_control: { type: 'ephemeral' } }), 'A maximum of 4 blocks with cache_control may be provided. Found 5.');
  });

  it('maps tool choice, parallel calls, stop sequences and structured output onto the prompt', () => {
    const { prompt } = decodeOk({
      ...base,
      tools: [weatherTool, { type: 'web_search_20250305', name: 'web_search' }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
      messages: [user('hi')],
    });
    assert.deepEqual(prompt.tools.map((tool) => tool.name), ['get_weather'], 'server tools are never called');
    assert.deepEqual(prompt.toolChoice, { type: 'required' });
    assert.equal(prompt.parallelToolCalls, false);
    assert.deepEqual(prompt.stopSequences, ['END']);
    assert.equal(prompt.responseFormat.type, 'json-schema');
  });
});

describe('decodeCountTokensRequest', () => {
  it('needs no max_tokens and refuses fields only messages takes', () => {
    const decoded = decodeCountTokensRequest({ model: 'claude-sonnet-4-6', system: 'Be brief.', messages: [user('hi')] });
    assert.ok('prompt' in decoded);
    assert.equal(decoded.prompt.messages[0]?.role, 'system');
    const refused = decodeCountTokensRequest({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [user('hi')] });
    assert.ok(!('prompt' in refused));
    assert.equal(refused.message, 'max_tokens: Extra inputs are not permitted');
  });
});
