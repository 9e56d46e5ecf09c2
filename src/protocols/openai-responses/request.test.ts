import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors/catalogue.js';
import { openaiResponsesCodec as codec } from './index.js';

/** Request decoding at the boundary: what is accepted, ignored, refused, and which field is named. */

function rejects(body: Record<string, unknown>, code: string, param: string | undefined, message: RegExp): void {
  assert.throws(
    () => codec.decodeRequest(body),
    (error: unknown) => {
      assert.ok(error instanceof GatewayError, String(error));
      assert.equal(error.code, code);
      assert.equal(error.param, param);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('request decode', () => {
  it('a string input is one user message; stream defaults to false', () => {
    assert.deepEqual(codec.decodeRequest({ model: 'gpt-5', input: 'Hello' }), {
      model: 'gpt-5',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      stream: false,
    });
  });

  it('maps every expressible parameter', () => {
    const request = codec.decodeRequest({
      model: 'gpt-5',
      input: 'x',
      stream: true,
      tools: [{ type: 'function', name: 'f', description: 'F', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: false,
      max_output_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true, description: 'd' }, verbosity: 'low' },
      reasoning: { effort: 'high', summary: 'concise' },
      include: ['message.output_text.logprobs', 'reasoning.encrypted_content'],
      top_logprobs: 3,
      safety_identifier: 'user-1',
      metadata: { team: 'a' },
      store: true,
      truncation: 'auto',
      service_tier: 'flex',
      prompt_cache_key: 'k',
      unknown_future_field: { anything: true },
    });
    assert.deepEqual(request, {
      model: 'gpt-5',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
      stream: true,
      tools: [{ name: 'f', description: 'F', parameters: { type: 'object' }, strict: true }],
      toolChoice: { type: 'tool', name: 'f' },
      parallelToolCalls: false,
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      responseFormat: { type: 'json-schema', name: 'out', schema: { type: 'object' }, strict: true, description: 'd' },
      reasoning: { effort: 'high', includeThoughts: true },
      logprobs: { topLogprobs: 3 },
      user: 'user-1',
      metadata: { team: 'a' },
    });
  });

  it('files: data URLs, bare base64 with a known filename, URLs and file ids', () => {
    const request = codec.decodeRequest({
      model: 'm',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' },
            { type: 'input_file', file_data: 'JVBERi0=', filename: 'b.pdf' },
            { type: 'input_file', file_url: 'https://example.com/c.pdf' },
            { type: 'input_file', file_id: 'file-1' },
            { type: 'input_image', file_id: 'file-2', detail: 'high' },
          ],
        },
      ],
    });
    assert.deepEqual(request.messages[0]?.content, [
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' },
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' }, title: 'b.pdf' },
      { type: 'document', source: { kind: 'url', url: 'https://example.com/c.pdf' } },
      { type: 'document', source: { kind: 'file', fileId: 'file-1' } },
      { type: 'image', source: { kind: 'file', fileId: 'file-2' }, detail: 'high' },
    ]);
  });

  it('names the field at fault', () => {
    rejects({ input: 'x' }, 'missing_model', 'model', /model name is required/);
    rejects({ model: 'm' }, 'invalid_request', 'input', /input is required/);
    rejects({ model: 'm', input: 42 }, 'invalid_request', 'input', /string or an array of input items, got a number/);
    rejects({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 3 }] }] }, 'invalid_request', 'input[0].content[0].text', /expected a string, got a number/);
    rejects({ model: 'm', input: [{ role: 'robot', content: 'x' }] }, 'invalid_request', 'input[0].role', /expected one of "user"/);
    rejects({ model: 'm', input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }] }, 'invalid_request', 'input[0].content[0].type', /not allowed in a system message/);
    rejects({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image' }] }] }, 'invalid_request', 'input[0].content[0].image_url', /image_url or file_id/);
    rejects({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'JVBERi0=' }] }] }, 'invalid_request', 'input[0].content[0].file_data', /filename/);
    rejects({ model: 'm', input: [{ type: 'function_call', call_id: '', name: 'f', arguments: '{}' }] }, 'invalid_request', 'input[0].call_id', /non-empty/);
    rejects({ model: 'm', input: 'x', metadata: { n: 1 } }, 'invalid_request', 'metadata.n', /must be strings/);
    rejects({ model: 'm', input: 'x', include: [1] }, 'invalid_request', 'include[0]', /expected a string/);
    rejects({ model: 'm', input: 'x', tool_choice: 'sometimes' }, 'invalid_request', 'tool_choice', /"auto", "none", "required"/);
    rejects({ model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'n' } } }, 'invalid_request', 'text.format.schema', /schema object/);
    rejects({ model: 'm', input: 'x', reasoning: { effort: 'extreme' } }, 'invalid_request', 'reasoning.effort', /expected one of/);
    rejects({ model: 'm', input: 'x', temperature: 'hot' }, 'invalid_request', 'temperature', /expected a number/);
  });

  it('refuses what needs state or has no canonical form', () => {
    rejects({ model: 'm', input: 'x', conversation: 'conv_1' }, 'unsupported_feature', 'conversation', /no conversation state/);
    rejects({ model: 'm', input: 'x', prompt: { id: 'pmpt_1' } }, 'unsupported_feature', 'prompt', /stored prompt templates/);
    rejects({ model: 'm', input: 'x', background: true }, 'unsupported_feature', 'background', /response storage/);
    rejects({ model: 'm', input: 'x', reasoning: { effort: 'max' } }, 'unsupported_feature', 'reasoning.effort', /"max"/);
    rejects({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x/y.png', detail: 'original' }] }] }, 'unsupported_feature', 'input[0].content[0].detail', /original/);
    rejects({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, 'unsupported_feature', 'input[0].content[0].type', /audio/);
    rejects({ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_file', file_id: 'f' }] }] }, 'unsupported_feature', 'input[0].output[0].type', /files inside a function_call_output/);
    rejects({ model: 'm', input: 'x', tools: [{ type: 'custom', name: 'grammar' }] }, 'unsupported_feature', 'tools[0].type', /"custom" tool/);
    assert.doesNotThrow(() => codec.decodeRequest({ model: 'm', input: 'x', background: false, previous_response_id: null }));
  });

  it('a reasoning item with neither summary nor encrypted content carries nothing and is dropped', () => {
    const request = codec.decodeRequest({ model: 'm', input: [{ type: 'reasoning', id: 'rs_1', summary: [] }, { role: 'assistant', content: 'Hi' }] });
    assert.deepEqual(request.messages, [{ role: 'assistant', content: [{ type: 'text', text: 'Hi' }] }]);
  });
});

describe('request encode', () => {
  it('writes a complete body with only the fields that are set', () => {
    const body = codec.encodeRequest(
      {
        model: 'alias',
        stream: true,
        streamIncludeUsage: true,
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Be brief.', cacheControl: { type: 'ephemeral' } }] },
          { role: 'user', content: [{ type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Done.', thoughtSignature: 'gemini-only' }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: [], isError: true }] },
        ],
        responseFormat: { type: 'json' },
        reasoning: { budgetTokens: 4000, includeThoughts: true },
        logprobs: {},
        user: 'u',
      },
      'gpt-5-2025-08-07',
    );
    assert.deepEqual(body, {
      model: 'gpt-5-2025-08-07',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'document.pdf' }] },
        { type: 'message', role: 'assistant', content: 'Done.' },
        { type: 'function_call_output', call_id: 'call_1', output: '' },
      ],
      store: false,
      stream: true,
      instructions: 'Be brief.',
      text: { format: { type: 'json_object' } },
      reasoning: { effort: 'medium', summary: 'auto' },
      include: ['reasoning.encrypted_content', 'message.output_text.logprobs'],
      user: 'u',
    });
  });

  it('a system message with several parts, or not first, stays an input item', () => {
    const body = codec.encodeRequest(
      {
        model: 'm',
        stream: false,
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] },
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
        ],
      },
      'm',
    );
    assert.equal(body['instructions'], undefined);
    assert.deepEqual((body['input'] as unknown[])[0], {
      type: 'message',
      role: 'system',
      content: [
        { type: 'input_text', text: 'A' },
        { type: 'input_text', text: 'B' },
      ],
    });
  });
});
