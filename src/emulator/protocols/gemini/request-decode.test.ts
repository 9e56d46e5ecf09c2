import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson } from '../../../testing/conformance.js';
import type { EmulatorError } from '../../errors.js';
import { decodeGeminiRequest, type DecodedGemini } from './request-decode.js';
import { thinkingEffort } from './thinking.js';

function decode(body: unknown, flavor: 'gemini' | 'vertex' = 'gemini', model = 'gemini-3.1-pro'): DecodedGemini {
  const decoded = decodeGeminiRequest(body, flavor, model);
  assert.ok('prompt' in decoded, `expected success, got ${JSON.stringify(decoded)}`);
  return decoded;
}

function refusal(body: unknown, flavor: 'gemini' | 'vertex' = 'gemini'): EmulatorError {
  const decoded = decodeGeminiRequest(body, flavor, 'gemini-3.1-pro');
  assert.ok(!('prompt' in decoded), 'expected a 400');
  assert.equal(decoded.status, 400);
  return decoded;
}

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const call = (name: string, extra: Record<string, unknown> = {}) => ({ functionCall: { name, args: {} }, ...extra });
const result = (name: string) => ({ functionResponse: { name, response: { ok: true } } });

describe('decodeGeminiRequest', () => {
  it('reads a recorded parallel-results request: system, calls, results paired, allowed functions', () => {
    const { prompt } = decode(readConformanceJson('gemini', 'generate-parallel-results.request.json'), 'gemini', 'gemini-3-flash');
    assert.deepEqual(prompt.messages.map((message) => message.role), ['system', 'assistant', 'tool']);
    const calls = prompt.messages[1]?.parts.filter((part) => part.type === 'tool-call') ?? [];
    const results = prompt.messages[2]?.parts ?? [];
    assert.equal(calls.length, 3);
    assert.deepEqual(results.map((part) => part.type === 'tool-result' && part.callId), calls.map((part) => part.type === 'tool-call' && part.id));
    assert.equal(results[1]?.type === 'tool-result' && results[1].content, '{"return_value":"penguins"}');
    // ANY with two allowed names of two declared: required, both tools kept.
    assert.deepEqual(prompt.toolChoice, { type: 'required' });
    assert.deepEqual(prompt.tools.map((tool) => tool.name), ['generate_topic', 'final_result']);
  });

  it('splits a user turn holding results and an image into a tool message then a user message', () => {
    const { prompt, options } = decode(readConformanceJson('gemini', 'generate-image-inline-after-tool.request.json'), 'gemini', 'gemini-2.5-flash');
    assert.deepEqual(prompt.messages.map((message) => message.role), ['user', 'assistant', 'tool', 'user']);
    const image = prompt.messages[3]?.parts.find((part) => part.type === 'image');
    assert.match(image?.type === 'image' ? image.url : '', /^data:image\/jpeg;base64,_9j_/);
    assert.equal(options.imageCount, 1);
  });

  it('pairs id-less responses with id-less calls by name, in order', () => {
    const { prompt } = decode({ contents: [user('go'), { role: 'model', parts: [call('a'), call('b'), call('a')] }, { role: 'user', parts: [result('b'), result('a'), result('a')] }] });
    const ids = (prompt.messages[2]?.parts ?? []).map((part) => part.type === 'tool-result' && part.callId);
    assert.deepEqual(ids, ['call_1_1', 'call_1_0', 'call_1_2']);
  });

  it('maps legacy OpenAPI parameters and responseSchema to JSON Schema', () => {
    const { prompt } = decode({
      contents: [user('weather?')],
      tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING', nullable: true } }, required: ['city'] } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'ARRAY', items: { type: 'INTEGER' } } },
    });
    assert.deepEqual(prompt.tools[0]?.parameters, { type: 'object', properties: { city: { type: ['string', 'null'] } }, required: ['city'] });
    assert.deepEqual(prompt.toolChoice, { type: 'tool', name: 'get_weather' });
    assert.deepEqual(prompt.responseFormat, { type: 'json-schema', name: 'response', schema: { type: 'array', items: { type: 'integer' } } });
  });

  it('carries generation settings: limit, candidates, stops, seed, logprobs, thinking', () => {
    const { prompt, options } = decode({
      contents: [user('hi')],
      generationConfig: { maxOutputTokens: 50, candidateCount: 2, stopSequences: ['END'], seed: 4, responseLogprobs: true, logprobs: 3, thinkingConfig: { thinkingLevel: 'LOW', includeThoughts: true } },
    });
    assert.equal(prompt.maxOutputTokens, 50);
    assert.equal(prompt.choiceCount, 2);
    assert.deepEqual(prompt.stopSequences, ['END']);
    assert.equal(prompt.samplingSeed, 4);
    assert.equal(prompt.logprobsTop, 3);
    assert.equal(prompt.reasoningEffort, 'low');
    assert.equal(options.includeThoughts, true);
    assert.equal(decode({ contents: [user('hi')], generationConfig: { responseMimeType: 'text/plain' } }).prompt.responseFormat.type, 'text');
  });

  it('thinks by default, within a budget, and not at all with budget 0 where the model allows', () => {
    assert.equal(thinkingEffort('gemini-3.1-pro', undefined), 'high');
    assert.equal(thinkingEffort('gemini-2.5-flash', undefined), 'medium');
    assert.equal(thinkingEffort('gemini-2.5-flash', { thinkingBudget: 0 }), undefined);
    assert.equal(thinkingEffort('gemini-3.1-pro', { thinkingBudget: 0 }), 'minimal');
    assert.equal(thinkingEffort('gemini-2.5-flash', { thinkingBudget: 1024 }), 'medium');
    assert.equal(thinkingEffort('gemini-2.5-flash', { thinkingBudget: 300 }), 'low');
    assert.equal(thinkingEffort('gemini-2.5-flash', { thinkingBudget: -1 }), 'medium');
  });

  describe('request rules', () => {
    it('needs contents, non-empty parts and one data field per part', () => {
      assert.equal(refusal({}).message, '* GenerateContentRequest.contents: contents is not specified\n');
      assert.equal(refusal({ contents: [{ role: 'user', parts: [] }] }).message, '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n');
      assert.equal(refusal({ contents: [{ role: 'user', parts: [{ thought: true }] }] }).message, "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n");
      assert.match(refusal({ contents: [] }, 'vertex').message, /^Unable to submit request because/);
    });

    it('takes user and model roles; AI Studio defaults a missing role, Vertex refuses it', () => {
      assert.equal(refusal({ contents: [{ role: 'assistant', parts: [{ text: 'hi' }] }] }).message, 'Please use a valid role: user, model.');
      assert.equal(decode({ contents: [{ parts: [{ text: 'hi' }] }] }).prompt.messages[0]?.role, 'user');
      assert.equal(refusal({ contents: [{ parts: [{ text: 'hi' }] }] }, 'vertex').message, 'Please use a valid role: user, model.');
    });

    it('Vertex refuses empty user text but keeps an empty signed model part', () => {
      assert.match(refusal({ contents: [user('')] }, 'vertex').message, /empty text parameter/);
      decode({ contents: [user('a'), { role: 'model', parts: [{ text: '', thoughtSignature: 'c2tpcA==' }] }, user('b')] }, 'vertex');
    });

    it('answers every function call turn with as many responses, right after it', () => {
      const calls = { role: 'model', parts: [call('a'), call('b')] };
      assert.equal(refusal({ contents: [user('go'), calls, { role: 'user', parts: [result('a')] }] }).message,
        'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
      assert.equal(refusal({ contents: [user('go'), calls, user('and?')] }).message,
        'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
      assert.equal(refusal({ contents: [user('go'), { role: 'user', parts: [result('a')] }] }).message,
        'Please ensure that function response turn comes immediately after a function call turn.');
      assert.equal(refusal({ contents: [user('go'), { role: 'model', parts: [{ text: 'ok' }] }, { role: 'model', parts: [call('a')] }, { role: 'user', parts: [result('a')] }] }).message,
        'Please ensure that function call turn comes immediately after a user turn or after a function response turn.');
      decode({ contents: [user('go'), calls, { role: 'user', parts: [result('b'), result('a')] }] });
    });

    it('checks function names, function response names and the response MIME type', () => {
      assert.match(refusal({ contents: [user('x')], tools: [{ functionDeclarations: [{ name: '9lives' }] }] }).message, /tools\[0\]\.function_declarations\[0\]\.name: Invalid function name/);
      assert.match(refusal({ contents: [user('go'), { role: 'model', parts: [call('a')] }, { role: 'user', parts: [{ functionResponse: { response: {} } }] }] }).message, /function_response\.name: Name cannot be empty/);
      assert.match(refusal({ contents: [user('x')], generationConfig: { responseMimeType: 'text/html' } }).message, /allowed mimetypes are/);
      assert.match(refusal({ contents: [user('x')], generationConfig: { thinkingConfig: { thinkingBudget: 100, thinkingLevel: 'LOW' } } }).message, /one of thinking budget and thinking level/);
    });
  });
});
