import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startHarness, type Harness } from '../support/harness.js';

/**
 * Official SDKs through the real gateway to an Anthropic-protocol model (the emulator's Messages
 * API): the Anthropic SDK is passed through, OpenAI Chat and Responses clients are translated.
 * Fault tests use their own model keys, so one test's cool-down or breaker never touches another.
 */
const PROVIDER_KEY = 'sk-ant-emulator-0123456789';

const CONFIG = `
providers:
  anthropic:
    kind: anthropic
    base_url: \${EMULATOR_URL}/anthropic
    api_key: ${PROVIDER_KEY}
    forward_headers: [x-emulator-fault]
models:
  anthropic/claude-sonnet-4-6: { context_window: 1000000, max_output: 64000, capabilities: [vision, tools, reasoning, streaming, documents] }
  anthropic/claude-haiku-4-5: { context_window: 200000, max_output: 64000, capabilities: [vision, tools, streaming] }
  anthropic/overloaded: { upstream: claude-sonnet-4-6, context_window: 1000000, max_output: 64000 }
  anthropic/rate-limited: { upstream: claude-sonnet-4-6, context_window: 1000000, max_output: 64000 }
  anthropic/broken-stream: { upstream: claude-sonnet-4-6, context_window: 1000000, max_output: 64000 }
  anthropic/capped: { upstream: claude-sonnet-4-6, context_window: 1000000, max_output: 8000 }
routes:
  claude:
    targets: [anthropic/claude-sonnet-4-6]
`;

/** About 2,400 tokens: over Sonnet's 1,024-token minimum for a cache breakpoint. */
const LONG_SYSTEM = Array.from({ length: 300 }, (_, index) => `Rule ${index}: answer briefly and plainly.`).join(' ');

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const openAiWeatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather for a city', parameters: weatherTool.input_schema as Record<string, unknown> },
};

interface SentBody {
  model: string;
  max_tokens: number;
  system?: unknown;
  messages: Array<{ role: string; content: unknown }>;
  thinking?: { type: string };
  tools?: unknown[];
}

describe('served by an Anthropic-protocol model', () => {
  let harness: Harness;
  let anthropic: Anthropic;
  let openai: OpenAI;

  before(async () => {
    harness = await startHarness({ config: CONFIG });
    anthropic = new Anthropic({ baseURL: harness.server.url, apiKey: 'client-key', maxRetries: 0 });
    openai = new OpenAI({ baseURL: harness.baseURL, apiKey: 'client-key', maxRetries: 0 });
  });
  after(() => harness.close());

  const lastSent = (): { path: string; headers: Record<string, string>; body: SentBody } => {
    const request = harness.emulator.received().at(-1);
    assert.ok(request, 'the emulator received a request');
    return { path: request.path, headers: request.headers, body: request.json as SentBody };
  };

  describe('@anthropic-ai/sdk, passed through', () => {
    it('messages.create reaches /v1/messages with the provider key and gets the message back', async () => {
      const message = await anthropic.messages.create({
        model: 'claude', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: '[[reply: Hello from Claude]]' }],
      });
      assert.equal(message.type, 'message');
      assert.deepEqual(message.content, [{ type: 'text', text: 'Hello from Claude' }]);
      assert.equal(message.stop_reason, 'end_turn');
      assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
      const sent = lastSent();
      assert.equal(sent.path, '/anthropic/v1/messages');
      assert.equal(sent.headers['x-api-key'], PROVIDER_KEY, 'the provider key replaces the client key');
      assert.match(sent.headers['anthropic-version'] ?? '', /^\d{4}-\d{2}-\d{2}$/, "the client's API version travels on");
      assert.equal(sent.body.model, 'claude-sonnet-4-6', 'the route alias became the upstream model');
      assert.equal(sent.body.system, 'Be brief.', 'the body went through as written');
    });

    it('messages.stream().finalMessage() gets the same message, event by event', async () => {
      const params = { model: 'claude', max_tokens: 300, messages: [{ role: 'user' as const, content: 'Explain tides [[tokens: 40]]' }] };
      const whole = await anthropic.messages.create(params);
      const events: string[] = [];
      const final = await anthropic.messages.stream(params).on('streamEvent', (event) => events.push(event.type)).finalMessage();
      assert.deepEqual(final.content, whole.content);
      assert.deepEqual(final.usage, whole.usage);
      assert.deepEqual([events[0], events[1], events[2], events.at(-2), events.at(-1)], ['message_start', 'content_block_start', 'content_block_delta', 'message_delta', 'message_stop']);
    });

    it('runs a tool loop: tool_use, then the tool_result answered in text', async () => {
      const question = { role: 'user' as const, content: 'What is the weather in Oslo?' };
      const first = await anthropic.messages.create({ model: 'claude', max_tokens: 300, tools: [weatherTool], messages: [question] });
      assert.equal(first.stop_reason, 'tool_use');
      const call = first.content.find((block) => block.type === 'tool_use');
      assert.ok(call?.type === 'tool_use');
      assert.match(call.id, /^toolu_01/);
      assert.deepEqual(call.input, { city: 'Oslo' });
      const second = await anthropic.messages.stream({
        model: 'claude', max_tokens: 300, tools: [weatherTool],
        messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '7°C and raining' }] }],
      }).finalMessage();
      assert.equal(second.stop_reason, 'end_turn');
      assert.match(second.content[0]?.type === 'text' ? second.content[0].text : '', /7°C and raining/);
    });

    it('round-trips a signed thinking block: accepted as returned, refused when edited', async () => {
      const base = { model: 'claude', max_tokens: 4000, thinking: { type: 'enabled' as const, budget_tokens: 2000 }, tools: [weatherTool] };
      const question = { role: 'user' as const, content: 'What is the weather in Rome? Use get_weather.' };
      const first = await anthropic.messages.stream({ ...base, messages: [question] }).finalMessage();
      assert.deepEqual(first.content.map((block) => block.type), ['thinking', 'tool_use']);
      const [thinking, call] = first.content;
      assert.ok(thinking?.type === 'thinking' && call?.type === 'tool_use');
      assert.ok(thinking.signature.length > 40);
      const answer = { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: call.id, content: 'Sunny, 24°C' }] };

      const second = await anthropic.messages.create({ ...base, messages: [question, { role: 'assistant', content: first.content }, answer] });
      assert.equal(second.stop_reason, 'end_turn');
      const replayed = (lastSent().body.messages[1]?.content as Array<{ type: string; signature?: string }>)[0];
      assert.equal(replayed?.signature, thinking.signature, 'the signature reached the provider untouched');

      const edited = [{ ...thinking, thinking: `${thinking.thinking} And something else.` }, call];
      await assert.rejects(
        anthropic.messages.create({ ...base, messages: [question, { role: 'assistant', content: edited }, answer] }),
        (error: unknown) => {
          assert.ok(error instanceof Anthropic.BadRequestError);
          assert.match(error.message, /Invalid `signature` in `thinking` block/);
          return true;
        },
      );
    });

    it('shows cache writes, then cache reads, at a cache_control breakpoint', async () => {
      const ask = (content: string) => anthropic.messages.create({
        model: 'claude', max_tokens: 100,
        system: [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content }],
      });
      const first = await ask('Anthropic SDK, first question?');
      assert.ok((first.usage.cache_creation_input_tokens ?? 0) > 1024);
      assert.equal(first.usage.cache_creation?.ephemeral_5m_input_tokens, first.usage.cache_creation_input_tokens);
      const second = await ask('Anthropic SDK, second question?');
      assert.equal(second.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
      assert.equal(second.usage.cache_creation_input_tokens, 0);
      assert.ok(second.usage.input_tokens < 30, 'input_tokens counts only the uncached rest');
    });

    it('messages.countTokens is answered by the provider', async () => {
      const counted = await anthropic.messages.countTokens({ model: 'claude', system: 'Be brief.', messages: [{ role: 'user', content: 'How many tokens is this?' }] });
      const message = await anthropic.messages.create({ model: 'claude', max_tokens: 50, system: 'Be brief.', messages: [{ role: 'user', content: 'How many tokens is this?' }] });
      assert.equal(counted.input_tokens, message.usage.input_tokens);
      assert.equal(harness.emulator.received().at(-2)?.path, '/anthropic/v1/messages/count_tokens');
    });
  });

  describe('openai chat.completions, translated', () => {
    it('answers text, with the system prompt hoisted and max_tokens filled in', async () => {
      const completion = await openai.chat.completions.create({
        model: 'claude',
        messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: '[[reply: Translated hello]]' }],
      });
      assert.equal(completion.choices[0]?.message.content, 'Translated hello');
      assert.equal(completion.choices[0]?.finish_reason, 'stop');
      assert.ok((completion.usage?.prompt_tokens ?? 0) > 0 && (completion.usage?.completion_tokens ?? 0) > 0);
      const sent = lastSent().body;
      assert.equal(sent.messages[0]?.role, 'user');
      assert.ok(JSON.stringify(sent.system).includes('Be brief.'));
      assert.ok(sent.max_tokens > 0, 'Anthropic requires max_tokens');
    });

    it('streams the same text, with usage last', async () => {
      const request = { model: 'claude', messages: [{ role: 'user' as const, content: 'Describe rivers [[tokens: 30]]' }] };
      const whole = await openai.chat.completions.create(request);
      const stream = await openai.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
      let text = '';
      let usage: OpenAI.CompletionUsage | undefined | null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(text, whole.choices[0]?.message.content);
      assert.equal(usage?.completion_tokens, 30);
      assert.equal(usage?.prompt_tokens, whole.usage?.prompt_tokens);
    });

    it('calls tools and reads the tool result back, streamed and not', async () => {
      const question = { role: 'user' as const, content: 'What is the weather in Lisbon?' };
      const first = await openai.chat.completions.create({ model: 'claude', tools: [openAiWeatherTool], messages: [question] });
      const choice = first.choices[0];
      assert.equal(choice?.finish_reason, 'tool_calls');
      const call = choice?.message.tool_calls?.[0];
      assert.ok(call?.type === 'function');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Lisbon' });

      const streamed = await openai.chat.completions.create({ model: 'claude', tools: [openAiWeatherTool], messages: [question], stream: true });
      let streamedArguments = '';
      let finish: string | null | undefined;
      for await (const chunk of streamed) {
        streamedArguments += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.deepEqual(JSON.parse(streamedArguments), { city: 'Lisbon' });
      assert.equal(finish, 'tool_calls');

      const answer = await openai.chat.completions.create({
        model: 'claude', tools: [openAiWeatherTool],
        messages: [question, choice!.message, { role: 'tool', tool_call_id: call.id, content: '19°C, clear skies' }],
      });
      assert.match(answer.choices[0]?.message.content ?? '', /19°C, clear skies/);
      const sent = lastSent().body.messages;
      assert.deepEqual(sent.map((message) => message.role), ['user', 'assistant', 'user']);
      assert.equal((sent[2]?.content as Array<{ type: string; tool_use_id: string }>)[0]?.tool_use_id, (sent[1]?.content as Array<{ type: string; id: string }>).find((block) => block.type === 'tool_use')?.id);
    });

    it('reports Anthropic cache reads as cached_tokens inside prompt_tokens', async () => {
      const ask = (question: string) => openai.chat.completions.create({
        model: 'claude',
        messages: [
          // cache_control on a content part: the convention the gateway accepts for Anthropic targets.
          { role: 'system', content: [{ type: 'text', text: `OpenAI client. ${LONG_SYSTEM}`, cache_control: { type: 'ephemeral' } } as OpenAI.ChatCompletionContentPartText] },
          { role: 'user', content: question },
        ],
      });
      const first = await ask('OpenAI client, first question?');
      assert.equal(first.usage?.prompt_tokens_details?.cached_tokens ?? 0, 0);
      const second = await ask('OpenAI client, second question?');
      const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
      assert.ok(cached > 1024, `cached_tokens ${cached}`);
      assert.ok((second.usage?.prompt_tokens ?? 0) > cached, 'prompt_tokens includes the cached part and the rest');
      assert.ok(Math.abs((second.usage?.prompt_tokens ?? 0) - (first.usage?.prompt_tokens ?? 0)) < 10, 'same prompt size whether cached or not');
    });

    it('turns reasoning_effort into Anthropic thinking and returns the thought', async () => {
      const completion = await openai.chat.completions.create({ model: 'claude', reasoning_effort: 'low', messages: [{ role: 'user', content: 'Why is the sky blue? [[tokens: 20]]' }] });
      assert.ok(lastSent().body.thinking !== undefined && lastSent().body.thinking?.type !== 'disabled', 'thinking was requested');
      const message = completion.choices[0]?.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
      assert.ok((message.reasoning_content ?? '').length > 50, 'the thinking text comes back as reasoning_content');
      const reasoningTokens = completion.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
      assert.ok(reasoningTokens > 0, 'Anthropic thinking_tokens become reasoning_tokens');
      assert.equal(completion.usage?.completion_tokens, 20 + reasoningTokens, 'completion_tokens includes the thinking');
    });
  });

  describe('model limits from the config', () => {
    it(
      "caps max_tokens at the model's configured max_output when the client sets no limit",
      { },
      async () => {
        await openai.chat.completions.create({ model: 'anthropic/capped', messages: [{ role: 'user', content: 'hi [[tokens: 5]]' }] });
        const sent = lastSent().body.max_tokens;
        assert.ok(sent <= 8000, `max_tokens ${sent} exceeds the configured max_output of 8000`);
      },
    );
  });

  describe('openai responses, translated', () => {
    it('responses.create and responses.stream return the text', async () => {
      const response = await openai.responses.create({ model: 'claude', instructions: 'Be brief.', input: '[[reply: responses via Claude]]' });
      assert.equal(response.status, 'completed');
      assert.equal(response.output_text, 'responses via Claude');
      assert.ok((response.usage?.input_tokens ?? 0) > 0 && (response.usage?.output_tokens ?? 0) > 0);

      const deltas: string[] = [];
      const stream = openai.responses.stream({ model: 'claude', input: '[[reply: streamed via Claude]]' });
      stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
      const final = await stream.finalResponse();
      assert.equal(final.output_text, 'streamed via Claude');
      assert.equal(deltas.join(''), 'streamed via Claude');
    });

    it('responses with tools return function_call items, streamed and not', async () => {
      const tools: OpenAI.Responses.FunctionTool[] = [{ type: 'function', name: 'get_weather', description: 'Current weather for a city', parameters: weatherTool.input_schema as Record<string, unknown>, strict: false }];
      const response = await openai.responses.create({ model: 'claude', tools, input: 'What is the weather in Madrid?' });
      const call = response.output.find((item) => item.type === 'function_call');
      assert.ok(call?.type === 'function_call');
      assert.equal(call.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.arguments), { city: 'Madrid' });
      const final = await openai.responses.stream({ model: 'claude', tools, input: 'What is the weather in Madrid?' }).finalResponse();
      const streamedCall = final.output.find((item) => item.type === 'function_call');
      assert.ok(streamedCall?.type === 'function_call');
      assert.deepEqual(JSON.parse(streamedCall.arguments), { city: 'Madrid' });
    });

    it('responses with reasoning return a reasoning item and count it in output_tokens', async () => {
      const response = await openai.responses.create({ model: 'claude', reasoning: { effort: 'low', summary: 'auto' }, input: 'Why do leaves fall? [[tokens: 20]]' });
      assert.equal(response.status, 'completed');
      const reasoning = response.output.find((item) => item.type === 'reasoning');
      assert.ok(reasoning?.type === 'reasoning', 'a reasoning item');
      const summary = reasoning.summary.map((part) => part.text).join('');
      const content = (reasoning.content ?? []).map((part) => part.text).join('');
      assert.ok(`${summary}${content}`.length > 50, 'the thought is readable');
      const reasoningTokens = response.usage?.output_tokens_details.reasoning_tokens ?? 0;
      assert.ok(reasoningTokens > 0);
      assert.equal(response.usage?.output_tokens, 20 + reasoningTokens);
    });
  });

  describe('provider errors reach an OpenAI client in its own terms', () => {
    it('an Anthropic 529 becomes a 503 that says the provider is overloaded', async () => {
      await assert.rejects(
        openai.chat.completions.create({ model: 'anthropic/overloaded', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-emulator-fault': 'status=529' } }),
        (error: unknown) => {
          assert.ok(error instanceof OpenAI.APIError);
          assert.equal(error.status, 503);
          assert.match(error.message, /overloaded/i);
          return true;
        },
      );
    });

    it('keeps Retry-After on an Anthropic 429', async () => {
      await assert.rejects(
        openai.chat.completions.create({ model: 'anthropic/rate-limited', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-emulator-fault': 'status=429; retry_after=7' } }),
        (error: unknown) => {
          assert.ok(error instanceof OpenAI.RateLimitError);
          assert.equal(error.headers?.get('retry-after'), '7');
          return true;
        },
      );
    });

    it(
      "an Anthropic error reaches an OpenAI client with Anthropic's message, not the raw Anthropic body",
      { },
      async () => {
        await assert.rejects(
          openai.chat.completions.create({ model: 'anthropic/claude-nope', messages: [{ role: 'user', content: 'hi' }] }),
          (error: unknown) => {
            assert.ok(error instanceof OpenAI.NotFoundError);
            assert.equal((error.error as { message?: string }).message, 'model: claude-nope');
            return true;
          },
        );
      },
    );

    it('an overloaded_error inside the stream, before any content, ends the OpenAI stream with an error', async () => {
      const run = async (): Promise<string> => {
        const stream = await openai.chat.completions.create(
          { model: 'anthropic/broken-stream', stream: true, messages: [{ role: 'user', content: 'Tell me about rivers [[tokens: 30]]' }] },
          { headers: { 'x-emulator-fault': 'error_after=0; error_status=529' }, signal: AbortSignal.timeout(15_000) },
        );
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return text;
      };
      await assert.rejects(run(), (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError, `an API error, not ${String(error)}`);
        assert.ok(!(error instanceof OpenAI.APIUserAbortError), 'the stream ended with an error, it did not hang');
        assert.match(error.message, /overloaded/i);
        return true;
      });
    });
  });
});
