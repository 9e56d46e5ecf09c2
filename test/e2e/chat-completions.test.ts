import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startHarness, type Harness } from '../support/harness.js';

/** The official openai SDK, through the gateway, to the emulator. */
describe('chat completions through the gateway (openai SDK)', () => {
  let harness: Harness;
  let client: OpenAI;

  before(async () => {
    harness = await startHarness();
    client = new OpenAI({ baseURL: harness.baseURL, apiKey: 'client-key', maxRetries: 0 });
  });
  after(() => harness.close());

  const weatherTool = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
        required: ['city', 'unit'],
        additionalProperties: false,
      },
    },
  };

  it('answers a plain request through a route alias and says what served it', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'default', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }] })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.ok((data.choices[0]?.message.content ?? '').length > 0);
    assert.equal(response.headers.get('x-switchyard-route'), 'default');
    assert.equal(response.headers.get('x-switchyard-model'), 'emulator/gpt-5.5');
    assert.match(response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
    const sent = harness.emulator.received().at(-1)!;
    assert.equal((sent.json as { model: string }).model, 'gpt-5.5');
    assert.equal(sent.headers.authorization, 'Bearer sk-emulator-secret-0123456789', 'the provider key replaces the client key');
  });

  it('streams text that accumulates to exactly what the emulator generates without streaming', async () => {
    const messages = [{ role: 'user' as const, content: 'Tell me about rivers [[tokens: 80]]' }];
    const whole = await client.chat.completions.create({ model: 'fast', messages });
    const stream = await client.chat.completions.create({ model: 'fast', messages, stream: true });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      chunks += 1;
    }
    assert.ok(chunks > 5, `expected many chunks, got ${chunks}`);
    assert.equal(text, whole.choices[0]?.message.content);
  });

  it('streams tool calls whose argument deltas reassemble into schema-valid JSON', async () => {
    const stream = client.chat.completions.stream({
      model: 'default',
      messages: [{ role: 'user', content: 'Call get_weather for Paris' }],
      tools: [weatherTool],
      tool_choice: 'required',
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    assert.ok(call !== undefined && call.type === 'function');
    assert.equal(call.function.name, 'get_weather');
    const args = JSON.parse(call.function.arguments) as { city: unknown; unit: unknown };
    assert.equal(typeof args.city, 'string');
    assert.ok(args.unit === 'celsius' || args.unit === 'fahrenheit');
    assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
  });

  it('carries parallel tool calls, each with its own id and arguments', async () => {
    const timeTool = { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } } };
    const stream = client.chat.completions.stream({
      model: 'default',
      messages: [{ role: 'user', content: 'Use get_weather and get_time for Tokyo' }],
      tools: [weatherTool, timeTool],
    });
    const calls = (await stream.finalChatCompletion()).choices[0]?.message.tool_calls ?? [];
    assert.equal(calls.length, 2);
    assert.notEqual(calls[0]?.id, calls[1]?.id);
    for (const call of calls) assert.ok(call.type === 'function' && typeof JSON.parse(call.function.arguments) === 'object');
  });

  it('passes images in the request through untouched', async () => {
    const dataUrl = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
    const reply = await client.chat.completions.create({
      model: 'default',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: dataUrl, detail: 'low' } }] }],
    });
    assert.match(reply.choices[0]?.message.content ?? '', /image/i);
    const sent = harness.emulator.received().at(-1)!.json as { messages: Array<{ content: Array<{ image_url?: { url: string; detail: string } }> }> };
    assert.deepEqual(sent.messages[0]?.content[1]?.image_url, { url: dataUrl, detail: 'low' });
  });

  it('ends a stream with the usage chunk only when the caller asks for it', async () => {
    const messages = [{ role: 'user' as const, content: 'Count to three' }];
    const withUsage = await client.chat.completions.create({ model: 'default', messages, stream: true, stream_options: { include_usage: true } });
    let usage: OpenAI.CompletionUsage | undefined | null;
    let usageChunkHadNoChoices = false;
    for await (const chunk of withUsage) {
      if (chunk.usage) {
        usage = chunk.usage;
        usageChunkHadNoChoices = chunk.choices.length === 0;
      }
    }
    assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens > 0);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.ok(usageChunkHadNoChoices);

    const without = await client.chat.completions.create({ model: 'default', messages, stream: true });
    for await (const chunk of without) assert.ok(!chunk.usage, 'no usage chunk unless asked');
  });

  it('keeps n, logprobs and response_format as OpenAI answers them', async () => {
    const reply = await client.chat.completions.create({
      model: 'default',
      n: 2,
      logprobs: true,
      top_logprobs: 2,
      messages: [{ role: 'user', content: 'Give me a person' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'person', strict: true, schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false } },
      },
    });
    assert.equal(reply.choices.length, 2);
    for (const choice of reply.choices) {
      const person = JSON.parse(choice.message.content ?? '') as { name: unknown; age: unknown };
      assert.equal(typeof person.name, 'string');
      assert.ok(Number.isInteger(person.age));
      assert.ok((choice.logprobs?.content?.length ?? 0) > 0);
    }
  });

  it('forwards a field it does not know to the provider, and the provider fields it does not know to the client', async () => {
    // Written by hand so that bytes JSON.parse would change (a big integer, 2.50, spacing) can be compared.
    const raw = '{"model": "default", "messages":[{"role":"user","content":"hi"}], "x_vendor_extension":{"keep":[1, 2.50, "three"], "id": 12345678901234567890}}';
    const response = await fetch(`${harness.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    const reply = (await response.json()) as Record<string, unknown>;
    const sent = harness.emulator.received().at(-1)!;
    assert.equal(sent.bodyText, raw.replace('"model": "default"', '"model": "gpt-5.5"'), 'same bytes except model');
    assert.ok('system_fingerprint' in reply && 'service_tier' in reply, 'provider-only response fields reach the client');

    const stream = await fetch(`${harness.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'default', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.match(await stream.text(), /"obfuscation":/, 'unknown chunk fields survive');
  });

  it('lists route aliases and catalog models', async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    assert.deepEqual(ids.sort(), ['default', 'emulator/gpt-5.5', 'fast']);
  });
});
