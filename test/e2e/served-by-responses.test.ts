import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { FunctionTool, ResponseInputItem } from 'openai/resources/responses/responses';
import { EMULATOR_KEY, startHarness, type Harness } from '../support/harness.js';

/**
 * Every client served by a model whose provider speaks the OpenAI Responses API (the emulator's
 * `/openai/v1/responses`): Responses clients pass through untouched, Chat and Anthropic clients
 * are translated both ways. The emulator keeps previous responses and verifies reasoning blobs, so
 * a gateway that drops or alters state fails here the way it would against OpenAI.
 */
const CONFIG = `
server:
  body_limit_bytes: 2000000
providers:
  responses:
    kind: openai-responses
    base_url: \${EMULATOR_URL}/openai/v1
    api_key: ${EMULATOR_KEY}
    forward_headers: [x-emulator-fault]
    timeouts: { first_byte_ms: 3000 }
models:
  responses/gpt-5.5: { context_window: 400000, max_output: 128000, capabilities: [vision, tools, reasoning, streaming, json_schema] }
routes:
  default:
    targets: [responses/gpt-5.5]
`;

interface SentResponsesBody {
  model: string;
  input: Array<Record<string, unknown>> | string;
  instructions?: string;
  store?: boolean;
  stream?: boolean;
  previous_response_id?: string;
  tools?: Array<Record<string, unknown>>;
}

const weatherFunction: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};
const weatherChatTool: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('served by an OpenAI Responses model', () => {
  let harness: Harness;
  let openai: OpenAI;
  let anthropic: Anthropic;
  const lastSent = (): SentResponsesBody => {
    const request = harness.emulator.received().at(-1);
    assert.equal(request?.path, '/openai/v1/responses');
    return request.json as SentResponsesBody;
  };

  before(async () => {
    harness = await startHarness({ config: CONFIG });
    openai = new OpenAI({ baseURL: harness.baseURL, apiKey: 'client-key', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: harness.server.url, apiKey: 'client-key', maxRetries: 0 });
  });
  after(() => harness.close());

  describe('Responses clients (passthrough)', () => {
    it('responses.create and responses.stream give the same answer, the body forwarded as sent', async () => {
      const params = { model: 'default', instructions: 'Be brief.', input: 'How do tides work?', metadata: { ticket: 'T-1' } };
      const whole = await openai.responses.create(params);
      assert.equal(whole.object, 'response');
      assert.equal(whole.status, 'completed');
      assert.equal(whole.model, 'gpt-5.5-2026-04-23');
      assert.ok(whole.output_text.length > 0);
      const sent = lastSent();
      assert.equal(sent.model, 'gpt-5.5', 'only the model is rewritten');
      assert.deepEqual((sent as unknown as { metadata: unknown }).metadata, { ticket: 'T-1' }, 'fields pass untouched');

      const types: string[] = [];
      const stream = openai.responses.stream(params).on('event', (event) => types.push(event.type));
      const final = await stream.finalResponse();
      assert.equal(final.output_text, whole.output_text);
      assert.deepEqual(final.usage, whole.usage);
      assert.equal(types[0], 'response.created');
      assert.equal(types.at(-1), 'response.completed');
      assert.ok(types.includes('response.output_text.delta'));
    });

    it('function tools loop: a function_call, then its output answered in text (stateless replay)', async () => {
      const question: ResponseInputItem = { role: 'user', content: 'What is the weather in Oslo?' };
      const first = await openai.responses.create({ model: 'default', input: [question], tools: [weatherFunction], store: false });
      const call = first.output.find((item) => item.type === 'function_call');
      assert.ok(call?.type === 'function_call');
      assert.equal(call.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.arguments), { city: 'Oslo' });

      const stream = openai.responses.stream({
        model: 'default', tools: [weatherFunction], store: false,
        input: [question, ...(first.output as ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: '7°C and raining' }],
      });
      const second = await stream.finalResponse();
      assert.match(second.output_text, /get_weather tool returned: 7°C and raining/);
    });

    it('reasoning with encrypted content round-trips unchanged through the gateway', async () => {
      const params = { model: 'default', store: false, include: ['reasoning.encrypted_content' as const], reasoning: { effort: 'medium' as const, summary: 'auto' as const }, tools: [weatherFunction] };
      const question: ResponseInputItem = { role: 'user', content: 'Use get_weather for Lisbon.' };
      const first = await openai.responses.create({ ...params, input: [question] });
      const reasoning = first.output.find((item) => item.type === 'reasoning');
      const call = first.output.find((item) => item.type === 'function_call');
      assert.ok(reasoning?.type === 'reasoning' && call?.type === 'function_call');
      assert.match(reasoning.encrypted_content ?? '', /^gAAAAAB/);
      assert.ok(reasoning.summary.length > 0);
      assert.ok((first.usage?.output_tokens_details.reasoning_tokens ?? 0) > 0);

      const second = await openai.responses.create({
        ...params,
        input: [question, ...(first.output as ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: '21°C' }],
      });
      assert.equal(second.status, 'completed');
      const replayed = (lastSent().input as Array<{ type?: string; encrypted_content?: string }>).find((item) => item.type === 'reasoning');
      assert.equal(replayed?.encrypted_content, reasoning.encrypted_content);
    });

    it('previous_response_id passes through and continues the stored conversation', async () => {
      const first = await openai.responses.create({ model: 'default', input: 'What is the weather in Rome?', tools: [weatherFunction] });
      const call = first.output.find((item) => item.type === 'function_call');
      assert.ok(call?.type === 'function_call');
      const second = await openai.responses.create({
        model: 'default', previous_response_id: first.id, tools: [weatherFunction],
        input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny, 25°C' }],
      });
      assert.equal(lastSent().previous_response_id, first.id);
      assert.equal(second.previous_response_id, first.id);
      assert.match(second.output_text, /sunny, 25°C/);

      // An id the provider never stored comes back as the provider's own 400.
      await assert.rejects(openai.responses.create({ model: 'default', previous_response_id: 'resp_unknown', input: 'hi' }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.code, 'previous_response_not_found');
        return true;
      });
    });

    it("the provider's in-stream failure reaches a Responses client as the provider sent it", async () => {
      const stream = openai.responses.stream({ model: 'default', input: 'Tides [[tokens: 30]]' }, { headers: { 'x-emulator-fault': 'error_after=4' } });
      let deltas = 0;
      await assert.rejects(async () => {
        for await (const event of stream) if (event.type === 'response.output_text.delta') deltas++;
      }, (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError, `got ${String(error)}`);
        assert.match(error.message, /An error occurred while processing your request/);
        return true;
      });
      assert.equal(deltas, 4);
    });

    it('a stream cut after content ends with an error event that continues the stream (not a second response.created)', async () => {
      const response = await fetch(`${harness.baseURL}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer client-key', 'x-emulator-fault': 'drop_after=3' },
        body: JSON.stringify({ model: 'default', input: 'Tides [[tokens: 20]]', stream: true }),
      });
      const events = (await response.text()).split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as { type: string; sequence_number: number; response?: { id: string } });
      assert.equal(events.filter((event) => event.type === 'response.created').length, 1, 'one response per stream');
      assert.deepEqual(events.map((event) => event.sequence_number), events.map((_event, index) => index), 'sequence numbers continue');
      const ids = new Set(events.flatMap((event) => (event.response === undefined ? [] : [event.response.id])));
      assert.equal(ids.size, 1, 'every lifecycle event names the same response');
      // The gateway cannot speak for the provider's response object, so it ends the stream with the
      // `error` event alone (which the SDK raises as an APIError).
      assert.equal(events.at(-1)?.type, 'error');
      await assert.rejects(async () => {
        for await (const _event of openai.responses.stream({ model: 'default', input: 'Tides [[tokens: 20]]' }, { headers: { 'x-emulator-fault': 'drop_after=3' } })) { /* consume */ }
      }, OpenAI.APIError);
    });
  });

  describe('Chat clients (translated)', () => {
    it('chat.completions.create and stream give the same text and usage', async () => {
      const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Explain tides [[tokens: 40]]' }];
      const whole = await openai.chat.completions.create({ model: 'default', messages });
      const text = whole.choices[0]?.message.content ?? '';
      assert.ok(text.length > 0);
      assert.equal(whole.choices[0]?.finish_reason, 'stop');
      assert.ok((whole.usage?.prompt_tokens ?? 0) > 0 && (whole.usage?.completion_tokens ?? 0) > 0);
      const sent = lastSent();
      assert.equal(sent.instructions, 'Be brief.', 'the system message became instructions');
      assert.equal(sent.store, false);

      const stream = await openai.chat.completions.create({ model: 'default', messages, stream: true, stream_options: { include_usage: true } });
      let streamed = '';
      let finish: string | null | undefined;
      let usage: OpenAI.CompletionUsage | undefined | null;
      for await (const chunk of stream) {
        streamed += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(streamed, text);
      assert.equal(finish, 'stop');
      assert.equal(usage?.completion_tokens, whole.usage?.completion_tokens);
    });

    it('chat tools: tool_calls, then a tool message answered in text, streamed and not', async () => {
      const question: ChatCompletionMessageParam = { role: 'user', content: 'What is the weather in Paris?' };
      const first = await openai.chat.completions.create({ model: 'default', messages: [question], tools: [weatherChatTool] });
      const choice = first.choices[0];
      assert.equal(choice?.finish_reason, 'tool_calls');
      const call = choice?.message.tool_calls?.[0];
      assert.ok(call?.type === 'function');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });

      const streamedCalls = await openai.chat.completions.create({ model: 'default', messages: [question], tools: [weatherChatTool], stream: true });
      let argumentsText = '';
      let streamedFinish: string | null | undefined;
      for await (const chunk of streamedCalls) {
        argumentsText += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
        streamedFinish = chunk.choices[0]?.finish_reason ?? streamedFinish;
      }
      assert.deepEqual(JSON.parse(argumentsText), { city: 'Paris' });
      assert.equal(streamedFinish, 'tool_calls');

      const second = await openai.chat.completions.create({
        model: 'default', tools: [weatherChatTool],
        messages: [question, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: '12°C, cloudy' }],
      });
      assert.match(second.choices[0]?.message.content ?? '', /get_weather tool returned: 12°C, cloudy/);
      const sent = lastSent().input as Array<{ type?: string; call_id?: string }>;
      assert.deepEqual(sent.filter((item) => item.type !== undefined && item.type !== 'message').map((item) => [item.type, item.call_id]), [['function_call', call.id], ['function_call_output', call.id]]);
    });

    it('an in-stream response.failed reaches a Chat streaming client as an error, not a hang', { timeout: 20_000 }, async () => {
      const stream = await openai.chat.completions.create(
        { model: 'default', messages: [{ role: 'user', content: 'Tides [[tokens: 40]]' }], stream: true },
        { headers: { 'x-emulator-fault': 'error_after=5' } },
      );
      let streamed = '';
      await assert.rejects(async () => {
        for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
      }, (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError, `got ${String(error)}`);
        assert.match(error.message, /error occurred while processing your request|server/i);
        return true;
      });
      assert.ok(streamed.length > 0, 'the text before the failure arrived');
    });

    it('cached prompt tokens come back as prompt_tokens_details.cached_tokens', async () => {
      const system = 'You are a meticulous assistant who answers carefully. '.repeat(150);
      await openai.chat.completions.create({ model: 'default', messages: [{ role: 'system', content: system }, { role: 'user', content: 'first' }] });
      const second = await openai.chat.completions.create({ model: 'default', messages: [{ role: 'system', content: system }, { role: 'user', content: 'second' }] });
      const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
      assert.ok(cached >= 1024 && cached % 128 === 0, `cached ${cached}`);
      assert.ok((second.usage?.prompt_tokens ?? 0) > cached, 'prompt_tokens includes the cached ones');
    });

    it('an in-stream insufficient_quota before any content keeps its non-retryable code', {
    }, async () => {
      await assert.rejects(openai.chat.completions.create(
        { model: 'default', messages: [{ role: 'user', content: 'hi' }], stream: true },
        { headers: { 'x-emulator-fault': 'error_after=0; error_status=429; code=insufficient_quota' } },
      ), (error: unknown) => {
        assert.ok(error instanceof OpenAI.RateLimitError, `got ${String(error)}`);
        assert.equal(error.code, 'insufficient_quota');
        return true;
      });
    });

    it('a valid max_tokens below the Responses minimum of 16 is still served', {
    }, async () => {
      const completion = await openai.chat.completions.create({ model: 'default', max_tokens: 5, messages: [{ role: 'user', content: 'Say hi' }] });
      assert.ok(completion.choices[0]?.message.content !== undefined);
    });

    it("a provider's 429 reaches a Chat client as a 429 with Retry-After", async () => {
      await assert.rejects(openai.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-emulator-fault': 'status=429; retry_after=2' } }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.RateLimitError);
        assert.equal(error.headers?.get('retry-after'), '2');
        return true;
      });
    });
  });

  describe('Anthropic clients (translated)', () => {
    it('messages.create and messages.stream give the same text', async () => {
      const params = { model: 'default', max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Explain tides [[tokens: 50]]' }] };
      const whole = await anthropic.messages.create(params);
      assert.equal(whole.type, 'message');
      assert.equal(whole.stop_reason, 'end_turn');
      const text = whole.content[0]?.type === 'text' ? whole.content[0].text : '';
      assert.ok(text.length > 0);
      assert.ok(whole.usage.input_tokens > 0 && whole.usage.output_tokens > 0);
      const sent = lastSent();
      assert.equal(sent.instructions, 'Be brief.');
      assert.equal((sent as unknown as { max_output_tokens: number }).max_output_tokens, 300);

      const events: string[] = [];
      const stream = anthropic.messages.stream(params).on('streamEvent', (event) => events.push(event.type));
      const final = await stream.finalMessage();
      assert.equal(final.content[0]?.type === 'text' && final.content[0].text, text);
      assert.equal(events[0], 'message_start');
      assert.equal(events.at(-1), 'message_stop');
    });

    it('cache reads are additive: input_tokens counts only what was not cached', async () => {
      const system = 'You are a patient assistant who explains things step by step. '.repeat(140);
      const params = { model: 'default', max_tokens: 200, system, messages: [{ role: 'user' as const, content: 'Summarise the rules.' }] };
      const first = await anthropic.messages.create(params);
      const second = await anthropic.messages.create(params);
      assert.equal(first.usage.cache_read_input_tokens, 0);
      const read = second.usage.cache_read_input_tokens ?? 0;
      assert.ok(read >= 1024, `read ${read}`);
      // The same prompt twice: what the second call read from the cache no longer counts as input.
      assert.equal(second.usage.input_tokens + read, first.usage.input_tokens);
    });

    it('an in-stream provider failure ends an Anthropic stream with an error event', { timeout: 20_000 }, async () => {
      const stream = anthropic.messages.stream({ model: 'default', max_tokens: 300, messages: [{ role: 'user', content: 'Tides [[tokens: 40]]' }] }, { headers: { 'x-emulator-fault': 'error_after=3' } });
      await assert.rejects(stream.finalMessage(), (error: unknown) => {
        assert.ok(error instanceof Anthropic.APIError, `got ${String(error)}`);
        return true;
      });
    });

    it('max_tokens below the Responses minimum of 16 is still served', {
    }, async () => {
      const message = await anthropic.messages.create({ model: 'default', max_tokens: 10, messages: [{ role: 'user', content: 'Say hi' }] });
      assert.equal(message.type, 'message');
    });

    it('tool_use, then a tool_result answered in text', async () => {
      const tool = { name: 'get_weather', description: 'Current weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };
      const question = { role: 'user' as const, content: 'What is the weather in Oslo?' };
      const first = await anthropic.messages.create({ model: 'default', max_tokens: 300, tools: [tool], messages: [question] });
      assert.equal(first.stop_reason, 'tool_use');
      const call = first.content.find((block) => block.type === 'tool_use');
      assert.ok(call?.type === 'tool_use');
      assert.deepEqual(call.input, { city: 'Oslo' });
      const second = await anthropic.messages.stream({
        model: 'default', max_tokens: 300, tools: [tool],
        messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '3°C' }] }],
      }).finalMessage();
      assert.equal(second.stop_reason, 'end_turn');
      assert.match(second.content[0]?.type === 'text' ? second.content[0].text : '', /get_weather tool returned: 3°C/);
    });
  });
});
