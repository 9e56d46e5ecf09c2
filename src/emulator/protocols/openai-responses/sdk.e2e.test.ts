/**
 * The Responses route end to end with the official OpenAI SDK as the client: its stream helper
 * checks event order, item identity and sequence numbers, so a wrong frame fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { FunctionTool, ResponseInputItem } from 'openai/resources/responses/responses';
import { startEmulator, type RunningEmulator } from '../../index.js';

const weatherTool: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe('Responses emulation with the OpenAI SDK', () => {
  let emulator: RunningEmulator;
  let client: OpenAI;

  before(async () => {
    emulator = await startEmulator({ timeScale: 0 });
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${emulator.url}/openai/v1`, maxRetries: 0 });
  });
  after(() => emulator.close());

  it('answers the same text streamed and not streamed', async () => {
    const params = { model: 'gpt-5.5', input: 'How do tides work?', instructions: 'Be clear.' };
    const whole = await client.responses.create(params);
    assert.equal(whole.status, 'completed');
    assert.match(whole.id, /^resp_/);
    assert.ok(whole.output_text.length > 0);
    const events: string[] = [];
    const stream = client.responses.stream(params).on('event', (event) => events.push(event.type));
    const final = await stream.finalResponse();
    assert.equal(final.output_text, whole.output_text);
    assert.deepEqual(final.usage, whole.usage);
    assert.equal(events[0], 'response.created');
    assert.equal(events.at(-1), 'response.completed');
  });

  it('runs a function-call loop through previous_response_id', async () => {
    const first = await client.responses.create({ model: 'gpt-5.5', input: 'What is the weather in Lisbon?', tools: [weatherTool] });
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call?.type === 'function_call');
    assert.match(call.id ?? '', /^fc_/);
    assert.match(call.call_id, /^call_/);
    assert.deepEqual(JSON.parse(call.arguments), { city: 'Lisbon' });
    const second = await client.responses.create({
      model: 'gpt-5.5', previous_response_id: first.id, tools: [weatherTool],
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '19°C and sunny' }],
    });
    assert.match(second.output_text, /get_weather tool returned: 19°C and sunny/);
    assert.equal(second.previous_response_id, first.id);
    // The second turn's prompt holds the first turn: more input tokens than the output alone.
    assert.ok((second.usage?.input_tokens ?? 0) > (first.usage?.input_tokens ?? 0));
  });

  it('cannot continue a response that was not stored', async () => {
    const unstored = await client.responses.create({ model: 'gpt-5.5', input: 'hi', store: false });
    await assert.rejects(client.responses.create({ model: 'gpt-5.5', previous_response_id: unstored.id, input: 'again' }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.equal(error.code, 'previous_response_not_found');
      assert.equal(error.param, 'previous_response_id');
      return true;
    });
  });

  it('round-trips encrypted reasoning statelessly and refuses an altered blob', async () => {
    const params = { model: 'gpt-5.5', store: false, include: ['reasoning.encrypted_content' as const], reasoning: { effort: 'low' as const }, tools: [weatherTool] };
    const question: ResponseInputItem = { role: 'user', content: 'What is the weather in Oslo?' };
    const first = await client.responses.create({ ...params, input: [question] });
    const reasoning = first.output.find((item) => item.type === 'reasoning');
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(reasoning?.type === 'reasoning' && call?.type === 'function_call');
    assert.match(reasoning.encrypted_content ?? '', /^gAAAAAB/);
    const replay = (output: typeof first.output): ResponseInputItem[] => [question, ...(output as ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: 'cold' }];
    const second = await client.responses.create({ ...params, input: replay(first.output) });
    assert.equal(second.status, 'completed');
    const altered = first.output.map((item) => (item.type === 'reasoning' ? { ...item, encrypted_content: `${item.encrypted_content?.slice(0, -6) ?? ''}AAAA==` } : item));
    await assert.rejects(client.responses.create({ ...params, input: replay(altered) }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.equal(error.code, 'invalid_encrypted_content');
      return true;
    });
  });

  it('reports a repeated long prefix as cached tokens', async () => {
    const instructions = 'You are a meticulous assistant. '.repeat(220);
    const first = await client.responses.create({ model: 'gpt-5.4', instructions, input: 'First question about caching' });
    const second = await client.responses.create({ model: 'gpt-5.4', instructions, input: 'Second question about caching' });
    assert.equal(first.usage?.input_tokens_details.cached_tokens, 0);
    const cached = second.usage?.input_tokens_details.cached_tokens ?? 0;
    assert.ok(cached >= 1024 && cached % 128 === 0 && cached < (second.usage?.input_tokens ?? 0), `cached ${cached}`);
  });

  it('reports the output limit as incomplete', async () => {
    const response = await client.responses.create({ model: 'gpt-5.5', input: 'Explain tides [[tokens: 100]]', max_output_tokens: 20 });
    assert.equal(response.status, 'incomplete');
    assert.equal(response.incomplete_details?.reason, 'max_output_tokens');
    assert.equal(response.usage?.output_tokens, 20);
  });

  it('fails a stream in-band with the error event, which the SDK raises', async () => {
    const stream = client.responses.stream({ model: 'gpt-5.5', input: 'Tides [[tokens: 30]]' }, { headers: { 'x-emulator-fault': 'error_after=5' } });
    let deltas = 0;
    await assert.rejects(async () => {
      for await (const event of stream) if (event.type === 'response.output_text.delta') deltas++;
    }, (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.match(error.message, /An error occurred while processing your request/);
      return true;
    });
    assert.equal(deltas, 5);
  });

  it('cuts the connection mid-stream on drop_after', async () => {
    const stream = await client.responses.create({ model: 'gpt-5.5', input: 'Tides [[tokens: 30]]', stream: true }, { headers: { 'x-emulator-fault': 'drop_after=3' } });
    const types: string[] = [];
    await assert.rejects(async () => {
      for await (const event of stream) types.push(event.type);
    });
    assert.equal(types.filter((type) => type === 'response.output_text.delta').length, 3);
    assert.ok(!types.includes('response.completed'));
  });

  it('turns status faults and other errors into OpenAI errors', async () => {
    await assert.rejects(client.responses.create({ model: 'gpt-5.5', input: 'hi' }, { headers: { 'x-emulator-fault': 'status=429; retry_after=3' } }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.equal(error.headers?.get('retry-after'), '3');
      return true;
    });
    await assert.rejects(client.responses.create({ model: 'gpt-9', input: 'hi' }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.NotFoundError);
      assert.equal(error.code, 'model_not_found');
      return true;
    });
    await assert.rejects(client.responses.create({ model: 'gpt-5.5', input: 'hi', tools: [{ type: 'web_search' }] }), OpenAI.BadRequestError);
    const anonymous = await fetch(`${emulator.url}/openai/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }) });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
  });
});
