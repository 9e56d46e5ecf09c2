import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceText } from '../../testing/conformance.js';
import { SseParser } from '../../util/sse.js';
import { completeModel } from '../catalog.js';
import { generateCompletion } from '../generate/completion.js';
import { SeededRandom } from '../random.js';
import type { EmulatorPrompt } from '../types.js';
import type { RenderContext } from './protocol.js';
import { decodeChatRequest, type ChatRenderOptions } from './openai-chat-request.js';
import { renderChatStream } from './openai-chat-stream.js';

type Chunk = Record<string, unknown> & { choices: Array<Record<string, unknown> & { delta: Record<string, unknown> }> };

function chunksOf(sse: string): { chunks: Chunk[]; done: boolean } {
  const events = new SseParser().push(sse);
  const done = events.at(-1)?.data === '[DONE]';
  return { chunks: events.filter((event) => event.data !== '[DONE]').map((event) => JSON.parse(event.data) as Chunk), done };
}

function render(body: unknown, flavor: 'openai' | 'azure' = 'openai'): string {
  const decoded = decodeChatRequest(body, {});
  assert.ok('prompt' in decoded);
  const prompt: EmulatorPrompt = decoded.prompt;
  const model = completeModel('gpt-5.5', {}, undefined);
  const generation = generateCompletion({ prompt, model, inputTokens: 50, cachedInputTokens: 0, seed: 0, timeScale: 0 });
  const context: RenderContext = { random: new SeededRandom(1), created: 1_700_000_000, model, generation };
  const options: ChatRenderOptions = decoded.options;
  return [...renderChatStream(context, options, flavor)].map((frame) => frame.text).join('');
}

describe('renderChatStream', () => {
  it('frames a tool-call stream exactly like the recorded 2026 traffic', () => {
    const recorded = chunksOf(readConformanceText('openai', 'chat-tool-call.stream.sse'));
    const ours = chunksOf(render({ ...(JSON.parse(readConformanceText('openai', 'chat-tool-call.request.json')) as object), model: 'gpt-5.5' }));
    assert.ok(ours.done && recorded.done);
    // Same keys in the same order on every kind of chunk: opening, argument delta, finish, usage.
    const keys = (chunk: Chunk | undefined): string[] => Object.keys(chunk ?? {});
    assert.deepEqual(keys(ours.chunks[0]), keys(recorded.chunks[0]));
    assert.deepEqual(Object.keys(ours.chunks[0]?.choices[0]?.delta ?? {}), Object.keys(recorded.chunks[0]?.choices[0]?.delta ?? {}));
    assert.deepEqual(Object.keys(ours.chunks[0]?.choices[0] ?? {}), Object.keys(recorded.chunks[0]?.choices[0] ?? {}));
    assert.deepEqual(ours.chunks[1]?.choices[0]?.delta, { tool_calls: [{ index: 0, function: { arguments: '{"' } }] });
    assert.deepEqual(ours.chunks.at(-2)?.choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]);
    assert.deepEqual(keys(ours.chunks.at(-1)), keys(recorded.chunks.at(-1)));
    assert.deepEqual(Object.keys(ours.chunks.at(-1)?.usage as object), Object.keys(recorded.chunks.at(-1)?.usage as object));
    const argumentsText = ours.chunks.flatMap((chunk) => chunk.choices).map((choice) => (choice.delta.tool_calls as Array<{ function: { arguments?: string } }> | undefined)?.[0]?.function.arguments ?? '').join('');
    assert.deepEqual(JSON.parse(argumentsText), { country: 'UK' });
  });

  it('opens a text stream with content "" and omits usage fields without include_usage', () => {
    const { chunks } = chunksOf(render({ model: 'gpt-5.5', messages: [{ role: 'user', content: '[[reply: Hi there]]' }], stream: true }));
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', content: '', refusal: null });
    assert.ok(chunks.every((chunk) => !('usage' in chunk) && typeof chunk.obfuscation === 'string'));
    assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), 'Hi there');
  });

  it('interleaves n choices and ends each with its own finish chunk', () => {
    const { chunks } = chunksOf(render({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'Hello [[tokens: 4]]' }], stream: true, n: 2, stream_options: { include_usage: true, include_obfuscation: false } }));
    assert.deepEqual(chunks.slice(0, 4).map((chunk) => chunk.choices[0]?.index), [0, 1, 0, 1]);
    assert.deepEqual(chunks.filter((chunk) => chunk.choices[0]?.finish_reason).map((chunk) => chunk.choices[0]?.index), [0, 1]);
    assert.ok(chunks.every((chunk) => !('obfuscation' in chunk)));
  });

  it('streams refusals in delta.refusal', () => {
    const { chunks } = chunksOf(render({ model: 'gpt-5.5', messages: [{ role: 'user', content: "[[refusal: I can't help with that.]]" }], stream: true }));
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', content: null, refusal: '' });
    assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta.refusal ?? '').join(''), "I can't help with that.");
  });

  it('opens Azure streams with the prompt filter chunk', () => {
    const { chunks } = chunksOf(render({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'hi' }], stream: true }, 'azure'));
    assert.deepEqual(chunks[0]?.choices, []);
    assert.ok(Array.isArray(chunks[0]?.prompt_filter_results));
  });
});
