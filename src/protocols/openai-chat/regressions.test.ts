import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accumulate, decodeSseText } from './test-support.js';

/** Translation bugs the cross-protocol property tests found, each pinned by its smallest input. */
describe('openai-chat regressions', () => {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;

  it('a refusal after a tool call or text starts a new block instead of joining the first refusal', () => {
    const sse =
      chunk({ content: 'Sure. ' }) +
      chunk({ refusal: 'But not ' }) +
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] }) +
      chunk({ refusal: 'that.' }) +
      chunk({ content: 'Done.' }) +
      chunk({}, 'tool_calls') +
      'data: [DONE]\n\n';
    // Before: one refusal block "But not that." ahead of the call (every refusal delta joined the first
    // refusal block), so a client of another protocol saw "that." before the call it followed.
    assert.deepEqual(accumulate(decodeSseText(sse)).response.content, [
      { type: 'text', text: 'Sure. ' },
      { type: 'refusal', text: 'But not ' },
      { type: 'tool-call', id: 'call_1', name: 'lookup', arguments: '{}' },
      { type: 'refusal', text: 'that.' },
      { type: 'text', text: 'Done.' },
    ]);
  });
});
