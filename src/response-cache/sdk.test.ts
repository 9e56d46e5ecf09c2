import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ProtocolName } from '../canonical/types.js';
import { createEntry } from './entry.js';
import { renderHit } from './render-hit.js';
import { sampleEntry, sampleResponse, T0 } from './testing/fixtures.js';
import { bodyText } from './testing/read-hit.js';

/**
 * The official SDKs as clients of a hit: their stream parsers and accumulators check event order,
 * item identity and completeness the way real applications will meet them.
 */

/** A fetch that answers every call with the hit rendered for `protocol`. */
function servingHit(protocol: ProtocolName, entry = sampleEntry(), options: { includeUsage?: boolean } = {}): typeof fetch {
  return async (_url, init) => {
    const request = JSON.parse(String(init?.body)) as { stream?: boolean };
    const hit = renderHit(entry, protocol, { stream: request.stream === true, requestId: 'req_sdk', now: T0, ...options });
    return new Response(await bodyText(hit), { status: hit.status, headers: hit.headers });
  };
}

const openai = (protocol: ProtocolName, entry?: ReturnType<typeof sampleEntry>, options?: { includeUsage?: boolean }): OpenAI =>
  new OpenAI({ apiKey: 'test-key', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: servingHit(protocol, entry, options) });

const anthropic = (): Anthropic => new Anthropic({ apiKey: 'test-key', baseURL: 'http://gateway.test', maxRetries: 0, fetch: servingHit('anthropic-messages') });

const expectedText = (sampleResponse().content[0] as { text: string }).text;

describe('the openai SDK reads a hit', () => {
  it('Chat stream: finalChatCompletion has the text, the tool call and the usage', async () => {
    const stream = openai('openai-chat', undefined, { includeUsage: true }).chat.completions.stream({ model: 'fast', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
    const completion = await stream.finalChatCompletion();
    const message = completion.choices[0]!.message;
    assert.equal(message.content, expectedText);
    assert.equal(message.tool_calls?.[0]?.type === 'function' ? message.tool_calls[0].function.arguments : undefined, '{"city":"São Paulo","days":[1,2]}');
    assert.equal(completion.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(completion.usage?.prompt_tokens, 1532);
  });

  it('Chat body: create() returns the cached answer', async () => {
    const completion = await openai('openai-chat').chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.id, 'chatcmpl-abc123');
    assert.equal(completion.choices[0]!.message.content, expectedText);
  });

  it('Chat stream with two choices and log probabilities', async () => {
    const logprobs = [{ token: 'Yes', logprob: -0.01, top: [{ token: 'Yes', logprob: -0.01 }] }];
    const entry = createEntry(
      sampleResponse({
        content: [{ type: 'text', text: 'Yes' }],
        finishReason: 'stop',
        logprobs,
        additionalChoices: [{ index: 1, content: [{ type: 'text', text: 'No' }], finishReason: 'length', logprobs: [{ token: 'No', logprob: -2.3, top: [] }] }],
      }),
      'openai/gpt-5-mini',
      60_000,
      T0,
    );
    const completion = await openai('openai-chat', entry).chat.completions.stream({ model: 'fast', n: 2, logprobs: true, messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion();
    assert.deepEqual(
      completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason]),
      [
        [0, 'Yes', 'stop'],
        [1, 'No', 'length'],
      ],
    );
    assert.equal(completion.choices[1]!.logprobs?.content?.[0]?.logprob, -2.3);
  });

  it('Responses stream: finalResponse is completed, with the output and usage', async () => {
    const stream = openai('openai-responses').responses.stream({ model: 'fast', input: 'hi' });
    const events: string[] = [];
    stream.on('event', (event) => events.push(event.type));
    const response = await stream.finalResponse();
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, expectedText);
    assert.deepEqual(
      response.output.map((item) => item.type),
      ['message', 'function_call'],
    );
    assert.equal(response.usage?.input_tokens, 1532);
    assert.equal(events[0], 'response.created');
    assert.equal(events.at(-1), 'response.completed');
  });
});

describe('the anthropic SDK reads a hit', () => {
  it('stream: finalMessage has the blocks, the stop reason and the usage', async () => {
    const message = await anthropic().messages.stream({ model: 'fast', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    assert.deepEqual(
      message.content.map((block) => block.type),
      ['text', 'tool_use'],
    );
    const call = message.content[1];
    assert.deepEqual(call?.type === 'tool_use' ? call.input : undefined, { city: 'São Paulo', days: [1, 2] });
    assert.equal(message.stop_reason, 'tool_use');
    assert.equal(message.usage.output_tokens, 88);
    assert.equal(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0), 1532);
  });

  it('body: create() returns the cached answer', async () => {
    const message = await anthropic().messages.create({ model: 'fast', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const text = message.content[0];
    assert.equal(text?.type === 'text' ? text.text : undefined, expectedText);
  });
});
