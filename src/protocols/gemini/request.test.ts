import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalRequest } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { decodeGeminiRequest } from './request-decode.js';
import { encodeGeminiRequest } from './request-encode.js';

const context = { model: 'gemini-2.5-flash', stream: false };
const user = (text: string) => ({ role: 'user', parts: [{ text }] });

function decode(body: Record<string, unknown>): CanonicalRequest {
  return decodeGeminiRequest(body, context);
}

function rejects(action: () => unknown, code: string, param: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.param, param);
    return true;
  });
}

function request(partial: Partial<CanonicalRequest>): CanonicalRequest {
  return { model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], ...partial };
}

describe('gemini request decode', () => {
  it('takes the model and streaming from the URL context, stripping "models/"', () => {
    const decoded = decodeGeminiRequest({ contents: [user('x')] }, { model: 'models/gemini-3-pro-preview', stream: true });
    assert.equal(decoded.model, 'gemini-3-pro-preview');
    assert.equal(decoded.stream, true);
    rejects(() => decodeGeminiRequest({ contents: [user('x')] }), 'missing_model', 'model');
  });

  it('accepts snake_case and camelCase field names alike', () => {
    const snake = decode({
      contents: [{ role: 'user', parts: [{ inline_data: { mime_type: 'image/png', data: 'AAAA' } }] }],
      system_instruction: { parts: [{ text: 'sys' }] },
      generation_config: { max_output_tokens: 10, top_k: 3, stop_sequences: ['x'], thinking_config: { thinking_budget: 100, include_thoughts: true } },
      tool_config: { function_calling_config: { mode: 'ANY', allowed_function_names: ['f'] } },
      tools: [{ function_declarations: [{ name: 'f', parameters_json_schema: { type: 'object' } }] }],
    });
    const camel = decode({
      contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }] }],
      systemInstruction: { parts: [{ text: 'sys' }] },
      generationConfig: { maxOutputTokens: 10, topK: 3, stopSequences: ['x'], thinkingConfig: { thinkingBudget: 100, includeThoughts: true } },
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } },
      tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object' } }] }],
    });
    assert.deepEqual(snake, camel);
    assert.deepEqual(camel.toolChoice, { type: 'tool', name: 'f' });
    assert.deepEqual(camel.reasoning, { budgetTokens: 100, includeThoughts: true });
  });

  it('maps inlineData by MIME type, normalising base64url and image/jpg', () => {
    const decoded = decode({
      contents: [
        {
          role: 'user',
          parts: [{ inlineData: { mimeType: 'image/jpg', data: '_9j_4A' } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0' } }],
        },
      ],
    });
    assert.deepEqual(decoded.messages[0]?.content, [
      { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4A==' } },
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it('maps fileData: https → url source, gs:// and files/ → file source', () => {
    const decoded = decode({
      contents: [
        {
          role: 'user',
          parts: [
            { fileData: { fileUri: 'https://example.com/a.png' } },
            { fileData: { fileUri: 'gs://bucket/doc.pdf', mimeType: 'application/pdf' } },
            { fileData: { fileUri: 'files/abc123', mimeType: 'image/webp' } },
          ],
        },
      ],
    });
    assert.deepEqual(decoded.messages[0]?.content, [
      { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
      { type: 'document', source: { kind: 'file', fileId: 'gs://bucket/doc.pdf', mediaType: 'application/pdf' } },
      { type: 'image', source: { kind: 'file', fileId: 'files/abc123', mediaType: 'image/webp' } },
    ]);
  });

  it('decodes thoughts into gemini reasoning with their signature, and keeps signatures on text and calls', () => {
    const decoded = decode({
      contents: [
        user('q'),
        {
          role: 'model',
          parts: [
            { text: 'thinking…', thought: true, thoughtSignature: 'c2ln' },
            { text: 'answer', thoughtSignature: 'dGV4dA' },
            { functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'Y2FsbA' },
          ],
        },
      ],
    });
    assert.deepEqual(decoded.messages[1]?.content, [
      { type: 'reasoning', text: 'thinking…', origin: 'gemini', signature: 'c2ln' },
      { type: 'text', text: 'answer', thoughtSignature: 'dGV4dA==' },
      { type: 'tool-call', id: 'call_1_2', name: 'f', arguments: '{"a":1}', thoughtSignature: 'Y2FsbA==' },
    ]);
  });

  it('synthesises stable call ids from turn and position and gives results the id of their call', () => {
    const body = {
      contents: [
        user('q'),
        { role: 'model', parts: [{ functionCall: { name: 'a', args: {} } }, { functionCall: { name: 'b', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'b', response: { output: 'B' } } }, { functionResponse: { name: 'a', response: { output: 'A' } } }] },
      ],
    };
    const decoded = decode(body);
    const calls = decoded.messages[1]?.content.map((part) => (part.type === 'tool-call' ? part.id : ''));
    assert.deepEqual(calls, ['call_1_0', 'call_1_1']);
    assert.deepEqual(decoded.messages[2], {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'call_1_1', toolName: 'b', content: [{ type: 'text', text: 'B' }] },
        { type: 'tool-result', toolCallId: 'call_1_0', toolName: 'a', content: [{ type: 'text', text: 'A' }] },
      ],
    });
    // The same history one turn longer yields the same ids (stable prefixes).
    const longer = decode({ contents: [...body.contents, { role: 'model', parts: [{ text: 'done' }] }, user('more')] });
    assert.deepEqual(longer.messages.slice(0, 3), decoded.messages);
  });

  it('refuses a function response that answers no call, naming the field', () => {
    rejects(
      () => decode({ contents: [user('q'), { role: 'user', parts: [{ functionResponse: { name: 'x', response: {} } }] }] }),
      'invalid_request',
      'contents[1].parts[0].functionResponse.name',
    );
  });

  it('splits a user turn into tool and user messages in order', () => {
    const decoded = decode({
      contents: [
        user('q'),
        { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
        { role: 'user', parts: [{ text: 'before' }, { functionResponse: { name: 'f', response: { error: 'boom' } } }, { text: 'after' }] },
      ],
    });
    assert.deepEqual(
      decoded.messages.slice(2).map((message) => message.role),
      ['user', 'tool', 'user'],
    );
    assert.deepEqual(decoded.messages[3]?.content[0], { type: 'tool-result', toolCallId: 'call_1_0', toolName: 'f', content: [{ type: 'text', text: 'boom' }], isError: true });
  });

  it('maps tool config modes and allowed names', () => {
    const tools = [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }];
    const choice = (functionCallingConfig: Record<string, unknown>) => decode({ contents: [user('q')], tools, toolConfig: { functionCallingConfig } });
    assert.deepEqual(choice({ mode: 'AUTO' }).toolChoice, { type: 'auto' });
    assert.deepEqual(choice({ mode: 'NONE' }).toolChoice, { type: 'none' });
    assert.deepEqual(choice({ mode: 'ANY' }).toolChoice, { type: 'required' });
    assert.deepEqual(choice({ mode: 'VALIDATED' }).toolChoice, { type: 'auto' });
    assert.deepEqual(choice({ mode: 'ANY', allowedFunctionNames: ['b'] }).toolChoice, { type: 'tool', name: 'b' });
    const subset = choice({ mode: 'ANY', allowedFunctionNames: ['a', 'c'] });
    assert.deepEqual(subset.toolChoice, { type: 'required' });
    assert.deepEqual(subset.tools?.map((tool) => tool.name), ['a', 'c']);
    assert.equal(choice({ mode: 'ANY', allowedFunctionNames: ['a', 'b', 'c'] }).tools?.length, 3);
    rejects(() => choice({ mode: 'ANY', allowedFunctionNames: ['zzz'] }), 'invalid_request', 'toolConfig.functionCallingConfig.allowedFunctionNames[0]');
    rejects(() => choice({ mode: 'SOMETIMES' }), 'invalid_request', 'toolConfig.functionCallingConfig.mode');
  });

  it('converts legacy OpenAPI parameters to JSON Schema', () => {
    const decoded = decode({
      contents: [user('q')],
      tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { x: { type: 'STRING', nullable: true, format: 'enum', enum: ['a'] } }, required: ['x'] } }] }],
    });
    assert.deepEqual(decoded.tools?.[0]?.parameters, { type: 'object', properties: { x: { type: ['string', 'null'], enum: ['a'] } }, required: ['x'] });
  });

  it('maps generation config, response formats and logprobs', () => {
    const decoded = decode({
      contents: [user('q')],
      generationConfig: {
        temperature: 0.5,
        topP: 0.9,
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        candidateCount: 2,
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { a: { type: 'INTEGER' } } },
        responseLogprobs: true,
        logprobs: 3,
        thinkingConfig: { thinkingLevel: 'low' },
      },
    });
    assert.deepEqual(
      { ...decoded, messages: undefined },
      {
        model: 'gemini-2.5-flash',
        messages: undefined,
        stream: false,
        temperature: 0.5,
        topP: 0.9,
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        n: 2,
        responseFormat: { type: 'json-schema', name: 'response', schema: { type: 'object', properties: { a: { type: 'integer' } } } },
        logprobs: { topLogprobs: 3 },
        reasoning: { effort: 'low' },
      },
    );
    assert.deepEqual(decode({ contents: [user('q')], generationConfig: { responseMimeType: 'application/json' } }).responseFormat, { type: 'json' });
    assert.deepEqual(decode({ contents: [user('q')], generationConfig: { thinkingConfig: { thinkingBudget: 0 } } }).reasoning, { effort: 'none' });
    assert.equal(decode({ contents: [user('q')], generationConfig: { thinkingConfig: { thinkingBudget: -1 } } }).reasoning, undefined);
  });

  it('refuses what other protocols cannot carry, naming the field', () => {
    rejects(() => decode({ contents: [user('q')], tools: [{ googleSearch: {} }] }), 'unsupported_feature', 'tools[0].googleSearch');
    rejects(() => decode({ contents: [user('q')], generationConfig: { responseModalities: ['TEXT', 'IMAGE'] } }), 'unsupported_feature', 'generationConfig.responseModalities[1]');
    rejects(() => decode({ contents: [user('q')], generationConfig: { responseMimeType: 'text/x.enum' } }), 'unsupported_feature', 'generationConfig.responseMimeType');
    rejects(() => decode({ contents: [user('q')], cachedContent: 'cachedContents/1' }), 'unsupported_feature', 'cachedContent');
    rejects(() => decode({ contents: [{ role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: 'AA' } }] }] }), 'unsupported_feature', 'contents[0].parts[0]');
  });

  it('validates at the boundary with the path of the field at fault', () => {
    rejects(() => decode({}), 'invalid_request', 'contents');
    rejects(() => decode({ contents: [] }), 'invalid_request', 'contents');
    rejects(() => decode({ contents: [{ role: 'system', parts: [{ text: 'x' }] }] }), 'invalid_request', 'contents[0].role');
    rejects(() => decode({ contents: [{ role: 'user', parts: [{ text: 5 }] }] }), 'invalid_request', 'contents[0].parts[0].text');
    rejects(() => decode({ contents: [{ role: 'user', parts: [{ inlineData: { data: 'AA' } }] }] }), 'invalid_request', 'contents[0].parts[0].inlineData.mimeType');
    rejects(() => decode({ contents: [user('q')], generationConfig: { maxOutputTokens: 1.5 } }), 'invalid_request', 'generationConfig.maxOutputTokens');
    rejects(() => decode({ contents: [user('q')], generationConfig: { thinkingConfig: { thinkingBudget: 10, thinkingLevel: 'HIGH' } } }), 'invalid_request', 'generationConfig.thinkingConfig.thinkingLevel');
  });
});

describe('gemini request encode', () => {
  it('maps sampling options, n, logprobs and response format', () => {
    const body = encodeGeminiRequest(
      request({
        maxOutputTokens: 100,
        temperature: 0.3,
        topP: 0.8,
        topK: 5,
        seed: 1,
        stopSequences: ['END'],
        presencePenalty: 0.5,
        frequencyPenalty: 0.25,
        n: 3,
        logprobs: { topLogprobs: 2 },
        responseFormat: { type: 'json-schema', name: 'answer', schema: { type: 'object' }, strict: true },
      }),
      'gemini-2.5-flash',
    );
    assert.deepEqual(body.generationConfig, {
      maxOutputTokens: 100,
      temperature: 0.3,
      topP: 0.8,
      topK: 5,
      seed: 1,
      stopSequences: ['END'],
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      candidateCount: 3,
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object' },
      responseLogprobs: true,
      logprobs: 2,
    });
  });

  it('maps reasoning: effort → thinkingLevel on Gemini 3, → a budget on 2.5; an explicit budget wins', () => {
    const encode = (reasoning: CanonicalRequest['reasoning'], model: string) => encodeGeminiRequest(request({ reasoning }), model).generationConfig;
    assert.deepEqual(encode({ effort: 'high', includeThoughts: true }, 'gemini-3-pro-preview'), { thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true } });
    assert.deepEqual(encode({ effort: 'none' }, 'gemini-3.1-flash'), { thinkingConfig: { thinkingLevel: 'MINIMAL' } });
    assert.deepEqual(encode({ effort: 'low' }, 'gemini-2.5-flash'), { thinkingConfig: { thinkingBudget: 1024 } });
    assert.deepEqual(encode({ effort: 'none' }, 'gemini-2.5-flash'), { thinkingConfig: { thinkingBudget: 0 } });
    assert.deepEqual(encode({ effort: 'high', budgetTokens: 2000 }, 'gemini-3-pro-preview'), { thinkingConfig: { thinkingBudget: 2000 } });
  });

  it('maps tool choice and refuses choices that name nothing', () => {
    const tools = [{ name: 'f', parameters: { type: 'object' } }];
    const config = (toolChoice: CanonicalRequest['toolChoice']) => encodeGeminiRequest(request({ tools, toolChoice }), 'gemini-2.5-flash').toolConfig;
    assert.deepEqual(config({ type: 'auto' }), { functionCallingConfig: { mode: 'AUTO' } });
    assert.deepEqual(config({ type: 'none' }), { functionCallingConfig: { mode: 'NONE' } });
    assert.deepEqual(config({ type: 'required' }), { functionCallingConfig: { mode: 'ANY' } });
    assert.deepEqual(config({ type: 'tool', name: 'f' }), { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } });
    rejects(() => config({ type: 'tool', name: 'g' }), 'invalid_request', 'toolChoice.name');
    rejects(() => encodeGeminiRequest(request({ toolChoice: { type: 'required' } }), 'gemini-2.5-flash'), 'invalid_request', 'toolChoice');
  });

  it('sends parametersJsonSchema by default and sanitised parameters when asked for legacy fields', () => {
    const tools = [{ name: 'f', description: 'd', parameters: { $schema: 'x', type: 'object', additionalProperties: false, properties: { a: { type: ['string', 'null'] } } } }];
    const modern = encodeGeminiRequest(request({ tools }), 'gemini-2.5-flash');
    assert.deepEqual(modern.tools, [{ functionDeclarations: [{ name: 'f', description: 'd', parametersJsonSchema: tools[0]?.parameters }] }]);
    const legacy = encodeGeminiRequest(request({ tools, responseFormat: { type: 'json-schema', name: 'r', schema: { type: 'object', properties: { b: { const: 'x' } } } } }), 'gemini-2.5-flash', { legacySchemaFields: true });
    assert.deepEqual(legacy.tools, [{ functionDeclarations: [{ name: 'f', description: 'd', parameters: { type: 'OBJECT', properties: { a: { type: 'STRING', nullable: true } } } }] }]);
    assert.deepEqual((legacy.generationConfig as Record<string, unknown>).responseSchema, { type: 'OBJECT', properties: { b: { type: 'STRING', enum: ['x'] } } });
  });

  it('encodes images: base64 → inlineData, URLs → fileData with an inferred or refused MIME type', () => {
    const encode = (source: Parameters<typeof imageRequest>[0]) => (encodeGeminiRequest(imageRequest(source), 'gemini-2.5-flash').contents as Array<{ parts: unknown[] }>)[0]?.parts[0];
    assert.deepEqual(encode({ kind: 'base64', mediaType: 'image/jpg', data: 'AAAA' }), { inlineData: { mimeType: 'image/jpeg', data: 'AAAA' } });
    assert.deepEqual(encode({ kind: 'url', url: 'data:image/png;base64,iVBO' }), { inlineData: { mimeType: 'image/png', data: 'iVBO' } });
    assert.deepEqual(encode({ kind: 'url', url: 'https://x.test/cat.JPG?s=1' }), { fileData: { mimeType: 'image/jpeg', fileUri: 'https://x.test/cat.JPG?s=1' } });
    assert.deepEqual(encode({ kind: 'url', url: 'https://www.youtube.com/watch?v=1' }), { fileData: { fileUri: 'https://www.youtube.com/watch?v=1' } });
    assert.deepEqual(encode({ kind: 'file', fileId: 'files/abc', mediaType: 'image/png' }), { fileData: { mimeType: 'image/png', fileUri: 'files/abc' } });
    rejects(() => encode({ kind: 'url', url: 'https://x.test/image' }), 'unsupported_feature', 'messages[0].content[0].source.mediaType');
    rejects(() => encode({ kind: 'file', fileId: 'file-abc123' }), 'unsupported_feature', 'messages[0].content[0].source.fileId');
  });

  it('refuses tool-call arguments that are not a JSON object', () => {
    const messages: CanonicalRequest['messages'] = [
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'f', arguments: '[1]' }] },
    ];
    rejects(() => encodeGeminiRequest(request({ messages }), 'gemini-2.5-flash'), 'invalid_request', 'messages[1].content[0].arguments');
  });

  it('drops user, metadata and parallelToolCalls, which Gemini has no field for', () => {
    const body = encodeGeminiRequest(request({ user: 'u1', metadata: { a: 'b' }, parallelToolCalls: false }), 'gemini-2.5-flash');
    assert.deepEqual(Object.keys(body), ['contents']);
  });
});

function imageRequest(source: import('../../canonical/types.js').MediaSource): CanonicalRequest {
  return request({ messages: [{ role: 'user', content: [{ type: 'image', source }] }] });
}
