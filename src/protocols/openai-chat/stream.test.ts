import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamPart } from '../../canonical/types.js';
import { ChatStreamEncoder } from './stream-encode.js';
import { accumulate, decodeSseText, encodeParts } from './test-support.js';

const context = { requestId: 'req_1', model: 'gpt-4o-mini', includeUsage: true };
const start: StreamPart = { type: 'response-start', id: 'msg_1', model: 'claude-x', created: 1_700_000_000 };
const usage = { inputTokens: 12, outputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

function dataLines(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => {
      assert.ok(event.startsWith('data: '), event);
      const data = event.slice(6);
      return data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as unknown);
    });
}

describe('openai-chat stream encode', () => {
  it('writes exactly the OpenAI chunk sequence for text, with the usage chunk when asked', () => {
    const text = encodeParts(
      [
        start,
        { type: 'text-start', block: 0 },
        { type: 'text-delta', block: 0, text: 'Hel' },
        { type: 'text-delta', block: 0, text: 'lo' },
        { type: 'text-end', block: 0 },
        { type: 'finish', finishReason: 'stop', usage },
      ],
      context,
    );
    const head = '{"id":"chatcmpl-msg_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini"';
    const choice = (delta: string, reason = 'null'): string => `data: ${head},"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${reason}}],"usage":null}\n\n`;
    assert.equal(
      text,
      choice('{"role":"assistant","content":"","refusal":null}') +
        choice('{"content":"Hel"}') +
        choice('{"content":"lo"}') +
        choice('{}', '"stop"') +
        `data: ${head},"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0,"cache_write_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('sends no usage chunk and no "usage":null without includeUsage', () => {
    const text = encodeParts([start, { type: 'text-delta', block: 0, text: 'x' }, { type: 'finish', finishReason: 'stop', usage }], { ...context, includeUsage: false });
    assert.ok(!text.includes('usage'));
    const lines = dataLines(text);
    assert.equal(lines.length, 4, 'role, content, finish, [DONE]');
    assert.equal(lines.at(-1), '[DONE]');
  });

  it('writes tool calls by index: id/type/name/arguments:"" first, then argument fragments only', () => {
    const lines = dataLines(
      encodeParts(
        [
          start,
          { type: 'tool-call-start', block: 0, id: 'toolu_a', name: 'weather' },
          { type: 'tool-call-delta', block: 0, argumentsDelta: '{"ci' },
          { type: 'tool-call-start', block: 1, id: 'toolu_b', name: 'time' },
          { type: 'tool-call-delta', block: 0, argumentsDelta: 'ty":"Oslo"}' },
          { type: 'tool-call-delta', block: 1, argumentsDelta: '{}' },
          { type: 'tool-call-end', block: 0 },
          { type: 'tool-call-end', block: 1 },
          { type: 'finish', finishReason: 'stop' },
        ],
        context,
      ),
    );
    const deltas = lines.slice(1, 6).map((line) => (line as { choices: Array<{ delta: unknown }> }).choices[0]?.delta);
    assert.deepEqual(deltas, [
      { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] },
      { tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'time', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
    ]);
    assert.equal((lines[6] as { choices: Array<{ finish_reason: string }> }).choices[0]?.finish_reason, 'tool_calls', 'decided by content');
  });

  it('keeps one id, created and model on every chunk', () => {
    const lines = dataLines(encodeParts([start, { type: 'text-delta', block: 0, text: 'a' }, { type: 'finish', finishReason: 'length', usage }], context));
    const heads = lines.filter((line) => line !== '[DONE]').map((line) => {
      const { id, object, created, model } = line as Record<string, unknown>;
      return { id, object, created, model };
    });
    assert.equal(new Set(heads.map((head) => JSON.stringify(head))).size, 1);
  });

  it('writes reasoning as reasoning_content and refusals as delta.refusal', () => {
    const lines = dataLines(
      encodeParts(
        [
          start,
          { type: 'reasoning-start', block: 0, origin: 'anthropic' },
          { type: 'reasoning-delta', block: 0, text: 'Hmm' },
          { type: 'reasoning-end', block: 0, signature: 'sig' },
          { type: 'refusal-delta', block: 1, text: 'No.' },
          { type: 'finish', finishReason: 'refusal' },
        ],
        context,
      ),
    );
    const deltas = lines.slice(1, 4).map((line) => (line as { choices: Array<{ delta: unknown; finish_reason: unknown }> }).choices[0]);
    assert.deepEqual(deltas.map((choice) => choice?.delta), [{ reasoning_content: 'Hmm' }, { refusal: 'No.' }, {}]);
    assert.equal(deltas[2]?.finish_reason, 'content_filter');
  });

  it('ends with data: {"error":…} and no [DONE] when the provider fails mid-stream', () => {
    const encoder = new ChatStreamEncoder(context);
    let text = encoder.encode(start) + encoder.encode({ type: 'text-delta', block: 0, text: 'par' });
    text += encoder.encode({ type: 'error', error: { status: 529, kind: 'overloaded', message: 'Overloaded' } });
    text += encoder.encode({ type: 'text-delta', block: 0, text: 'ignored' }) + encoder.end();
    const lines = dataLines(text);
    assert.deepEqual(lines.at(-1), {
      error: { message: 'The provider is overloaded; try again later. Overloaded', type: 'server_error', param: null, code: 'overloaded' },
    });
    assert.ok(!text.includes('[DONE]') && !text.includes('ignored'));
  });

  it('still writes a well-formed stream when the parts end without a finish', () => {
    const lines = dataLines(encodeParts([], { ...context, includeUsage: false }));
    assert.equal(lines.length, 3);
    assert.equal((lines[1] as { choices: Array<{ finish_reason: string }> }).choices[0]?.finish_reason, 'stop');
  });
});

describe('openai-chat stream decode', () => {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 5, model: 'deepseek-reasoner', choices, ...extra })}\n\n`;

  it('reads DeepSeek reasoning_content deltas as a reasoning block with origin openai, closed when text starts', () => {
    const parts = decodeSseText(
      chunk([{ index: 0, delta: { role: 'assistant', content: null, reasoning_content: 'Let' } }]) +
        chunk([{ index: 0, delta: { reasoning_content: ' me see' } }]) +
        chunk([{ index: 0, delta: { content: 'Yes' } }]) +
        chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]) +
        'data: [DONE]\n\n',
    );
    assert.deepEqual(parts.slice(1), [
      { type: 'reasoning-start', block: 0, origin: 'openai' },
      { type: 'reasoning-delta', block: 0, text: 'Let' },
      { type: 'reasoning-delta', block: 0, text: ' me see' },
      { type: 'reasoning-end', block: 0 },
      { type: 'text-start', block: 1 },
      { type: 'text-delta', block: 1, text: 'Yes' },
      { type: 'text-end', block: 1 },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('turns an in-stream {"error":…} into an error part and stops decoding', () => {
    const parts = decodeSseText(
      chunk([{ index: 0, delta: { content: 'a' } }]) +
        'data: {"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}\n\n' +
        chunk([{ index: 0, delta: { content: 'b' } }]),
    );
    assert.deepEqual(parts.at(-1), { type: 'error', error: { status: 429, kind: 'rate_limit', message: 'Rate limit reached' } });
    assert.equal(parts.filter((part) => part.type === 'text-delta').length, 1);
  });

  it('reports a stream cut before any finish_reason as an error', () => {
    const { error, response } = accumulate(decodeSseText(chunk([{ index: 0, delta: { content: 'half' } }])));
    assert.equal(error?.status, 502);
    assert.deepEqual(response.content, [{ type: 'text', text: 'half' }]);
    assert.equal(accumulate(decodeSseText('')).error?.message, 'The provider stream ended without any data');
  });

  it('finishes normally on [DONE] without finish_reason, and on a finish_reason without [DONE]', () => {
    assert.equal(accumulate(decodeSseText(chunk([{ index: 0, delta: { content: 'a' } }]) + 'data: [DONE]\n\n')).response.finishReason, 'stop');
    const noDone = accumulate(decodeSseText(chunk([{ index: 0, delta: { content: 'a' }, finish_reason: 'length' }])));
    assert.deepEqual([noDone.response.finishReason, noDone.error, noDone.finishCount], ['length', undefined, 1]);
  });

  it('passes usage seen before the finish (continuous usage stats) as usage parts, the last one on finish', () => {
    const parts = decodeSseText(
      chunk([{ index: 0, delta: { content: 'a' } }], { usage: { prompt_tokens: 5, completion_tokens: 1 } }) +
        chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], { usage: { prompt_tokens: 5, completion_tokens: 2 } }) +
        'data: [DONE]\n\n',
    );
    assert.equal(parts.filter((part) => part.type === 'usage').length, 1);
    const finish = parts.at(-1);
    assert.equal(finish?.type === 'finish' && finish.usage?.outputTokens, 2);
  });
});
