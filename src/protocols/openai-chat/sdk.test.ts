import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { CanonicalRequest, CanonicalResponse, StreamPart } from '../../canonical/types.js';
import { openaiChatCodec as codec } from './index.js';
import { partsFromResponse } from './test-support.js';

/**
 * The official `openai` SDK as the client of this codec's output: a local server decodes what the SDK
 * sends and answers with encoded canonical responses, streamed part by part as the gateway would.
 */

const weatherArgs = { city: 'São Paulo', units: 'c', days: [1, 2, 3], nested: { quote: 'a "quoted" \\ word' } };
const timeArgs = {};

function cannedResponse(model: string): CanonicalResponse {
  const content: CanonicalResponse['content'] = [
    { type: 'reasoning', text: 'The user wants weather and time.', origin: 'anthropic', signature: 'sig' },
    { type: 'text', text: 'Let me check both — one moment.' },
    { type: 'tool-call', id: 'toolu_01', name: 'get_weather', arguments: JSON.stringify(weatherArgs) },
    { type: 'tool-call', id: 'toolu_02', name: 'get_time', arguments: JSON.stringify(timeArgs) },
  ];
  return {
    id: 'msg_01abc',
    model,
    created: 1_750_000_000,
    content,
    finishReason: 'tool-calls',
    usage: { inputTokens: 1532, outputTokens: 88, cachedInputTokens: 1111, cacheWriteTokens: 418, reasoningTokens: 0 },
  };
}

let lastRequest: CanonicalRequest | undefined;

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const canonical = codec.decodeRequest(await readBody(request));
  lastRequest = canonical;
  const context = { requestId: 'req_sdk', model: canonical.model, includeUsage: canonical.streamIncludeUsage === true };
  if (canonical.model === 'overloaded') {
    const error = codec.encodeError({ status: 529, kind: 'overloaded', message: 'Overloaded', code: 'overloaded_error', retryAfter: '3' }, 'req_sdk');
    response.writeHead(error.status, error.headers).end(JSON.stringify(error.body));
    return;
  }
  if (!canonical.stream) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(codec.encodeResponse(cannedResponse(canonical.model), context)));
    return;
  }
  let parts: StreamPart[] = partsFromResponse(cannedResponse(canonical.model), 4);
  if (canonical.model === 'midstream-error') {
    const firstText = parts.findIndex((part) => part.type === 'text-delta');
    parts = [...parts.slice(0, firstText + 2), { type: 'error', error: { status: 529, kind: 'overloaded', message: 'Overloaded' } }];
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': 'req_sdk' });
  const encoder = codec.createStreamEncoder(context);
  for (const part of parts) {
    const text = encoder.encode(part);
    if (text !== '') response.write(text);
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end(encoder.end());
}

describe('the openai SDK reads what this codec writes', () => {
  let server: Server;
  let client: OpenAI;
  const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
  ];
  const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Weather and time in São Paulo?' },
  ];

  before(async () => {
    server = createServer((request, response) => {
      handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('chat.completions.create({stream:true}) yields chunks whose tool-call deltas reassemble into the original JSON', async () => {
    const stream = await client.chat.completions.create({ model: 'claude-sonnet', messages, tools, stream: true, stream_options: { include_usage: true } });
    let text = '';
    const args = new Map<number, { id?: string; name?: string; arguments: string }>();
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    const ids = new Set<string>();
    for await (const chunk of stream) {
      ids.add(chunk.id);
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (choice === undefined) continue;
      text += choice.delta.content ?? '';
      for (const call of choice.delta.tool_calls ?? []) {
        const entry = args.get(call.index) ?? { arguments: '' };
        if (call.id !== undefined) entry.id = call.id;
        if (call.function?.name !== undefined) entry.name = call.function.name;
        entry.arguments += call.function?.arguments ?? '';
        args.set(call.index, entry);
      }
      finish = choice.finish_reason ?? finish;
    }
    assert.equal(lastRequest?.streamIncludeUsage, true);
    assert.deepEqual([...ids], ['chatcmpl-msg_01abc']);
    assert.equal(text, 'Let me check both — one moment.');
    assert.deepEqual([...args.keys()], [0, 1]);
    assert.deepEqual(args.get(0), { id: 'toolu_01', name: 'get_weather', arguments: JSON.stringify(weatherArgs) });
    assert.deepEqual(JSON.parse(args.get(0)?.arguments ?? ''), weatherArgs);
    assert.deepEqual(JSON.parse(args.get(1)?.arguments ?? ''), timeArgs);
    assert.equal(finish, 'tool_calls');
    assert.equal(usage?.prompt_tokens, 1532);
    assert.equal(usage?.prompt_tokens_details?.cached_tokens, 1111);
    assert.equal(usage?.total_tokens, 1620);
  });

  it('chat.completions.stream() helper: finalChatCompletion() holds the message, both calls and usage', async () => {
    const runner = client.chat.completions.stream({ model: 'claude-sonnet', messages, tools, stream_options: { include_usage: true } });
    const deltas: string[] = [];
    runner.on('content.delta', ({ delta }) => deltas.push(delta));
    const completion = await runner.finalChatCompletion();
    const choice = completion.choices[0];
    assert.equal(choice?.message.role, 'assistant');
    assert.equal(choice?.message.content, 'Let me check both — one moment.');
    assert.equal(deltas.join(''), 'Let me check both — one moment.');
    assert.equal(choice?.finish_reason, 'tool_calls');
    const calls = (choice?.message.tool_calls ?? []).map((call) => (call.type === 'function' ? [call.id, call.function.name, JSON.parse(call.function.arguments) as unknown] : []));
    assert.deepEqual(calls, [
      ['toolu_01', 'get_weather', weatherArgs],
      ['toolu_02', 'get_time', timeArgs],
    ]);
    assert.equal(completion.usage?.completion_tokens, 88);
    assert.equal(completion.model, 'claude-sonnet');
  });

  it('without include_usage the stream has no usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'claude-sonnet', messages, stream: true });
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      assert.ok(chunk.usage === undefined || chunk.usage === null);
      assert.equal(chunk.choices.length, 1);
    }
    assert.ok(chunks > 5);
  });

  it('chat.completions.create() non-streaming parses the encoded body', async () => {
    const completion = await client.chat.completions.create({ model: 'claude-sonnet', messages, tools });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0]?.message.content, 'Let me check both — one moment.');
    assert.equal(completion.choices[0]?.message.tool_calls?.length, 2);
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 1111);
  });

  it('an encoded error reaches the SDK as an APIError with status, type, code and request id', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'overloaded', messages }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 503);
      assert.equal(error.type, 'server_error');
      assert.equal(error.code, 'overloaded_error');
      assert.equal(error.requestID, 'req_sdk');
      assert.match(error.message, /provider is overloaded/);
      assert.equal(error.headers?.get('retry-after'), '3');
      return true;
    });
  });

  it('an error part mid-stream makes the SDK throw an APIError', async () => {
    const stream = await client.chat.completions.create({ model: 'midstream-error', messages, stream: true });
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
      (error: unknown) => error instanceof OpenAI.APIError && /overloaded/.test(error.message),
    );
    assert.ok(text.length > 0, 'text before the error was delivered');
  });
});
