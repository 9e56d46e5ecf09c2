import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import type { CanonicalResponse, StreamPart } from '../../canonical/types.js';
import { GatewayError, toRenderable } from '../../errors/catalogue.js';
import { readConformanceText } from '../../testing/conformance.js';
import { openaiResponsesCodec as codec } from './index.js';
import { decodeStreamText, encodeStreamParts, recordedCompletedResponse, responseToParts, testContext } from './testing-helpers.js';
import type { OutputItem, ResponseObject } from './wire-types.js';

/**
 * The official `openai` SDK as the client of what this codec encodes: streams go through
 * `client.responses.stream()` (whose accumulator validates item identity, output indexes and
 * completeness) and `client.responses.create({stream:true})`; bodies and errors through `create`.
 */

function clientServing(body: string, init: { status?: number; headers?: Record<string, string> } = {}): OpenAI {
  return new OpenAI({
    apiKey: 'test-key',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 0,
    fetch: async () => new Response(body, { status: init.status ?? 200, headers: { 'content-type': 'text/event-stream', ...init.headers } }),
  });
}

async function sdkFinalResponse(sse: string): Promise<{ response: OpenAI.Responses.Response; events: string[] }> {
  const stream = clientServing(sse).responses.stream({ model: 'test-model', input: 'hi' });
  const events: string[] = [];
  stream.on('event', (event) => events.push(event.type));
  const response = await stream.finalResponse();
  return { response, events };
}

function textOf(response: CanonicalResponse): string {
  return response.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

// Compile-time: the objects this codec writes fit the SDK's own types (fields the SDK marks as
// required but OpenAI's recorded traffic lacks or sets to null — `access_programs`, `user`, `usage`
// while in progress, `cache_write_tokens` — and `error.code`, which the SDK types as a closed list while
// real streams carry others such as insufficient_quota, are left out).
type SdkResponseShape = Omit<OpenAI.Responses.Response, 'output_text' | 'access_programs' | 'user' | 'error' | 'usage'>;
export const responseFitsSdk = (response: ResponseObject): SdkResponseShape => response;
export const outputItemFitsSdk = (item: OutputItem): OpenAI.Responses.ResponseOutputItem => item;

describe('the openai SDK reads encoded streams', () => {
  for (const file of ['responses-text.stream.sse', 'responses-tool-call.stream.sse', 'responses-reasoning-summary.stream.sse', 'responses-tool-result.stream.sse']) {
    it(`${file}, decoded and re-encoded`, async () => {
      const parts = decodeStreamText(readConformanceText('openai', file));
      const { response, events } = await sdkFinalResponse(encodeStreamParts(parts));
      const canonical = codec.decodeResponse(response);
      const expected = codec.decodeResponse(recordedCompletedResponse(readConformanceText('openai', file)));
      assert.equal(response.status, 'completed');
      assert.equal(response.output_text, textOf(expected));
      assert.deepEqual(
        canonical.content.map((part) => part.type),
        expected.content.map((part) => part.type),
      );
      assert.deepEqual(canonical.usage, expected.usage);
      assert.equal(events[0], 'response.created');
      assert.equal(events.at(-1), 'response.completed');
    });
  }

  it('a mixed turn: foreign reasoning, OpenAI reasoning, text, a refusal and two calls', async () => {
    const parts: StreamPart[] = [
      { type: 'response-start', id: 'msg_01Anthropic', model: 'claude', created: 1_700_000_000 },
      { type: 'reasoning-start', block: 0, origin: 'anthropic' },
      { type: 'reasoning-delta', block: 0, text: 'Thinking in Claude.' },
      { type: 'reasoning-end', block: 0, signature: 'sig-stays-behind' },
      { type: 'reasoning-start', block: 1, origin: 'openai', itemId: 'rs_1' },
      { type: 'reasoning-end', block: 1, encryptedContent: 'gAAAA-opaque' },
      { type: 'text-start', block: 2 },
      { type: 'text-delta', block: 2, text: 'Hello ' },
      { type: 'text-delta', block: 2, text: 'there.' },
      { type: 'text-end', block: 2 },
      { type: 'refusal-delta', block: 3, text: 'I cannot do part of that.' },
      { type: 'tool-call-start', block: 4, id: 'call_a', name: 'lookup' },
      { type: 'tool-call-start', block: 5, id: 'call_b', name: 'ping' },
      { type: 'tool-call-delta', block: 4, argumentsDelta: '{"q":' },
      { type: 'tool-call-delta', block: 4, argumentsDelta: '"x"}' },
      { type: 'tool-call-end', block: 4 },
      { type: 'tool-call-end', block: 5 },
      { type: 'finish', finishReason: 'tool-calls', usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 2 } },
    ];
    const { response } = await sdkFinalResponse(encodeStreamParts(parts));
    assert.deepEqual(
      response.output.map((item) => item.type),
      ['reasoning', 'reasoning', 'message', 'function_call', 'function_call'],
    );
    assert.equal(response.output_text, 'Hello there.');
    const calls = response.output.filter((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call');
    assert.deepEqual(
      calls.map((call) => [call.call_id, call.arguments]),
      [
        ['call_a', '{"q":"x"}'],
        ['call_b', '{}'],
      ],
    );
    assert.equal(response.usage?.total_tokens, 15);
    assert.equal(response.usage?.input_tokens_details.cached_tokens, 4);
  });

  it('an output limit: response.incomplete with reason max_output_tokens', async () => {
    const parts: StreamPart[] = [
      { type: 'response-start', id: 'x', model: 'm', created: 1 },
      { type: 'text-start', block: 0 },
      { type: 'text-delta', block: 0, text: 'Cut o' },
      { type: 'finish', finishReason: 'length', usage: { inputTokens: 3, outputTokens: 1 } },
    ];
    const { response, events } = await sdkFinalResponse(encodeStreamParts(parts));
    assert.equal(response.status, 'incomplete');
    assert.equal(response.incomplete_details?.reason, 'max_output_tokens');
    assert.equal(response.output_text, 'Cut o');
    assert.equal(events.at(-1), 'response.incomplete');
  });

  it('an error after the stream began: the SDK raises it with its code', async () => {
    const parts: StreamPart[] = [
      { type: 'response-start', id: 'x', model: 'm', created: 1 },
      { type: 'text-start', block: 0 },
      { type: 'text-delta', block: 0, text: 'Part' },
      { type: 'error', error: { status: 529, kind: 'overloaded', message: 'Overloaded' } },
    ];
    await assert.rejects(sdkFinalResponse(encodeStreamParts(parts)), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.code, 'overloaded');
      assert.match(error.message, /Overloaded/);
      return true;
    });
  });

  it('responses.create({stream:true}) yields every event with its type', async () => {
    const sse = encodeStreamParts(decodeStreamText(readConformanceText('openai', 'responses-tool-call.stream.sse')));
    const stream = await clientServing(sse).responses.create({ model: 'test-model', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    assert.equal(types.length, sse.split('event: ').length - 1);
    assert.equal(types.filter((type) => type === 'response.function_call_arguments.delta').length, 11);
  });

  it('a canonical response streamed from scratch (ids minted from the request id)', async () => {
    const canonical: CanonicalResponse = {
      id: '',
      model: 'gemini-2.5-pro',
      created: 5,
      content: [{ type: 'text', text: 'From Gemini.' }],
      finishReason: 'stop',
      usage: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    };
    const { response } = await sdkFinalResponse(encodeStreamParts(responseToParts(canonical), testContext));
    assert.ok(response.id.startsWith('resp_'));
    assert.equal(response.model, 'test-model');
    assert.ok(response.output[0]?.type === 'message' && response.output[0].id.startsWith('msg_'));
  });
});

describe('the openai SDK reads encoded bodies', () => {
  it('a non-streaming response: output_text, items and usage', async () => {
    const canonical: CanonicalResponse = {
      id: 'chatcmpl-123',
      model: 'gpt-4o',
      created: 1_700_000_000,
      content: [
        { type: 'text', text: 'Calling a tool.' },
        { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"a":1}' },
      ],
      finishReason: 'tool-calls',
      usage: { inputTokens: 9, outputTokens: 4, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    };
    const body = JSON.stringify(codec.encodeResponse(canonical, testContext));
    const response = await clientServing(body, { headers: { 'content-type': 'application/json' } }).responses.create({ model: 'test-model', input: 'hi' });
    assert.equal(response.id, 'resp_chatcmpl-123');
    assert.equal(response.output_text, 'Calling a tool.');
    assert.equal(response.output[1]?.type, 'function_call');
    assert.equal(response.usage?.total_tokens, 13);
  });

  it('errors: class, status, code, param, request id and retry-after', async () => {
    const cases: Array<{ error: Parameters<typeof codec.encodeError>[0]; status: number; kind: new (...args: never[]) => InstanceType<typeof OpenAI.APIError> }> = [
      { error: toRenderable(new GatewayError('unsupported_feature', 'stop: no stop sequences', { param: 'stop' })), status: 400, kind: OpenAI.BadRequestError },
      { error: { status: 429, kind: 'rate_limit', message: 'Slow down', code: 'rate_limit_exceeded', retryAfter: '7' }, status: 429, kind: OpenAI.RateLimitError },
      { error: { status: 529, kind: 'overloaded', message: 'Overloaded', code: 'overloaded_error' }, status: 503, kind: OpenAI.InternalServerError },
      { error: { status: 504, kind: 'timeout', message: 'The provider did not answer in time' }, status: 504, kind: OpenAI.InternalServerError },
      { error: { status: 401, kind: 'authentication', message: 'Bad key' }, status: 401, kind: OpenAI.AuthenticationError },
    ];
    for (const { error, status, kind } of cases) {
      const encoded = codec.encodeError(error, 'req_abc');
      assert.equal(encoded.status, status);
      const client = clientServing(JSON.stringify(encoded.body), { status: encoded.status, headers: encoded.headers });
      await assert.rejects(client.responses.create({ model: 'test-model', input: 'hi' }), (thrown: unknown) => {
        assert.ok(thrown instanceof kind, `${status} is a ${kind.name}`);
        assert.ok(thrown instanceof OpenAI.APIError);
        assert.equal(thrown.status, status);
        assert.equal(thrown.requestID, 'req_abc');
        assert.equal(thrown.code ?? undefined, error.code ?? (error.kind === 'timeout' ? 'timeout' : undefined));
        assert.equal(thrown.param ?? undefined, error.param);
        if (error.retryAfter !== undefined) assert.equal(thrown.headers?.get('retry-after'), error.retryAfter);
        if (error.kind === 'overloaded') assert.match(thrown.message, /overloaded/i);
        return true;
      });
    }
  });

  it('an encoded request is what the SDK would send for the same call', async () => {
    let sent: unknown;
    const client = new OpenAI({
      apiKey: 'k',
      baseURL: 'http://gateway.test/v1',
      fetch: async (_url, init) => {
        sent = JSON.parse(String(init?.body));
        return new Response(JSON.stringify(codec.encodeResponse({ id: 'resp_1', model: 'm', created: 1, content: [], finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } }, testContext)), {
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    const params = {
      model: 'gpt-5',
      instructions: 'Be brief.',
      input: [{ type: 'message' as const, role: 'user' as const, content: [{ type: 'input_text' as const, text: 'Hi' }] }],
      tools: [{ type: 'function' as const, name: 'f', description: 'F.', parameters: { type: 'object', properties: {} }, strict: false }],
      store: false as const,
      stream: false as const,
    };
    await client.responses.create(params);
    const encoded = codec.encodeRequest(codec.decodeRequest(params), 'gpt-5');
    assert.deepEqual(encoded, sent);
  });
});
