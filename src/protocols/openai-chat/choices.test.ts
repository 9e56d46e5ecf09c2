import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import type { CanonicalResponse, StreamPart, TokenLogprob } from '../../canonical/types.js';
import { encodeChatResponse } from './response-encode.js';
import { encodeParts } from './test-support.js';

/** Several choices (`n`) and token log probabilities, written for a Chat client. */

const context = { requestId: 'req_1', model: 'gemini-3.1-pro' };
const usage = { inputTokens: 10, outputTokens: 8, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
const logprobs: TokenLogprob[] = [
  { token: 'two', logprob: -0.1, top: [{ token: 'two', logprob: -0.1 }, { token: 'three', logprob: -2.5 }] },
  { token: ' wörds', logprob: -0.2, top: [] },
];

function chunks(text: string): OpenAI.ChatCompletionChunk[] {
  return text
    .split('\n\n')
    .filter((event) => event !== '' && event !== 'data: [DONE]')
    .map((event) => JSON.parse(event.slice(6)) as OpenAI.ChatCompletionChunk);
}

describe('openai-chat: several choices and logprobs, buffered', () => {
  const response: CanonicalResponse = {
    id: 'rid',
    model: 'gemini-x',
    created: 1_700_000_000,
    content: [{ type: 'text', text: 'two wörds' }],
    finishReason: 'stop',
    logprobs,
    additionalChoices: [
      { index: 1, content: [{ type: 'tool-call', id: 'call_1', name: 'lookup', arguments: '{}' }], finishReason: 'stop' },
      { index: 2, content: [{ type: 'text', text: 'cut' }], finishReason: 'length' },
    ],
    usage,
  };

  it('writes one choice per canonical choice, each with its own finish reason', () => {
    const body = encodeChatResponse(response, context);
    assert.deepEqual(body.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason]), [[0, 'two wörds', 'stop'], [1, null, 'tool_calls'], [2, 'cut', 'length']]);
    assert.equal(body.choices[1]?.message.tool_calls?.[0]?.id, 'call_1');
  });

  it('writes logprobs as OpenAI does: token, logprob, UTF-8 bytes and top_logprobs; null where none came', () => {
    const body = encodeChatResponse(response, context);
    assert.deepEqual(body.choices[0]?.logprobs, {
      content: [
        { token: 'two', logprob: -0.1, bytes: [116, 119, 111], top_logprobs: [{ token: 'two', logprob: -0.1, bytes: [116, 119, 111] }, { token: 'three', logprob: -2.5, bytes: [116, 104, 114, 101, 101] }] },
        { token: ' wörds', logprob: -0.2, bytes: [32, 119, 195, 182, 114, 100, 115], top_logprobs: [] },
      ],
      refusal: null,
    });
    assert.equal(body.choices[1]?.logprobs, null);
  });
});

describe('openai-chat: several choices and logprobs, streamed', () => {
  const parts: StreamPart[] = [
    { type: 'response-start', id: 'rid', model: 'gemini-x', created: 1_700_000_000 },
    { type: 'text-start', block: 0 },
    { type: 'text-delta', block: 0, text: 'two', logprobs: logprobs.slice(0, 1) },
    { type: 'text-start', block: 1, choice: 1 },
    { type: 'text-delta', block: 1, text: 'Nile' },
    { type: 'text-delta', block: 0, text: ' wörds', logprobs: logprobs.slice(1) },
    { type: 'text-end', block: 1 },
    { type: 'text-end', block: 0 },
    { type: 'tool-call-start', block: 2, id: 'call_2', name: 'lookup', choice: 1 },
    { type: 'tool-call-delta', block: 2, argumentsDelta: '{}' },
    { type: 'tool-call-end', block: 2 },
    { type: 'finish', finishReason: 'stop', usage, additionalChoices: [{ index: 1, finishReason: 'stop' }] },
  ];

  it('each chunk names its choice; each choice opens with a role chunk, numbers its own tool calls and gets its finish', () => {
    const written = chunks(encodeParts(parts, context));
    assert.deepEqual(
      written.map((chunk) => [chunk.choices[0]?.index, chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason]),
      [
        [0, { role: 'assistant', content: '', refusal: null }, null],
        [0, { content: 'two' }, null],
        [1, { role: 'assistant', content: '', refusal: null }, null],
        [1, { content: 'Nile' }, null],
        [0, { content: ' wörds' }, null],
        [1, { tool_calls: [{ index: 0, id: 'call_2', type: 'function', function: { name: 'lookup', arguments: '' } }] }, null],
        [1, { tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, null],
        [0, {}, 'stop'],
        [1, {}, 'tool_calls'],
      ],
    );
  });

  it('text deltas carry their tokens in logprobs.content; other chunks have logprobs null', () => {
    const written = chunks(encodeParts(parts, context));
    assert.deepEqual(written.map((chunk) => chunk.choices[0]?.logprobs?.content?.map((entry) => entry.token) ?? null), [null, ['two'], null, null, [' wörds'], null, null, null, null]);
  });

  it('a stream with one choice and no logprobs is written as before', () => {
    const text = encodeParts([parts[0]!, { type: 'text-delta', block: 0, text: 'x' }, { type: 'finish', finishReason: 'stop' }], context);
    assert.ok(!text.includes('"index":1'));
    assert.equal(text.match(/"logprobs":null/g)?.length, 3);
  });
});
