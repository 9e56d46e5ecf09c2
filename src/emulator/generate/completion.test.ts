import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeModel } from '../catalog.js';
import { countTokens } from '../tokens.js';
import type { EmulatorPrompt, PromptMessage, PromptTool } from '../types.js';
import { generateCompletion } from './completion.js';
import { promptTokenSequence } from './prompt-tokens.js';

const model = completeModel('gpt-5.5', {}, undefined);
const plainModel = completeModel('plain-model', { reasoning: false, maxOutput: 1000 }, undefined);

function prompt(text: string, overrides: Partial<EmulatorPrompt> = {}): EmulatorPrompt {
  return {
    model: 'gpt-5.5', messages: [{ role: 'user', parts: [{ type: 'text', text }] }], tools: [], toolChoice: { type: 'auto' }, parallelToolCalls: true,
    responseFormat: { type: 'text' }, maxOutputTokens: undefined, choiceCount: 1, reasoningEffort: undefined, stopSequences: [],
    samplingSeed: undefined, logprobsTop: undefined, ...overrides,
  };
}

function generate(input: EmulatorPrompt, useModel = model) {
  return generateCompletion({ prompt: input, model: useModel, inputTokens: promptTokenSequence(input).length, cachedInputTokens: 0, seed: 0, timeScale: 0 });
}

const weatherTool: PromptTool = { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const stockTool: PromptTool = { name: 'get_stock_price', description: 'Latest stock price', parameters: { type: 'object', properties: { ticker: { type: 'string' } }, required: ['ticker'] } };

describe('generateCompletion', () => {
  it('answers the same request the same way, and differently for another conversation', () => {
    const first = generate(prompt('Explain how tides work.'));
    assert.deepEqual(generate(prompt('Explain how tides work.')), first);
    assert.notEqual(generate(prompt('Explain how volcanoes work.')).choices[0]?.text, first.choices[0]?.text);
    const choice = first.choices[0];
    assert.ok(choice?.text && choice.text.length > 50);
    assert.equal(choice.textPieces.join(''), choice.text);
    assert.equal(first.usage.outputTokens, countTokens(choice.text));
    assert.equal(choice.finishReason, 'stop');
  });

  it('honours the reply and tokens hooks', () => {
    assert.equal(generate(prompt('Say it [[reply: Exactly this, please.]]')).choices[0]?.text, 'Exactly this, please.');
    const sized = generate(prompt('Talk [[tokens: 57]]'));
    assert.equal(sized.usage.outputTokens, 57);
  });

  it('cuts at the output limit with finish reason length, keeping the same prefix', () => {
    const full = generate(prompt('Describe the ocean.')).choices[0]?.text ?? '';
    const cut = generate(prompt('Describe the ocean.', { maxOutputTokens: 5 }));
    assert.equal(cut.choices[0]?.finishReason, 'length');
    assert.equal(cut.usage.outputTokens, 5);
    assert.ok(full.startsWith(cut.choices[0]?.text ?? 'x'));
  });

  it('ends before a stop sequence', () => {
    const result = generate(prompt('[[reply: one, two, STOP three]]', { stopSequences: ['STOP'] }));
    assert.equal(result.choices[0]?.text, 'one, two, ');
    assert.equal(result.choices[0]?.finishReason, 'stop');
  });

  it('adds reasoning tokens only for reasoning models with an effort, in multiples of 64', () => {
    const reasoned = generate(prompt('Plan a trip.', { reasoningEffort: 'high' }));
    assert.ok(reasoned.usage.reasoningTokens >= 512 && reasoned.usage.reasoningTokens % 64 === 0);
    assert.equal(reasoned.usage.outputTokens, reasoned.usage.reasoningTokens + countTokens(reasoned.choices[0]?.text ?? ''));
    assert.equal(generate(prompt('Plan a trip.')).usage.reasoningTokens, 0);
    assert.equal(generate(prompt('Plan a trip.', { reasoningEffort: 'high' }), plainModel).usage.reasoningTokens, 0);
    const starved = generate(prompt('Plan a trip.', { reasoningEffort: 'high', maxOutputTokens: 100 }));
    assert.deepEqual([starved.choices[0]?.text, starved.choices[0]?.finishReason, starved.usage.outputTokens], ['', 'length', 100]);
  });

  it('gives n distinct deterministic choices', () => {
    const result = generate(prompt('Name a colour.', { choiceCount: 3 }));
    const texts = result.choices.map((choice) => choice.text);
    assert.equal(new Set(texts).size, 3);
    assert.equal(result.usage.outputTokens, texts.reduce((sum, text) => sum + countTokens(text ?? ''), 0));
  });

  it('mentions images it was shown', () => {
    const input = prompt('', { messages: [{ role: 'user', parts: [{ type: 'text', text: 'What are these?' }, { type: 'image', url: 'https://example.com/a.png', detail: 'auto' }, { type: 'image', url: 'data:image/png;base64,AAAA', detail: 'low' }] }] });
    assert.match(generate(input).choices[0]?.text ?? '', /I can see 2 images/);
    assert.equal(promptTokenSequence(input).length - promptTokenSequence(prompt('What are these?')).length, 765 + 85);
  });

  describe('tools', () => {
    it('calls a tool the user asks for, with schema arguments and an OpenAI-like id', () => {
      const result = generate(prompt('What is the weather in Lisbon?', { tools: [weatherTool, stockTool] }));
      const choice = result.choices[0];
      assert.equal(choice?.finishReason, 'tool-calls');
      assert.equal(choice?.text, null);
      assert.equal(choice?.toolCalls.length, 1);
      assert.equal(choice?.toolCalls[0]?.name, 'get_weather');
      assert.deepEqual(JSON.parse(choice?.toolCalls[0]?.argumentsJson ?? ''), { city: 'Lisbon' });
      assert.match(choice?.toolCalls[0]?.id ?? '', /^call_[A-Za-z0-9]{24}$/);
      assert.equal(choice?.toolCalls[0]?.argumentPieces.join(''), choice?.toolCalls[0]?.argumentsJson);
    });

    it('calls every named tool in parallel, or only the first when parallel calls are off', () => {
      const text = 'Use get_weather for Paris and get_stock_price for NVDA.';
      assert.deepEqual(generate(prompt(text, { tools: [stockTool, weatherTool] })).choices[0]?.toolCalls.map((call) => call.name), ['get_weather', 'get_stock_price']);
      assert.deepEqual(generate(prompt(text, { tools: [stockTool, weatherTool], parallelToolCalls: false })).choices[0]?.toolCalls.map((call) => call.name), ['get_weather']);
    });

    it('answers in text when nothing asks for a tool, when tool_choice is none, and after results', () => {
      assert.equal(generate(prompt('Tell me a story about a fox.', { tools: [weatherTool] })).choices[0]?.toolCalls.length, 0);
      assert.equal(generate(prompt('Get the weather in Rome.', { tools: [weatherTool], toolChoice: { type: 'none' } })).choices[0]?.toolCalls.length, 0);
      const messages: PromptMessage[] = [
        { role: 'user', parts: [{ type: 'text', text: 'Get the weather in Rome.' }] },
        { role: 'assistant', parts: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', argumentsJson: '{"city":"Rome"}' }] },
        { role: 'tool', parts: [{ type: 'tool-result', callId: 'call_1', name: 'get_weather', content: 'Sunny, 24°C' }] },
      ];
      const after = generate(prompt('', { messages, tools: [weatherTool] })).choices[0];
      assert.equal(after?.toolCalls.length, 0);
      assert.match(after?.text ?? '', /get_weather tool returned: Sunny, 24°C/);
    });

    it('forces a call for required or a named function', () => {
      assert.equal(generate(prompt('Hello there.', { tools: [weatherTool, stockTool], toolChoice: { type: 'required' } })).choices[0]?.toolCalls.length, 1);
      assert.equal(generate(prompt('Hello there.', { tools: [weatherTool, stockTool], toolChoice: { type: 'tool', name: 'get_stock_price' } })).choices[0]?.toolCalls[0]?.name, 'get_stock_price');
    });
  });

  it('writes JSON for json_schema and json_object formats', () => {
    const schema = { type: 'object', properties: { title: { type: 'string' }, rating: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['title', 'rating'], additionalProperties: false };
    const structured = JSON.parse(generate(prompt('Review a film.', { responseFormat: { type: 'json-schema', name: 'review', schema } })).choices[0]?.text ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(structured).sort(), ['rating', 'title']);
    const loose: unknown = JSON.parse(generate(prompt('Review a film.', { responseFormat: { type: 'json-object' } })).choices[0]?.text ?? '');
    assert.equal(typeof loose, 'object');
  });

  it('gives logprobs per text piece when asked', () => {
    const choice = generate(prompt('Say hi [[reply: Hello there friend]]', { logprobsTop: 3 })).choices[0];
    assert.equal(choice?.logprobs?.length, choice?.textPieces.length);
    for (const entry of choice?.logprobs ?? []) {
      assert.ok(entry.logprob <= 0);
      assert.equal(entry.top.length, 3);
      assert.equal(entry.top[0]?.token, entry.token);
      assert.ok(entry.top.reduce((sum, alternative) => sum + Math.exp(alternative.logprob), 0) <= 1.000001);
    }
  });
});
