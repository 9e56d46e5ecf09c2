import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson } from '../../../testing/conformance.js';
import { completeModel } from '../../catalog.js';
import type { EmulatorError } from '../../errors.js';
import { promptTokenSequence } from '../../generate/prompt-tokens.js';
import type { PromptMessage } from '../../types.js';
import type { DecodedRequest } from '../protocol.js';
import { ReasoningVault } from './encrypted-content.js';
import { renderResponsesError } from './errors.js';
import { createOpenAiResponsesProtocol, type ResponsesRenderOptions } from './index.js';
import { ResponseStore } from './store.js';

type Decoded = DecodedRequest<ResponsesRenderOptions>;

function setup(seed = 0) {
  const store = new ResponseStore();
  const vault = new ReasoningVault(seed);
  const protocol = createOpenAiResponsesProtocol({ store, vault });
  const decode = (body: unknown): Decoded | EmulatorError => protocol.decode(body, {});
  const ok = (body: unknown): Decoded => {
    const decoded = decode(body);
    assert.ok('prompt' in decoded, `expected success, got ${JSON.stringify(decoded)}`);
    return decoded;
  };
  const fails = (body: unknown): EmulatorError => {
    const decoded = decode(body);
    assert.ok(!('prompt' in decoded), 'expected an error');
    return decoded;
  };
  return { store, vault, protocol, ok, fails };
}

const recorded = (file: string): Record<string, unknown> => readConformanceJson('openai', file) as Record<string, unknown>;
const seal = (vault: ReasoningVault, itemId = 'rs_1'): string => vault.seal({ itemId, model: 'gpt-5.5-2026-04-23', reasoningTokens: 128 }, Buffer.alloc(16, 3), 1_778_037_176);

describe('Responses request decoding', () => {
  it('reads the recorded requests', () => {
    const { ok } = setup();
    const text = ok(recorded('responses-text.request.json'));
    assert.deepEqual(text.prompt.messages, [{ role: 'user', parts: [{ type: 'text', text: 'Reply with exactly: pong' }] }]);
    assert.equal(text.prompt.reasoningEffort, 'low');
    assert.equal(text.options.store, false);
    assert.equal(text.options.includeEncryptedReasoning, true);

    const result = ok(recorded('responses-tool-result.request.json'));
    assert.deepEqual(result.prompt.messages.map((message) => message.role), ['user', 'assistant', 'tool']);
    assert.deepEqual(result.prompt.messages[2]?.parts, [{ type: 'tool-result', callId: 'call_sVidsfFJ6zlzRpelrPkTPlpd', name: 'multiply', content: '2869461' }]);
    assert.equal(result.streaming, true);
    assert.deepEqual(result.prompt.tools.map((tool) => tool.name), ['multiply']);

    const summary = ok(recorded('responses-reasoning-summary.request.json'));
    assert.equal(summary.options.reasoningSummary, 'detailed');
  });

  it('rejects OpenAI-made encrypted reasoning it cannot verify, quoting the token as OpenAI does', () => {
    const error = setup().fails(recorded('responses-reasoning-roundtrip.request.json'));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_encrypted_content');
    assert.match(error.message, /^The encrypted content gAAA\.\.\.\S{4} could not be verified\./);
    assert.equal(error.param, undefined);
  });

  it('accepts its own sealed reasoning, and refuses it from an emulator with another seed or after an edit', () => {
    const { ok, vault } = setup(1);
    const blob = seal(vault);
    const input = (content: string) => [
      { role: 'user', content: 'Use the tool' },
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: content },
      { type: 'function_call', call_id: 'call_1', name: 'get_file', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'done' },
    ];
    ok({ model: 'gpt-5.5', input: input(blob) });
    assert.equal(setup(2).fails({ model: 'gpt-5.5', input: input(blob) }).code, 'invalid_encrypted_content');
    const edited = `${blob.slice(0, 40)}${blob[40] === 'A' ? 'B' : 'A'}${blob.slice(41)}`;
    assert.equal(setup(1).fails({ model: 'gpt-5.5', input: input(edited) }).code, 'invalid_encrypted_content');
  });

  it('answers a reasoning item it never stored with a 404, and one without id or content with a missing parameter', () => {
    const { fails } = setup();
    const missing = fails({ model: 'gpt-5.5', input: [{ role: 'user', content: 'hi' }, { type: 'reasoning', id: 'rs_gone', summary: [] }] });
    assert.equal(missing.status, 404);
    assert.match(missing.message, /^Item with id 'rs_gone' not found\. Items are not persisted when `store` is set to false\./);
    const body = JSON.parse(renderResponsesError(missing).body) as { error: { param: string; code: null; type: string } };
    assert.deepEqual([body.error.param, body.error.code, body.error.type], ['input', null, 'invalid_request_error']);
    const bare = fails({ model: 'gpt-5.5', input: [{ role: 'user', content: 'hi' }, { type: 'reasoning', summary: [] }] });
    assert.equal(bare.param, 'input[1].encrypted_content');
  });

  it('pairs function calls and outputs by call_id', () => {
    const { fails, ok } = setup();
    const orphan = fails({ model: 'gpt-5.5', input: [{ role: 'user', content: 'hi' }, { type: 'function_call_output', call_id: 'call_x', output: '1' }] });
    assert.equal(orphan.message, 'No tool call found for function call output with call_id call_x.');
    assert.equal(orphan.param, 'input');
    const unanswered = fails({ model: 'gpt-5.5', input: [{ role: 'user', content: 'hi' }, { type: 'function_call', call_id: 'call_y', name: 'f', arguments: '{}' }, { role: 'user', content: 'and?' }] });
    assert.equal(unanswered.message, 'No tool output found for function call call_y.');
    // Outputs may come later than right after their call, and several calls form one assistant turn.
    const decoded = ok({
      model: 'gpt-5.5',
      input: [
        { role: 'user', content: 'weather in Oslo and Rome' },
        { type: 'function_call', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call', call_id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'call_b', output: 'sunny' },
        { type: 'function_call_output', call_id: 'call_a', output: 'rain' },
      ],
    });
    assert.deepEqual(decoded.prompt.messages.map((message) => [message.role, message.parts.length]), [['user', 1], ['assistant', 2], ['tool', 1], ['tool', 1]]);
  });

  it('continues a stored response by previous_response_id, without its instructions', () => {
    const { ok, fails, store } = setup();
    const unknown = fails({ model: 'gpt-5.5', previous_response_id: 'resp_nope', input: 'next' });
    assert.deepEqual([unknown.status, unknown.code, unknown.param, unknown.message], [400, 'previous_response_not_found', 'previous_response_id', "Previous response with id 'resp_nope' not found."]);
    const earlier: PromptMessage[] = [
      { role: 'user', parts: [{ type: 'text', text: 'What is the weather in Oslo?' }] },
      { role: 'assistant', parts: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', argumentsJson: '{"city":"Oslo"}' }] },
    ];
    store.save('resp_1', earlier, new Map());
    // The stored turn ended in a call: the next input must answer it.
    assert.equal(fails({ model: 'gpt-5.5', previous_response_id: 'resp_1', input: 'thanks' }).message, 'No tool output found for function call call_1.');
    const decoded = ok({ model: 'gpt-5.5', previous_response_id: 'resp_1', instructions: 'Be brief.', input: [{ type: 'function_call_output', call_id: 'call_1', output: '7°C' }] });
    assert.deepEqual(decoded.prompt.messages.map((message) => message.role), ['system', 'user', 'assistant', 'tool']);
    assert.equal(decoded.options.conversation.length, 3, 'the stored conversation leaves instructions out');
    assert.equal(decoded.options.echo.previous_response_id, 'resp_1');
  });

  it('checks which content parts a role may carry, in OpenAI words', () => {
    const { fails } = setup();
    const assistant = fails({ model: 'gpt-5.5', input: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }] });
    assert.deepEqual([assistant.message, assistant.param, assistant.code], ["Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.", 'input[1].content[0]', 'invalid_value']);
    const user = fails({ model: 'gpt-5.5', input: [{ type: 'message', role: 'user', content: [{ type: 'output_text', text: 'x' }] }] });
    assert.equal(user.message, "Invalid value: 'output_text'. Supported values are: 'input_text', 'input_image', and 'input_file'.");
  });

  it('words a bad temperature exactly like the recorded 400', () => {
    const error = setup().fails({ model: 'gpt-5.5', input: 'hi', temperature: -1 });
    assert.deepEqual(JSON.parse(renderResponsesError(error).body), recorded('responses-error-400.json'));
  });

  it('enforces bounds and required fields', () => {
    const { fails } = setup();
    const small = fails({ model: 'gpt-5.5', input: 'hi', max_output_tokens: 5 });
    assert.deepEqual([small.code, small.message], ['integer_below_min_value', "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 5 instead."]);
    assert.equal(fails({ model: 'gpt-5.5' }).code, 'missing_required_parameter');
    assert.equal(fails({ input: 'hi' }).param, 'model');
    assert.equal(fails({ model: 'gpt-5.5', input: [] }).code, 'empty_array');
    assert.equal(fails({ model: 'gpt-5.5', input: [{ type: 'telepathy' }] }).code, 'invalid_value');
    assert.equal(fails({ model: 'gpt-5.5', input: 'hi', include: ['everything'] }).code, 'invalid_value');
  });

  it('needs the word json for json_object, and checks explicit strict schemas', () => {
    const { fails, ok } = setup();
    assert.match(fails({ model: 'gpt-5.5', input: 'list three colours', text: { format: { type: 'json_object' } } }).message, /must contain the word 'json'/);
    assert.deepEqual(ok({ model: 'gpt-5.5', input: 'list three colours as JSON', text: { format: { type: 'json_object' } } }).prompt.responseFormat, { type: 'json-object' });
    const strict = fails({
      model: 'gpt-5.5', input: 'hi',
      tools: [{ type: 'function', name: 'get_weather', strict: true, parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city'], additionalProperties: false } }],
    });
    assert.deepEqual([strict.param, strict.code], ['tools[0].parameters', 'invalid_function_parameters']);
    assert.equal(strict.message, "Invalid schema for function 'get_weather': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'unit'.");
    const nested = fails({ model: 'gpt-5.5', input: 'hi', text: { format: { type: 'json_schema', name: 'r', strict: true, schema: { type: 'object', properties: { inner: { type: 'object', properties: {} } }, required: ['inner'], additionalProperties: false } } } });
    assert.match(nested.message, /^Invalid schema for response_format 'r': In context=\('properties', 'inner'\), 'additionalProperties'/);
  });

  it('refuses unknown tool kinds at once and hosted tools for the model', () => {
    const { fails, ok, protocol } = setup();
    assert.equal(fails({ model: 'gpt-5.5', input: 'hi', tools: [{ type: 'teleport' }] }).param, 'tools[0].type');
    const decoded = ok({ model: 'gpt-5.5', input: 'hi', tools: [{ type: 'web_search' }] });
    const error = protocol.checkModel?.(decoded, completeModel('gpt-5.5', {}, undefined));
    assert.equal(error?.message, "Hosted tool 'web_search' is not supported with gpt-5.5-2026-04-23.");
    const plain = completeModel('small-model', { reasoning: false }, undefined);
    assert.equal(protocol.checkModel?.(ok({ model: 'small-model', input: 'hi', reasoning: { effort: 'low' } }), plain)?.code, 'unsupported_parameter');
    assert.equal(protocol.checkModel?.(ok({ model: 'small-model', input: 'hi', include: ['reasoning.encrypted_content'] }), plain)?.message, 'Encrypted content is not supported with this model.');
  });

  it('counts images in tool output in the tool turn, and narrows tools with allowed_tools', () => {
    const { ok } = setup();
    // The recorded request, minus its reasoning item (OpenAI's blob cannot verify here).
    const image = recorded('responses-image-in-tool-output.request.json');
    const input = (image.input as Array<{ type?: string }>).filter((item) => item.type !== 'reasoning');
    const withImage = ok({ ...image, input });
    const textOnly = ok({ ...image, input: input.map((item) => (item.type === 'function_call_output' ? { ...item, output: '' } : item)) });
    assert.deepEqual(withImage.prompt.messages.map((message) => message.role), ['user', 'assistant', 'tool']);
    assert.equal(withImage.prompt.messages[2]?.parts[1]?.type, 'image');
    assert.equal(promptTokenSequence(withImage.prompt).length - promptTokenSequence(textOnly.prompt).length, 765);

    const narrowed = ok({
      model: 'gpt-5.5', input: 'hi',
      tools: [{ type: 'function', name: 'a', parameters: {} }, { type: 'function', name: 'b', parameters: {} }],
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'b' }] },
    });
    assert.deepEqual(narrowed.prompt.tools.map((tool) => tool.name), ['b']);
    assert.deepEqual(narrowed.prompt.toolChoice, { type: 'required' });
  });

  it('resolves an item_reference to a stored output item', () => {
    const { ok, fails, store } = setup();
    store.save('resp_1', [], new Map([['msg_1', { kind: 'message', message: { role: 'assistant', parts: [{ type: 'text', text: 'Earlier answer' }] } }]]));
    const decoded = ok({ model: 'gpt-5.5', input: [{ role: 'user', content: 'hi' }, { type: 'item_reference', id: 'msg_1' }, { role: 'user', content: 'more' }] });
    assert.deepEqual(decoded.prompt.messages[1], { role: 'assistant', parts: [{ type: 'text', text: 'Earlier answer' }] });
    assert.equal(fails({ model: 'gpt-5.5', input: [{ type: 'item_reference', id: 'msg_404' }] }).status, 404);
  });
});
