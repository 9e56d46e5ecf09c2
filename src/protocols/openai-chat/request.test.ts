import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalRequest } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { decodeChatRequest } from './request-decode.js';
import { encodeChatRequest } from './request-encode.js';

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const pdf = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n').toString('base64');

function body(messages: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-4o', messages, ...extra };
}

/** Asserts the call throws a GatewayError with this code, param and message fragment. */
function assertRefused(run: () => unknown, code: string, param: string | undefined, fragment: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.param, param);
    assert.ok(error.message.includes(fragment), `"${error.message}" should include "${fragment}"`);
    return true;
  });
}

describe('openai-chat request decode: messages', () => {
  it('maps system and developer to system messages, kept in place', () => {
    const request = decodeChatRequest(
      body([
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'system', content: [{ type: 'text', text: 'Now in French.' }] },
      ]),
    );
    assert.deepEqual(request.messages, [
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'system', content: [{ type: 'text', text: 'Now in French.' }] },
    ]);
  });

  it('decodes image_url parts: https with detail, data URLs parsed generically, image/jpg normalised', () => {
    const request = decodeChatRequest(
      body([
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: `data:image/jpg;base64,${png}` } },
            { type: 'image_url', image_url: { url: `data:image/PNG;name=x.png;base64,${png.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}` } },
            { type: 'image_url', image_url: { url: `data:;base64,${png}` } },
            { type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%2F%3E' } },
          ],
        },
      ]),
    );
    const content = request.messages[0]?.content ?? [];
    assert.deepEqual(content[0], { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' }, detail: 'low' });
    assert.deepEqual(content[1], { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: png } });
    assert.deepEqual(content[2], { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: png } }, 'base64url and params');
    assert.deepEqual(content[3], { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: png } }, 'sniffed');
    assert.deepEqual(content[4], { type: 'image', source: { kind: 'base64', mediaType: 'image/svg+xml', data: Buffer.from('<svg/>').toString('base64') } });
  });

  it('decodes file parts: data URL, bare base64 with a filename, file_id', () => {
    const request = decodeChatRequest(
      body([
        {
          role: 'user',
          content: [
            { type: 'file', file: { filename: 'a.pdf', file_data: `data:application/pdf;base64,${pdf}` } },
            { type: 'file', file: { filename: 'notes.txt', file_data: Buffer.from('hello').toString('base64') } },
            { type: 'file', file: { file_id: 'file-abc', filename: 'b.pdf' } },
          ],
        },
      ]),
    );
    assert.deepEqual(request.messages[0]?.content, [
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: pdf }, title: 'a.pdf' },
      { type: 'document', source: { kind: 'base64', mediaType: 'text/plain', data: Buffer.from('hello').toString('base64') }, title: 'notes.txt' },
      { type: 'document', source: { kind: 'file', fileId: 'file-abc', mediaType: 'application/pdf' }, title: 'b.pdf' },
    ]);
  });

  it('refuses input_audio precisely', () => {
    assertRefused(
      () => decodeChatRequest(body([{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }])),
      'unsupported_feature',
      'messages[0].content[1]',
      'input_audio',
    );
  });

  it('decodes assistant content string | parts | null, refusal and tool calls, then tool results with their function name', () => {
    const request = decodeChatRequest(
      body([
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'refusal', refusal: 'No ads.' }] },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '12:00' }, { type: 'text', text: 'CET' }] },
        { role: 'assistant', content: null, refusal: 'I cannot.' },
      ]),
    );
    assert.deepEqual(request.messages.slice(1), [
      { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'refusal', text: 'No ads.' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
          { type: 'tool-call', id: 'call_2', name: 'time', arguments: '{}' },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', content: [{ type: 'text', text: 'Sunny' }] },
          { type: 'tool-result', toolCallId: 'call_2', toolName: 'time', content: [{ type: 'text', text: '12:00' }, { type: 'text', text: 'CET' }] },
        ],
      },
      { role: 'assistant', content: [{ type: 'refusal', text: 'I cannot.' }] },
    ]);
  });

  it('names the field path at fault', () => {
    assertRefused(
      () =>
        decodeChatRequest(
          body([
            { role: 'user', content: 'x' },
            { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { a: 1 } } }] },
          ]),
        ),
      'invalid_request',
      'messages[1].tool_calls[0].function.arguments',
      'messages[1].tool_calls[0].function.arguments: expected a string, got an object',
    );
    assertRefused(() => decodeChatRequest(body([{ role: 'robot', content: 'x' }])), 'invalid_request', 'messages[0].role', '"robot"');
    assertRefused(() => decodeChatRequest(body([])), 'invalid_request', 'messages', 'at least one message');
    assertRefused(() => decodeChatRequest({ messages: [{ role: 'user', content: 'x' }] }), 'missing_model', 'model', 'model');
    assertRefused(() => decodeChatRequest(body([{ role: 'user', content: 7 }])), 'invalid_request', 'messages[0].content', 'messages[0].content: expected a string or an array of content parts, got a number');
    assertRefused(
      () => decodeChatRequest(body([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }])),
      'invalid_request',
      'messages[0].content[0].image_url.url',
      '"ftp:"',
    );
    assertRefused(
      () => decodeChatRequest(body([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,@@@' } }] }])),
      'invalid_request',
      'messages[0].content[0].image_url.url',
      'not valid base64',
    );
    assertRefused(() => decodeChatRequest(body([{ role: 'tool', tool_call_id: 'nope', content: 'x' }])), 'invalid_request', 'messages[0].tool_call_id', '"nope"');
    assertRefused(() => decodeChatRequest(body([{ role: 'user', content: 'x' }], { temperature: 'hot' })), 'invalid_request', 'temperature', 'expected a number');
  });

  it('refuses the legacy function API and OpenAI-only features, naming the field', () => {
    const messages = [{ role: 'user', content: 'x' }];
    assertRefused(() => decodeChatRequest(body(messages, { functions: [{ name: 'f' }] })), 'unsupported_feature', 'functions', 'use tools');
    assertRefused(() => decodeChatRequest(body([{ role: 'function', name: 'f', content: 'x' }])), 'unsupported_feature', 'messages[0].role', 'legacy');
    assertRefused(() => decodeChatRequest(body(messages, { tools: [{ type: 'custom', custom: { name: 'x' } }] })), 'unsupported_feature', 'tools[0].type', '"custom"');
    assertRefused(() => decodeChatRequest(body(messages, { logit_bias: { '50256': -100 } })), 'unsupported_feature', 'logit_bias', 'logit');
    assertRefused(() => decodeChatRequest(body(messages, { modalities: ['text', 'audio'] })), 'unsupported_feature', 'modalities', 'text');
    assertRefused(() => decodeChatRequest(body(messages, { web_search_options: {} })), 'unsupported_feature', 'web_search_options', 'web search');
  });
});

describe('openai-chat request decode: parameters', () => {
  it('decodes every parameter', () => {
    const request = decodeChatRequest(
      body([{ role: 'user', content: 'x' }], {
        tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true } }, { type: 'function', function: { name: 'g' } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
        parallel_tool_calls: false,
        max_tokens: 10,
        max_completion_tokens: 20,
        temperature: 0.5,
        top_p: 0.9,
        seed: 7,
        stop: 'END',
        presence_penalty: 0.1,
        frequency_penalty: -0.1,
        response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true, description: 'the output' } },
        reasoning_effort: 'high',
        n: 1,
        logprobs: true,
        top_logprobs: 3,
        stream: true,
        stream_options: { include_usage: true },
        user: 'u-1',
        metadata: { team: 'search' },
        store: true,
        service_tier: 'auto',
        prompt_cache_key: 'k',
      }),
    );
    const expected: CanonicalRequest = {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
      stream: true,
      tools: [
        { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true },
        { name: 'g', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: { type: 'tool', name: 'f' },
      parallelToolCalls: false,
      maxOutputTokens: 20,
      temperature: 0.5,
      topP: 0.9,
      seed: 7,
      stopSequences: ['END'],
      presencePenalty: 0.1,
      frequencyPenalty: -0.1,
      responseFormat: { type: 'json-schema', name: 'out', schema: { type: 'object' }, strict: true, description: 'the output' },
      reasoning: { effort: 'high' },
      streamIncludeUsage: true,
      n: 1,
      logprobs: { topLogprobs: 3 },
      user: 'u-1',
      metadata: { team: 'search' },
    };
    assert.deepEqual(request, expected);
  });

  it('takes max_tokens when max_completion_tokens is absent, and the simple formats and choices', () => {
    const request = decodeChatRequest(
      body([{ role: 'user', content: 'x' }], { max_tokens: 5, stop: ['a', 'b'], response_format: { type: 'json_object' }, tool_choice: 'required', temperature: null }),
    );
    assert.equal(request.maxOutputTokens, 5);
    assert.deepEqual(request.stopSequences, ['a', 'b']);
    assert.deepEqual(request.responseFormat, { type: 'json' });
    assert.deepEqual(request.toolChoice, { type: 'required' });
    assert.equal(request.temperature, undefined, 'null is absent');
    assert.equal(request.stream, false);
  });
});

describe('openai-chat request encode', () => {
  const base: CanonicalRequest = { model: 'alias', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: false };

  it('keeps system messages in place as role system, drops reasoning, writes content null beside tool calls', () => {
    const encoded = encodeChatRequest(
      {
        ...base,
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Be brief.', cacheControl: { type: 'ephemeral' } }] },
          { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'Let me think', origin: 'anthropic', signature: 'sig' },
              { type: 'tool-call', id: 'toolu_1', name: 'weather', arguments: '' },
            ],
          },
          { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
        ],
      },
      'gpt-4o',
    );
    assert.deepEqual(encoded.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
      { role: 'system', content: 'Answer in French.' },
    ]);
    assert.equal(encoded.model, 'gpt-4o');
  });

  it('writes one tool message per result, and images from results as one user message after them', () => {
    const encoded = encodeChatRequest(
      {
        ...base,
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'tool-call', id: 'c1', name: 'shot', arguments: '{}' },
              { type: 'tool-call', id: 'c2', name: 'read', arguments: '{}' },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'c1', toolName: 'shot', content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: png } }] },
              { type: 'tool-result', toolCallId: 'c2', toolName: 'read', content: [{ type: 'text', text: 'file text' }], isError: true },
            ],
          },
        ],
      },
      'gpt-4o',
    );
    assert.deepEqual(encoded.messages, [
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'shot', arguments: '{}' } },
          { id: 'c2', type: 'function', function: { name: 'read', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'The result is the image in the next message.' },
      { role: 'tool', tool_call_id: 'c2', content: 'file text' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'The image returned by tool call c1 (shot):' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
        ],
      },
    ]);
  });

  it('encodes documents as file parts, refusals as the refusal field, and refuses what Chat cannot carry', () => {
    const encoded = encodeChatRequest(
      {
        ...base,
        messages: [
          { role: 'user', content: [{ type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: pdf } }, { type: 'text', text: 'Summarise' }] },
          { role: 'assistant', content: [{ type: 'refusal', text: 'No.' }] },
        ],
      },
      'gpt-4o',
    );
    assert.deepEqual(encoded.messages, [
      {
        role: 'user',
        content: [
          { type: 'file', file: { filename: 'document.pdf', file_data: `data:application/pdf;base64,${pdf}` } },
          { type: 'text', text: 'Summarise' },
        ],
      },
      { role: 'assistant', content: null, refusal: 'No.' },
    ]);
    assertRefused(
      () => encodeChatRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'document', source: { kind: 'url', url: 'https://x/a.pdf' } }] }] }, 'm'),
      'unsupported_feature',
      'messages[0].content[0]',
      'by URL',
    );
    assertRefused(
      () => encodeChatRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'file', fileId: 'files/abc' } }] }] }, 'm'),
      'unsupported_feature',
      'messages[0].content[0]',
      'file id',
    );
    assertRefused(() => encodeChatRequest({ ...base, topK: 40 }, 'm'), 'unsupported_feature', 'top_k', 'top_k');
  });

  it('writes max_completion_tokens, always asks for stream usage, maps a budget to an effort, forwards no metadata', () => {
    const encoded = encodeChatRequest(
      { ...base, stream: true, maxOutputTokens: 100, reasoning: { budgetTokens: 4000 }, metadata: { a: 'b' }, toolChoice: { type: 'none' }, parallelToolCalls: false },
      'o4-mini',
    );
    assert.deepEqual(encoded, {
      model: 'o4-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 100,
      reasoning_effort: 'medium',
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});
