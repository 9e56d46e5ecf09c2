import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { startHarness, type Harness } from '../support/harness.js';

/** The Vercel AI SDK, with its Anthropic and OpenAI providers pointed at the gateway. */
describe('Vercel AI SDK through the gateway', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it('generateText and streamText over the Anthropic protocol', async () => {
    const anthropic = createAnthropic({ baseURL: `${harness.server.url}/v1`, apiKey: 'client-key' });
    const result = await generateText({ model: anthropic('default'), prompt: '[[reply: ai sdk via messages]]', maxRetries: 0 });
    assert.equal(result.text, 'ai sdk via messages');
    assert.equal(result.finishReason, 'stop');
    assert.ok((result.usage.inputTokens ?? 0) > 0);

    const stream = streamText({ model: anthropic('fast'), prompt: '[[reply: streamed via messages]]', maxRetries: 0 });
    let text = '';
    for await (const delta of stream.textStream) text += delta;
    assert.equal(text, 'streamed via messages');
  });

  it('runs a tool loop over the OpenAI Chat protocol until the model answers', async () => {
    const openai = createOpenAI({ baseURL: harness.baseURL, apiKey: 'client-key' });
    const calls: string[] = [];
    const result = await generateText({
      model: openai.chat('default'),
      prompt: 'Use get_weather for Lisbon',
      maxRetries: 0,
      stopWhen: stepCountIs(4),
      tools: {
        get_weather: tool({
          description: 'Current weather for a city',
          inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
          execute: async ({ city }) => {
            calls.push(city);
            return { city, temperature_c: 19 };
          },
        }),
      },
    });
    assert.equal(calls.length, 1);
    assert.equal(result.steps.length, 2);
    assert.equal(result.steps[0]?.finishReason, 'tool-calls');
    assert.ok(result.text.length > 0);
  });

  it('runs a tool loop over the Anthropic protocol (translated to a Chat model)', async () => {
    const anthropic = createAnthropic({ baseURL: `${harness.server.url}/v1`, apiKey: 'client-key' });
    let executed = 0;
    const result = await generateText({
      model: anthropic('default'),
      prompt: 'Use get_weather for Lisbon',
      maxRetries: 0,
      stopWhen: stepCountIs(4),
      tools: {
        get_weather: tool({
          inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
          execute: async () => {
            executed += 1;
            return 'sunny';
          },
        }),
      },
    });
    assert.equal(executed, 1);
    assert.equal(result.steps.at(-1)?.finishReason, 'stop');
  });
});
