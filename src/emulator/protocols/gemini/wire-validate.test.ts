import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conformanceFiles, readConformanceJson } from '../../../testing/conformance.js';
import { messageTable } from './wire-schema.js';
import { parseWireMessage, type WireObject } from './wire-validate.js';

function violations(body: unknown, flavor: 'gemini' | 'vertex' = 'gemini'): string[] {
  const result = parseWireMessage(body, 'GenerateContentRequest', flavor);
  return 'violations' in result ? result.violations.map((violation) => violation.description) : [];
}

function parsed(body: unknown): WireObject {
  const result = parseWireMessage(body, 'GenerateContentRequest', 'gemini');
  assert.ok('value' in result, JSON.stringify(result));
  return result.value;
}

const hello = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };

describe('Gemini wire parse', () => {
  it('every message a field refers to is defined, in both flavours', () => {
    for (const flavor of ['gemini', 'vertex'] as const) {
      const table = messageTable(flavor);
      for (const spec of table.values()) {
        for (const field of spec.fields) {
          const type = field.type.kind === 'map' ? field.type.value : field.type;
          if (type.kind === 'message') assert.ok(table.has(type.message), `${flavor}: ${spec.name}.${field.proto} → ${type.message}`);
        }
      }
    }
  });

  it('accepts every recorded request the real API accepted', () => {
    const requests = conformanceFiles('gemini').filter((file) => file.endsWith('.request.json'));
    assert.ok(requests.length >= 8);
    for (const file of requests) {
      const flavor = file.includes('fileuri') ? 'vertex' : 'gemini';
      assert.deepEqual(violations(readConformanceJson('gemini', file), flavor), [], file);
    }
  });

  it('normalises snake_case to camelCase and integers given as strings', () => {
    const value = parsed({
      contents: [{ role: 'user', parts: [{ file_data: { file_uri: 'gs://b/x.png', mime_type: 'image/png' } }] }],
      generation_config: { max_output_tokens: '100', thinking_config: { thinking_level: 'low' } },
    });
    assert.deepEqual(value.generationConfig, { maxOutputTokens: 100, thinkingConfig: { thinkingLevel: 'LOW' } });
    assert.deepEqual((value.contents as Array<{ parts: unknown[] }>)[0]?.parts[0], { fileData: { fileUri: 'gs://b/x.png', mimeType: 'image/png' } });
  });

  it('refuses the JSON Schema keywords the OpenAPI subset lacks, naming each with its proto path', () => {
    const found = violations({
      ...hello,
      tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', $schema: 'x', additionalProperties: false, properties: { a: { type: ['string', 'null'] }, b: { $ref: '#/x' } } } }] }],
    });
    assert.deepEqual(found, [
      `Invalid JSON payload received. Unknown name "$schema" at 'tools[0].function_declarations[0].parameters': Cannot find field.`,
      `Invalid JSON payload received. Unknown name "additionalProperties" at 'tools[0].function_declarations[0].parameters': Cannot find field.`,
      `Invalid JSON payload received. Unknown name "type" at 'tools[0].function_declarations[0].parameters.properties[0].value': Proto field is not repeating, cannot start list.`,
      `Invalid JSON payload received. Unknown name "$ref" at 'tools[0].function_declarations[0].parameters.properties[1].value': Cannot find field.`,
    ]);
  });

  it('takes full JSON Schema in parametersJsonSchema, and Vertex additionalProperties in parameters', () => {
    const schema = { type: 'object', additionalProperties: false, properties: { a: { type: ['string', 'null'], $ref: '#/x' } } };
    assert.deepEqual(violations({ ...hello, tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: schema }] }] }), []);
    assert.deepEqual(violations({ ...hello, tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', additionalProperties: false } }] }] }, 'vertex'), []);
  });

  it('reports unknown top-level names and wrong value types in Google wording', () => {
    assert.deepEqual(violations({ ...hello, max_tokens: 5 }), ['Invalid JSON payload received. Unknown name "max_tokens": Cannot find field.']);
    assert.deepEqual(violations({ ...hello, generationConfig: { temperature: 'hot', candidateCount: 1.5 } }), [
      `Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"`,
      `Invalid value at 'generation_config.candidate_count' (TYPE_INT32), 1.5`,
    ]);
    assert.deepEqual(violations({ contents: ['hello'] }), [`Invalid value at 'contents[0]' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), "hello"`]);
    assert.deepEqual(violations({ contents: ['hello'] }, 'vertex'), [`Invalid value at 'contents[0]' (type.googleapis.com/google.cloud.aiplatform.v1.Content), "hello"`]);
    assert.deepEqual(violations({ ...hello, toolConfig: { functionCallingConfig: { mode: 'SOMETIMES' } } }), [
      `Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "SOMETIMES"`,
    ]);
    assert.deepEqual(violations([1]), ['Invalid JSON payload received. Unknown name "": Root element must be a message.']);
  });

  it('requires a function response to be an object and bytes to be base64', () => {
    const contents = [
      { role: 'user', parts: [{ text: 'go' }] },
      { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'f', response: 'Mexico' } }, { inlineData: { mimeType: 'image/png', data: 'not base64!' } }] },
    ];
    assert.deepEqual(violations({ contents }), [
      `Invalid value at 'contents[2].parts[0].function_response.response' (type.googleapis.com/google.protobuf.Struct), "Mexico"`,
      `Invalid value at 'contents[2].parts[1].inline_data.data' (TYPE_BYTES), Base64 decoding failed for "not base64!"`,
    ]);
  });

  it('allows one data field per part and reads null as unset', () => {
    assert.deepEqual(violations({ contents: [{ role: 'user', parts: [{ text: 'a', inlineData: { mimeType: 'image/png', data: 'AAAA' } }] }] }), [
      "Invalid JSON payload received. Oneof field 'data' is already set. Cannot set 'inlineData'",
    ]);
    assert.deepEqual(parsed({ ...hello, systemInstruction: null, tools: null }), { contents: hello.contents });
  });

  it('accepts a lone value where a list belongs, as Google does', () => {
    const value = parsed({ contents: { role: 'user', parts: { text: 'hi' } } });
    assert.deepEqual(value.contents, [{ role: 'user', parts: [{ text: 'hi' }] }]);
  });
});
