import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { startHarness, type Harness } from '../support/harness.js';

/**
 * Clients of other protocols served by an OpenAI-protocol model (the emulator's Chat Completions):
 * every request, answer, stream and error crosses the canonical model twice.
 */
describe('cross-protocol: official SDKs served by an OpenAI-protocol model', () => {
  let harness: Harness;
  let anthropic: Anthropic;

  before(async () => {
    harness = await startHarness();
    anthropic = new Anthropic({ baseURL: harness.server.url, apiKey: 'client-key', maxRetries: 0 });
  });
  after(() => harness.close());

  const weatherTool = {
    name: 'get_weather',
    description: 'Current weather for a city',
    input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
  };

  it('@anthropic-ai/sdk messages.create gets an Anthropic message', async () => {
    const message = await anthropic.messages.create({
      model: 'default',
      max_tokens: 200,
      system: 'Be brief.',
      messages: [{ role: 'user', content: '[[reply: Hello from the other side]]' }],
    });
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.content.length, 1);
    assert.equal(message.content[0]?.type === 'text' && message.content[0].text, 'Hello from the other side');
    assert.equal(message.stop_reason, 'end_turn');
    assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
    const sent = harness.emulator.received().at(-1)!.json as { messages: Array<{ role: string }>; max_completion_tokens: number };
    assert.equal(sent.messages[0]?.role, 'system', 'the Anthropic system prompt became a system message');
    assert.equal(sent.max_completion_tokens, 200);
  });

  it('@anthropic-ai/sdk messages.stream().finalMessage() accumulates the same text', async () => {
    const params = { model: 'fast', max_tokens: 300, messages: [{ role: 'user' as const, content: 'Explain tides [[tokens: 60]]' }] };
    const whole = await anthropic.messages.create(params);
    const events: string[] = [];
    const stream = anthropic.messages.stream(params).on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    assert.equal(final.content[0]?.type === 'text' && final.content[0].text, whole.content[0]?.type === 'text' && whole.content[0].text);
    assert.equal(events[0], 'message_start');
    assert.equal(events.at(-1), 'message_stop');
    assert.ok(events.includes('content_block_delta') && events.includes('message_delta'));
    assert.ok(final.usage.output_tokens > 0);
  });

  it('@anthropic-ai/sdk tool use: a tool_use block, then a tool_result turn answered in text', async () => {
    const first = await anthropic.messages.create({
      model: 'default',
      max_tokens: 300,
      tools: [weatherTool],
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
    });
    assert.equal(first.stop_reason, 'tool_use');
    const call = first.content.find((block) => block.type === 'tool_use');
    assert.ok(call && call.type === 'tool_use');
    assert.equal(call.name, 'get_weather');
    assert.equal(typeof (call.input as { city: unknown }).city, 'string');

    const stream = anthropic.messages.stream({
      model: 'default',
      max_tokens: 300,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'What is the weather in Oslo?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '7°C and raining' }] },
      ],
    });
    const second = await stream.finalMessage();
    assert.equal(second.stop_reason, 'end_turn');
    const sent = harness.emulator.received().at(-1)!.json as { messages: Array<{ role: string; tool_call_id?: string; tool_calls?: Array<{ id: string }> }> };
    const assistant = sent.messages.find((message) => message.role === 'assistant');
    const tool = sent.messages.find((message) => message.role === 'tool');
    assert.equal(assistant?.tool_calls?.[0]?.id, call.id, 'tool call ids are stable across turns');
    assert.equal(tool?.tool_call_id, call.id);
  });

  it("a provider's 529 reaches an Anthropic client as overloaded_error with the same status", async () => {
    await assert.rejects(
      anthropic.messages.create({ model: 'default', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-emulator-fault': 'status=529' } }),
      (error: unknown) => {
        assert.ok(error instanceof Anthropic.APIError);
        assert.equal(error.status, 529);
        assert.equal((error.error as { error?: { type?: string } }).error?.type, 'overloaded_error');
        return true;
      },
    );
  });

  it('a malformed Anthropic request gets an Anthropic invalid_request_error naming the field', async () => {
    const response = await fetch(`${harness.server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'default', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AAAA' } }] }] }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /media_type/);
  });

  it('openai responses.create and responses.stream are served by a Chat model', async () => {
    const client = new OpenAI({ baseURL: harness.baseURL, apiKey: 'x', maxRetries: 0 });
    const response = await client.responses.create({ model: 'default', instructions: 'Be brief.', input: '[[reply: responses work]]' });
    assert.equal(response.object, 'response');
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, 'responses work');
    assert.ok((response.usage?.input_tokens ?? 0) > 0);

    const stream = client.responses.stream({ model: 'default', input: '[[reply: streamed responses work]]' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    assert.equal(final.output_text, 'streamed responses work');
    assert.equal(deltas.join(''), 'streamed responses work');
  });

  it('@google/genai generateContent and generateContentStream are served by a Chat model', async () => {
    const google = new GoogleGenAI({ apiKey: 'client-key', httpOptions: { baseUrl: harness.server.url } });
    const result = await google.models.generateContent({
      model: 'default',
      contents: '[[reply: gemini clients welcome]]',
      config: { systemInstruction: 'Be brief.' },
    });
    assert.equal(result.text, 'gemini clients welcome');
    assert.ok((result.usageMetadata?.promptTokenCount ?? 0) > 0);

    let text = '';
    for await (const chunk of await google.models.generateContentStream({ model: 'default', contents: '[[reply: streamed to gemini]]' })) text += chunk.text ?? '';
    assert.equal(text, 'streamed to gemini');
  });
});
