/**
 * End to end with the official OpenAI SDK as the client: if the SDK accepts what the emulator
 * sends, the gateway's provider client will see real-looking traffic.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { startEmulator, type RunningEmulator } from './index.js';

const weatherTool: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
        details: { type: 'object', properties: { wind: { type: 'boolean' }, hours: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 23 }, minItems: 1 } }, required: ['wind', 'hours'], additionalProperties: false },
      },
      required: ['city', 'unit', 'days', 'details'],
      additionalProperties: false,
    },
    strict: true,
  },
};
const stockTool: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_stock_price', description: 'Latest stock price', parameters: { type: 'object', properties: { ticker: { type: 'string' } }, required: ['ticker'], additionalProperties: false } },
};

function validates(schema: unknown, value: unknown): boolean {
  return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value).success;
}

describe('emulator with the OpenAI SDK', () => {
  let emulator: RunningEmulator;
  let client: OpenAI;

  before(async () => {
    emulator = await startEmulator({ timeScale: 0 });
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${emulator.url}/openai/v1`, maxRetries: 0 });
  });
  after(() => emulator.close());

  it('answers a plain request with every field the real API sends', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'How do tides work?' }] });
    assert.match(completion.id, /^chatcmpl-[A-Za-z0-9]{29}$/);
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, 'gpt-5.5-2026-04-23');
    assert.equal(completion.service_tier, 'default');
    assert.match(completion.system_fingerprint ?? '', /^fp_/);
    const choice = completion.choices[0];
    assert.equal(choice?.finish_reason, 'stop');
    assert.equal(choice?.message.refusal, null);
    assert.deepEqual(choice?.message.annotations, []);
    assert.ok((choice?.message.content ?? '').length > 20);
    const usage = completion.usage;
    assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens > 0);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.deepEqual(usage.prompt_tokens_details, { cached_tokens: 0, audio_tokens: 0 });
    assert.deepEqual(usage.completion_tokens_details, { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 });
  });

  it('streams the same text it returns without streaming, with usage last', async () => {
    const request: ChatCompletionCreateParamsNonStreaming = { model: 'claude-sonnet-4-6', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Why is the sky blue?' }] };
    const plain = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, plain.choices[0]?.message.content);
    assert.ok(chunks.length > 10, 'text arrives in many small deltas');
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.deepEqual(last?.usage, plain.usage);
    assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null));
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, 'stop');
  });

  it('streams tool-call arguments that reassemble into schema-valid JSON', async () => {
    const request = { model: 'gpt-5.4', messages: [{ role: 'user' as const, content: "What's the weather in Lisbon this week?" }], tools: [weatherTool, stockTool] };
    const plain = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      finish = choice?.finish_reason ?? finish;
      for (const delta of choice?.delta.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { arguments: '' };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name = delta.function.name;
        call.arguments += delta.function?.arguments ?? '';
        calls.set(delta.index, call);
      }
    }
    assert.equal(finish, 'tool_calls');
    assert.equal(calls.size, 1);
    const call = calls.get(0);
    assert.equal(call?.name, 'get_weather');
    const parsed: unknown = JSON.parse(call?.arguments ?? '');
    assert.ok(validates(weatherTool.function.parameters, parsed), call?.arguments);
    assert.equal((parsed as { city: string }).city, 'Lisbon');
    const plainCall = plain.choices[0]?.message.tool_calls?.[0];
    assert.equal(plain.choices[0]?.message.content, null);
    assert.ok(plainCall?.type === 'function');
    assert.deepEqual([plainCall.id, plainCall.function.arguments], [call?.id, call?.arguments]);
  });

  it('makes parallel tool calls when several tools are named', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-5.5', stream: true, tools: [weatherTool, stockTool],
      messages: [{ role: 'user', content: 'Call get_weather for Paris and get_stock_price for NVDA.' }],
    });
    const headers: Array<{ index: number; id: string; name: string }> = [];
    const argumentsByIndex: string[] = [];
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        if (delta.id) headers.push({ index: delta.index, id: delta.id, name: delta.function?.name ?? '' });
        argumentsByIndex[delta.index] = (argumentsByIndex[delta.index] ?? '') + (delta.function?.arguments ?? '');
      }
    }
    assert.deepEqual(headers.map((header) => [header.index, header.name]), [[0, 'get_weather'], [1, 'get_stock_price']]);
    assert.notEqual(headers[0]?.id, headers[1]?.id);
    assert.ok(validates(weatherTool.function.parameters, JSON.parse(argumentsByIndex[0] ?? '')));
    assert.deepEqual(JSON.parse(argumentsByIndex[1] ?? ''), { ticker: 'NVDA' });
  });

  it('answers with text that uses a tool result', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-5.5', tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Get the weather in Oslo.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'call_abc', content: 'Snow, -3°C' },
      ],
    });
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.match(completion.choices[0]?.message.content ?? '', /get_weather tool returned: Snow, -3°C/);
  });

  it('returns n distinct choices', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-5.5', n: 2, messages: [{ role: 'user', content: 'Suggest a name for a cat.' }] });
    assert.deepEqual(completion.choices.map((choice) => choice.index), [0, 1]);
    assert.notEqual(completion.choices[0]?.message.content, completion.choices[1]?.message.content);
  });

  it('returns JSON valid against a json_schema response format', async () => {
    const schema = { type: 'object', properties: { title: { type: 'string' }, year: { type: 'integer', minimum: 1900, maximum: 2030 }, genres: { type: 'array', items: { type: 'string', enum: ['drama', 'comedy', 'sci-fi'] } } }, required: ['title', 'year', 'genres'], additionalProperties: false };
    const completion = await client.chat.completions.create({
      model: 'gpt-5.5', messages: [{ role: 'user', content: 'Recommend a film.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'film', schema, strict: true } },
    });
    assert.ok(validates(schema, JSON.parse(completion.choices[0]?.message.content ?? '')));
    const loose = await client.chat.completions.create({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'Recommend a film as JSON.' }], response_format: { type: 'json_object' } });
    assert.equal(typeof JSON.parse(loose.choices[0]?.message.content ?? ''), 'object');
  });

  it('honours test hooks, output limits, reasoning effort and logprobs', async () => {
    const exact = await client.chat.completions.create({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'Say [[reply: Exactly this.]]' }] });
    assert.equal(exact.choices[0]?.message.content, 'Exactly this.');
    const sized = await client.chat.completions.create({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'Talk [[tokens: 40]]' }] });
    assert.equal(sized.usage?.completion_tokens, 40);
    const cut = await client.chat.completions.create({ model: 'gpt-5.5', max_completion_tokens: 3, messages: [{ role: 'user', content: 'Talk a lot.' }] });
    assert.deepEqual([cut.choices[0]?.finish_reason, cut.usage?.completion_tokens], ['length', 3]);
    const reasoned = await client.chat.completions.create({ model: 'gpt-5.5-pro', reasoning_effort: 'medium', messages: [{ role: 'user', content: 'Plan a garden.' }] });
    const reasoning = reasoned.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    assert.ok(reasoning > 0 && reasoning % 64 === 0);
    assert.ok((reasoned.usage?.completion_tokens ?? 0) > reasoning);
    const withLogprobs = await client.chat.completions.create({ model: 'gpt-5.5', logprobs: true, top_logprobs: 2, messages: [{ role: 'user', content: '[[reply: Hello world]]' }] });
    const entries = withLogprobs.choices[0]?.logprobs?.content ?? [];
    assert.equal(entries.map((entry) => entry.token).join(''), 'Hello world');
    assert.ok(entries.every((entry) => entry.top_logprobs.length === 2 && entry.bytes !== null));
  });

  it('counts images and says how many it saw', async () => {
    const completion = await client.chat.completions.create({
      model: 'gemini-3.1-pro',
      messages: [{ role: 'user', content: [
        { type: 'text', text: 'Compare these.' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
      ] }],
    });
    assert.match(completion.choices[0]?.message.content ?? '', /I can see 2 images/);
    assert.ok((completion.usage?.prompt_tokens ?? 0) > 765 + 85);
  });

  it('reports cached prompt tokens for a repeated long prefix', async () => {
    const longSystem = 'You are a careful assistant. '.repeat(250);
    const ask = (question: string) => client.chat.completions.create({ model: 'deepseek-v4', messages: [{ role: 'system', content: longSystem }, { role: 'user', content: question }] });
    const first = await ask('First question?');
    assert.equal(first.usage?.prompt_tokens_details?.cached_tokens, 0);
    const second = await ask('Second, different question?');
    const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    assert.ok(cached >= 1024 && cached % 128 === 0 && cached <= (second.usage?.prompt_tokens ?? 0), `cached ${cached}`);
  });

  it('answers deterministically across emulator instances with the same seed', async () => {
    const other = await startEmulator({ timeScale: 0 });
    try {
      const otherClient = new OpenAI({ apiKey: 'sk-test', baseURL: `${other.url}/openai/v1`, maxRetries: 0 });
      const request: ChatCompletionCreateParamsNonStreaming = { model: 'claude-opus-4-7', messages: [{ role: 'user', content: 'Summarise the history of tea.' }] };
      const [first, second] = await Promise.all([client.chat.completions.create(request), otherClient.chat.completions.create(request)]);
      assert.equal(first.choices[0]?.message.content, second.choices[0]?.message.content);
    } finally {
      await other.close();
    }
  });

  it('lists the catalog', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    for (const name of ['gpt-5.5', 'gpt-5.5-pro', 'gpt-5.4', 'claude-opus-4-7', 'claude-sonnet-4-6', 'claude-haiku-4-5', 'gemini-3.1-pro', 'deepseek-v4']) assert.ok(models.includes(name), name);
  });
});
