/**
 * The emulator's Anthropic surface with the official Anthropic SDK as the client: if the SDK
 * accepts what the emulator sends (and raises what it should), a gateway in front sees
 * real-looking Anthropic traffic.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { startEmulator, type RunningEmulator } from '../../index.js';

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const LONG_SYSTEM = Array.from({ length: 300 }, (_, index) => `Rule ${index}: answer briefly.`).join(' ');

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Anthropic.APIError, `expected an APIError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

describe('emulator with the Anthropic SDK', () => {
  let emulator: RunningEmulator;
  let client: Anthropic;

  before(async () => {
    emulator = await startEmulator({ timeScale: 0, config: { models: { 'claude-tiny': { context_window: 2000, max_output: 1000, owned_by: 'anthropic' } } } });
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: `${emulator.url}/anthropic`, maxRetries: 0 });
  });
  after(() => emulator.close());

  it('creates a message and streams the same one', async () => {
    const params = { model: 'claude-sonnet-4-6', max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'How do tides work?' }] };
    const { data: message, response } = await client.messages.create(params).withResponse();
    assert.match(message.id, /^msg_01/);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.content[0]?.type, 'text');
    assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
    assert.match(response.headers.get('request-id') ?? '', /^req_011C/);
    const events: string[] = [];
    const final = await client.messages.stream(params).on('streamEvent', (event) => events.push(event.type)).finalMessage();
    assert.deepEqual(final.content, message.content);
    assert.deepEqual(final.usage, message.usage);
    assert.deepEqual([events[0], events[1], events.at(-2), events.at(-1)], ['message_start', 'content_block_start', 'message_delta', 'message_stop']);
  });

  it('runs a tool loop: tool_use, then the tool_result answered in text', async () => {
    const question = { role: 'user' as const, content: 'What is the weather in Oslo?' };
    const first = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 300, tools: [weatherTool], messages: [question] });
    const call = first.content.find((block) => block.type === 'tool_use');
    assert.ok(call?.type === 'tool_use');
    assert.deepEqual(call.input, { city: 'Oslo' });
    const second = await client.messages.stream({
      model: 'claude-haiku-4-5', max_tokens: 300, tools: [weatherTool],
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '7°C and raining' }] }],
    }).finalMessage();
    assert.equal(second.stop_reason, 'end_turn');
    assert.match(second.content[0]?.type === 'text' ? second.content[0].text : '', /7°C and raining/);
  });

  it('accepts its own thinking back and refuses it edited', async () => {
    const base = { model: 'claude-sonnet-4-6', max_tokens: 4000, thinking: { type: 'enabled' as const, budget_tokens: 2000 }, tools: [weatherTool] };
    const question = { role: 'user' as const, content: 'What is the weather in Rome? Use get_weather.' };
    const first = await client.messages.stream({ ...base, messages: [question] }).finalMessage();
    assert.deepEqual(first.content.map((block) => block.type), ['thinking', 'tool_use']);
    const call = first.content[1];
    assert.ok(call?.type === 'tool_use');
    const answer = { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: call.id, content: 'Sunny, 24°C' }] };
    const second = await client.messages.create({ ...base, messages: [question, { role: 'assistant', content: first.content }, answer] });
    assert.equal(second.stop_reason, 'end_turn');
    const edited = first.content.map((block) => (block.type === 'thinking' ? { ...block, thinking: `${block.thinking} Also, cats.` } : block));
    const refused = await apiError(client.messages.create({ ...base, messages: [question, { role: 'assistant', content: edited }, answer] }));
    assert.equal(refused.status, 400);
    assert.match(refused.message, /messages\.1\.content\.0: Invalid `signature` in `thinking` block/);
  });

  it('reports cache writes, then reads, at a cache_control breakpoint', async () => {
    const ask = (content: string) => client.messages.create({
      model: 'claude-sonnet-4-6', max_tokens: 100,
      system: [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content }],
    });
    const first = await ask('First?');
    assert.ok((first.usage.cache_creation_input_tokens ?? 0) > 1024);
    assert.equal(first.usage.cache_read_input_tokens, 0);
    const second = await ask('Second?');
    assert.equal(second.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
    assert.equal(second.usage.cache_creation_input_tokens, 0);
    assert.equal(second.usage.cache_creation?.ephemeral_5m_input_tokens, 0);
    assert.ok(second.usage.input_tokens < 20, 'input_tokens is only the uncached remainder');
    const counted = await client.messages.countTokens({ model: 'claude-sonnet-4-6', system: LONG_SYSTEM, messages: [{ role: 'user', content: 'Second?' }] });
    assert.equal(counted.input_tokens, second.usage.input_tokens + (second.usage.cache_read_input_tokens ?? 0));
  });

  it('lists Claude models and answers unknown ones with not_found_error', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.ok(ids.includes('claude-sonnet-4-6') && !ids.includes('gpt-5.5'));
    assert.equal((await client.models.retrieve('claude-opus-4-7')).display_name, 'Claude Opus 4.7');
    const missing = await apiError(client.messages.create({ model: 'claude-nope', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(missing.status, 404);
    assert.equal((missing.error as { error: { type: string; message: string } }).error.type, 'not_found_error');
    assert.equal((missing.error as { error: { message: string } }).error.message, 'model: claude-nope');
  });

  it('refuses a prompt beyond the context window and max_tokens beyond the model', async () => {
    const long = await apiError(client.messages.create({ model: 'claude-tiny', max_tokens: 10, messages: [{ role: 'user', content: 'word '.repeat(3000) }] }));
    assert.equal(long.status, 400);
    assert.match(long.message, /prompt is too long: \d+ tokens > 2000 maximum/);
    // The SDK insists on streaming for a cap this large.
    const greedy = await apiError(client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100_000, messages: [{ role: 'user', content: 'hi' }] }).finalMessage());
    assert.match(greedy.message, /max_tokens: 100000 > 64000/);
  });

  it('checks the key and the version header before the body', async () => {
    const post = (headers: Record<string, string>) => fetch(`${emulator.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{' });
    const noKey = await post({ 'anthropic-version': '2023-06-01' });
    assert.equal(noKey.status, 401);
    assert.deepEqual(((await noKey.json()) as { error: unknown }).error, { type: 'authentication_error', message: 'x-api-key header is required' });
    const noVersion = await post({ 'x-api-key': 'k' });
    assert.equal(noVersion.status, 400);
    assert.equal(((await noVersion.json()) as { error: { message: string } }).error.message, 'anthropic-version: header is required');
    const bearer = await post({ authorization: 'Bearer k', 'anthropic-version': '2023-06-01' });
    assert.equal(bearer.status, 400, 'a Bearer token is accepted; the broken JSON is what fails');
    const unknownPath = await fetch(`${emulator.url}/anthropic/v1/complete`, { method: 'POST', headers: { 'x-api-key': 'k' } });
    assert.equal(unknownPath.status, 404);
    assert.equal(((await unknownPath.json()) as { error: { type: string } }).error.type, 'not_found_error');
  });

  it('renders injected faults as Anthropic errors: 529, 429 with retry-after, and the in-stream overload', async () => {
    const params = { model: 'claude-sonnet-4-6', max_tokens: 200, messages: [{ role: 'user' as const, content: 'Tell me about rivers. [[tokens: 30]]' }] };
    const overloaded = await apiError(client.messages.create(params, { headers: { 'x-emulator-fault': 'status=529' } }));
    assert.equal(overloaded.status, 529);
    assert.equal((overloaded.error as { error: { type: string } }).error.type, 'overloaded_error');
    const limited = await apiError(client.messages.create(params, { headers: { 'x-emulator-fault': 'status=429; retry_after=3' } }));
    assert.ok(limited instanceof Anthropic.RateLimitError);
    assert.equal(limited.headers?.get('retry-after'), '3');

    const events: string[] = [];
    const stream = client.messages.stream(params, { headers: { 'x-emulator-fault': 'error_after=0; error_status=529' } }).on('streamEvent', (event) => events.push(event.type));
    const midStream = await apiError(stream.finalMessage());
    assert.equal(midStream.type, 'overloaded_error');
    assert.deepEqual(events, ['message_start'], 'the error arrives after message_start, before any block');
    const later = await apiError(client.messages.stream(params, { headers: { 'x-emulator-fault': 'error_after=3' } }).finalMessage());
    assert.equal(later.type, 'api_error');
  });
});
