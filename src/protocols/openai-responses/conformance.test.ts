import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalResponse, StreamPart } from '../../canonical/types.js';
import { conformanceFiles, readConformanceJson, readConformanceText } from '../../testing/conformance.js';
import { openaiResponsesCodec as codec } from './index.js';
import { accumulate, decodeStreamText, encodeStreamParts, encodedEvents, essence, jsonlToSse, sseEvents, testContext } from './testing-helpers.js';

/** Recorded OpenAI Responses traffic (../shared/conformance/openai/responses-*) through every codec direction. */

const files = conformanceFiles('openai').filter((file) => file.startsWith('responses-'));
const requestFiles = files.filter((file) => file.endsWith('.request.json'));
const responseFiles = files.filter((file) => file.endsWith('.response.json'));
const streamFiles = files.filter((file) => file.endsWith('.stream.sse'));

function normalize<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Encrypted reasoning is re-encrypted by OpenAI at every event; compare that it is there, not its bytes. */
function withoutEncryptedBytes(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, field: unknown) => (key === 'encryptedContent' ? typeof field : field))) as unknown;
}

function recordedEvents(text: string): Array<Record<string, unknown>> {
  return sseEvents(text).map((event) => JSON.parse(event.data) as Record<string, unknown>);
}

function completedResponse(text: string): unknown {
  const terminal = recordedEvents(text).find((event) => event['type'] === 'response.completed');
  assert.ok(terminal, 'the recording ends with response.completed');
  return terminal['response'];
}

it('finds the recorded Responses samples', () => {
  assert.ok(requestFiles.length >= 5 && responseFiles.length >= 3 && streamFiles.length >= 4, files.join(', '));
});

describe('recorded requests', () => {
  for (const file of requestFiles) {
    it(`${file} decodes and survives decode → encode → decode`, () => {
      const body = readConformanceJson('openai', file) as Record<string, unknown>;
      const request = codec.decodeRequest(body);
      assert.equal(request.model, body['model']);
      const encoded = codec.encodeRequest(request, request.model);
      // An absent `strict` ("strict when possible" on Responses) is sent as an explicit false: see README.md.
      const expected = { ...request, ...(request.tools && { tools: request.tools.map((tool) => ({ ...tool, strict: tool.strict ?? false })) }) };
      assert.deepEqual(normalize(codec.decodeRequest(encoded)), normalize(expected));
    });
  }

  it('responses-reasoning-roundtrip: instructions, one assistant turn with reasoning + call, the tool result', () => {
    const request = codec.decodeRequest(readConformanceJson('openai', 'responses-reasoning-roundtrip.request.json') as Record<string, unknown>);
    assert.deepEqual(
      request.messages.map((message) => message.role),
      ['system', 'user', 'assistant', 'tool'],
    );
    const assistant = request.messages[2];
    assert.equal(assistant?.role, 'assistant');
    if (assistant?.role !== 'assistant') return;
    const reasoning = assistant.content.filter((part) => part.type === 'reasoning');
    assert.equal(reasoning.length, 5, 'one reasoning part per summary text');
    assert.ok(reasoning.every((part) => part.origin === 'openai' && part.itemId === 'rs_68c42d29124881968e24c1ca8c1fc7860e8bc41441c948f6'));
    assert.deepEqual(
      reasoning.map((part) => part.encryptedContent !== undefined),
      [false, false, false, false, true],
    );
    assert.equal(assistant.content.at(-1)?.type, 'tool-call');
    const tool = request.messages[3];
    assert.equal(tool?.role === 'tool' ? tool.content[0]?.toolName : undefined, 'update_plan');
    assert.deepEqual(request.reasoning, { effort: 'low', includeThoughts: true });
    assert.equal(request.tools?.[0]?.strict, true);

    const encoded = codec.encodeRequest(request, 'gpt-5');
    assert.equal(encoded['store'], false);
    assert.deepEqual(encoded['include'], ['reasoning.encrypted_content']);
    const input = encoded['input'] as Array<Record<string, unknown>>;
    assert.deepEqual(
      input.map((item) => item['type']),
      ['message', 'reasoning', 'function_call', 'function_call_output'],
    );
    assert.equal((input[1]?.['summary'] as unknown[]).length, 5);
  });

  it('responses-image-in-tool-output: the image stays inside the function_call_output', () => {
    const request = codec.decodeRequest(readConformanceJson('openai', 'responses-image-in-tool-output.request.json') as Record<string, unknown>);
    const tool = request.messages.find((message) => message.role === 'tool');
    assert.ok(tool?.role === 'tool');
    const image = tool.content[0]?.content[0];
    assert.equal(image?.type, 'image');
    assert.ok(image?.type === 'image' && image.source.kind === 'base64' && image.source.mediaType === 'image/jpeg');
    const assistant = request.messages.find((message) => message.role === 'assistant');
    assert.deepEqual(
      assistant?.content.map((part) => part.type),
      ['reasoning', 'tool-call'],
    );
    const encoded = codec.encodeRequest(request, 'gpt-5-mini');
    const output = (encoded['input'] as Array<Record<string, unknown>>).find((item) => item['type'] === 'function_call_output');
    assert.equal((output?.['output'] as Array<Record<string, unknown>>)[0]?.['type'], 'input_image');
  });

  it('responses-tool-result: a string output is one text result', () => {
    const request = codec.decodeRequest(readConformanceJson('openai', 'responses-tool-result.request.json') as Record<string, unknown>);
    assert.deepEqual(request.messages.at(-1), {
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'call_sVidsfFJ6zlzRpelrPkTPlpd', toolName: 'multiply', content: [{ type: 'text', text: '2869461' }] }],
    });
    assert.equal(request.stream, true);
  });
});

describe('recorded responses', () => {
  for (const file of responseFiles) {
    it(`${file} decodes and survives decode → encode → decode`, () => {
      const response = codec.decodeResponse(readConformanceJson('openai', file));
      assert.ok(response.id.startsWith('resp_'));
      assert.ok(response.usage.inputTokens > 0 && response.usage.outputTokens > 0);
      const encoded = codec.encodeResponse(response, { requestId: 'req_1', model: response.model });
      const again = codec.decodeResponse(encoded);
      assert.deepEqual(essence(again), essence(response));
      assert.equal(again.id, response.id);
      assert.equal(again.created, response.created);
    });
  }

  it('responses-reasoning-roundtrip-cached: cached tokens are a subset of input (trap 5)', () => {
    const response = codec.decodeResponse(readConformanceJson('openai', 'responses-reasoning-roundtrip-cached.response.json'));
    assert.deepEqual(response.usage, { inputTokens: 2087, outputTokens: 124, cachedInputTokens: 2048, cacheWriteTokens: 0, reasoningTokens: 0 });
    assert.equal(response.finishReason, 'stop');
  });

  it('responses-image-in-tool-output: reasoning without summary keeps its encrypted content', () => {
    const response = codec.decodeResponse(readConformanceJson('openai', 'responses-image-in-tool-output.response.json'));
    const [reasoning, text] = response.content;
    assert.equal(reasoning?.type, 'reasoning');
    assert.ok(reasoning?.type === 'reasoning' && reasoning.text === '' && reasoning.encryptedContent?.startsWith('gAAAA'));
    assert.equal(text?.type, 'text');
    assert.equal(response.usage.reasoningTokens, 128);
  });
});

function checkEventOrder(text: string): void {
  const events = encodedEvents(text);
  assert.deepEqual(
    events.map((event) => event.sequence_number),
    events.map((_, index) => index),
    'sequence numbers count up from 0',
  );
  assert.equal(events[0]?.type, 'response.created');
  assert.equal(events[1]?.type, 'response.in_progress');
  const terminal = events.at(-1)?.type;
  assert.ok(['response.completed', 'response.incomplete', 'response.failed'].includes(terminal ?? ''), `terminal ${terminal}`);
  assert.ok(!text.includes('[DONE]'));
  const open = new Set<number>();
  const done = new Set<number>();
  for (const event of events.slice(2, -1)) {
    const index = event['output_index'];
    if (event.type === 'error') continue;
    assert.equal(typeof index, 'number', `${event.type} names its output_index`);
    if (typeof index !== 'number') continue;
    if (event.type === 'response.output_item.added') {
      assert.ok(!open.has(index) && !done.has(index), `item ${index} added once`);
      assert.equal((event['item'] as Record<string, unknown>)['status'] ?? 'in_progress', 'in_progress');
      open.add(index);
    } else {
      assert.ok(open.has(index), `${event.type} for an open item ${index}`);
      if (event.type === 'response.output_item.done') {
        open.delete(index);
        done.add(index);
      }
    }
  }
  if (terminal === 'response.completed') assert.equal(open.size, 0, 'every item is done before response.completed');
}

describe('recorded streams', () => {
  for (const file of streamFiles) {
    it(`${file}: the stream decodes to what the final response says`, () => {
      const text = readConformanceText('openai', file);
      for (const chunkSize of [Infinity, 1, 7, 64]) {
        const parts = decodeStreamText(text, chunkSize);
        assert.equal(parts[0]?.type, 'response-start');
        assert.equal(parts.at(-1)?.type, 'finish');
        const streamed = accumulate(parts);
        const final = codec.decodeResponse(completedResponse(text));
        assert.deepEqual(withoutEncryptedBytes(essence(streamed)), withoutEncryptedBytes(essence(final)), `chunk size ${chunkSize}`);
      }
    });

    it(`${file}: re-encoded, the stream follows the event-order rules and decodes to the same parts`, () => {
      const parts = decodeStreamText(readConformanceText('openai', file));
      const encoded = encodeStreamParts(parts);
      checkEventOrder(encoded);
      const again = decodeStreamText(encoded);
      assert.deepEqual(essence(accumulate(again)), essence(accumulate(parts)));
      assert.deepEqual(
        again.filter((part) => part.type !== 'response-start'),
        parts.filter((part) => part.type !== 'response-start'),
        'the same parts, block for block',
      );
    });
  }

  it('responses-reasoning-summary: one block per summary part, encrypted content on the last one', () => {
    const parts = decodeStreamText(readConformanceText('openai', 'responses-reasoning-summary.stream.sse'));
    const starts = parts.filter((part): part is Extract<StreamPart, { type: 'reasoning-start' }> => part.type === 'reasoning-start');
    assert.deepEqual(
      starts.map((part) => part.block),
      [0, 1, 2, 3],
    );
    const ends = parts.filter((part): part is Extract<StreamPart, { type: 'reasoning-end' }> => part.type === 'reasoning-end');
    assert.deepEqual(
      ends.map((part) => part.encryptedContent !== undefined),
      [false, false, false, true],
    );
    const finish = parts.at(-1);
    assert.ok(finish?.type === 'finish' && finish.usage?.reasoningTokens === 1408 && finish.finishReason === 'stop');
  });

  it('responses-tool-call: eleven argument fragments become one call, finish tool-calls', () => {
    const response: CanonicalResponse = accumulate(decodeStreamText(readConformanceText('openai', 'responses-tool-call.stream.sse')));
    assert.deepEqual(response.content, [{ type: 'tool-call', id: 'call_sVidsfFJ6zlzRpelrPkTPlpd', name: 'multiply', arguments: '{"a":1231,"b":2331}' }]);
    assert.equal(response.finishReason, 'tool-calls');
    assert.deepEqual(response.usage, { inputTokens: 58, outputTokens: 23, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
  });

  it('responses-error-insufficient-quota (.jsonl re-framed as SSE): an error part, then nothing', () => {
    const text = jsonlToSse(readConformanceText('openai', 'responses-error-insufficient-quota.stream.jsonl'));
    const parts = decodeStreamText(text);
    assert.deepEqual(
      parts.map((part) => part.type),
      ['response-start', 'error'],
    );
    const error = parts[1];
    assert.ok(error?.type === 'error');
    assert.equal(error.error.status, 429);
    assert.equal(error.error.kind, 'rate_limit');
    assert.match(error.error.message, /exceeded your current quota/);

    const encoded = encodeStreamParts(parts);
    checkEventOrder(encoded);
    const events = encodedEvents(encoded);
    assert.deepEqual(
      events.map((event) => event.type),
      ['response.created', 'response.in_progress', 'error', 'response.failed'],
    );
    const failed = events[3]?.['response'] as Record<string, unknown>;
    assert.equal(failed['status'], 'failed');
    assert.deepEqual(decodeStreamText(encoded).slice(1), parts.slice(1));
  });
});

describe('recorded errors', () => {
  it('responses-error-400: status, param and code are kept; not retryable', () => {
    const info = codec.decodeError(400, readConformanceJson('openai', 'responses-error-400.json'), {});
    assert.deepEqual(info, {
      status: 400,
      kind: 'invalid_request',
      message: "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.",
      providerCode: 'decimal_below_min_value',
      param: 'temperature',
      retryable: false,
    });
  });

  it('chat-error-429-insufficient-quota (shared by both OpenAI APIs): a 429 that is not retryable', () => {
    const info = codec.decodeError(429, readConformanceJson('openai', 'chat-error-429-insufficient-quota.json'), { 'retry-after': '20' });
    assert.equal(info.kind, 'rate_limit');
    assert.equal(info.providerCode, 'insufficient_quota');
    assert.equal(info.retryable, false);
    assert.equal(info.retryAfter, '20');
  });

  it('re-encoded, a recorded error keeps its message, param and code', () => {
    const info = codec.decodeError(400, readConformanceText('openai', 'responses-error-400.json'), {});
    const encoded = codec.encodeError({ ...info, code: info.providerCode ?? 'x' }, 'req_9');
    assert.equal(encoded.status, 400);
    assert.deepEqual(encoded.body, readConformanceJson('openai', 'responses-error-400.json'));
    assert.equal(encoded.headers['x-request-id'], 'req_9');
  });
});

it('context: encoded streams report the model and ids of the encode context', () => {
  const parts = decodeStreamText(readConformanceText('openai', 'responses-text.stream.sse'));
  const events = encodedEvents(encodeStreamParts(parts, testContext));
  const completed = events.at(-1)?.['response'] as Record<string, unknown>;
  assert.equal(completed['model'], 'test-model');
  assert.equal(completed['id'], 'resp_00592e63e61b66660169fab1b9f8e481a2b321356198d7ac1b');
});
