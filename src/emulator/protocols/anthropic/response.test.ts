import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson } from '../../../testing/conformance.js';
import { renderMessage } from './response.js';
import { REDACTED_THINKING_TRIGGER } from './request.js';
import { contextFor, weatherTool } from './test-support.js';
import { verifyRedactedThinking, verifyThinking } from './thinking-signature.js';

type Block = Record<string, unknown> & { type: string };
type Message = Record<string, unknown> & { content: Block[]; usage: Record<string, unknown> };

function render(body: Record<string, unknown>, model?: string): Message {
  const { decoded, context } = contextFor({ model: 'claude-sonnet-4-6', max_tokens: 4096, ...body }, model);
  return renderMessage(context, decoded.options) as Message;
}

describe('renderMessage', () => {
  it('writes the keys, in order, of the recorded message', () => {
    const recorded = readConformanceJson('anthropic', 'messages-text.response.json') as Message;
    const ours = render({ messages: [{ role: 'user', content: '[[reply: Hello!]]' }] });
    assert.deepEqual(Object.keys(ours).filter((key) => key !== 'stop_details'), Object.keys(recorded));
    assert.deepEqual(Object.keys(ours.usage), Object.keys(recorded.usage));
    assert.match(String(ours.id), /^msg_01[A-Za-z0-9]{22}$/);
    assert.deepEqual(ours.content, [{ type: 'text', text: 'Hello!' }]);
    assert.equal(ours.stop_reason, 'end_turn');
    assert.equal(ours.usage.output_tokens, 2);
  });

  it('answers a tool request with tool_use blocks and stop_reason tool_use', () => {
    const message = render({ tools: [weatherTool], messages: [{ role: 'user', content: 'What is the weather in Lisbon?' }] });
    const call = message.content[0];
    assert.equal(message.stop_reason, 'tool_use');
    assert.equal(call?.type, 'tool_use');
    assert.match(String(call?.id), /^toolu_01[A-Za-z0-9]{22}$/);
    assert.deepEqual(call?.input, { city: 'Lisbon' });
  });

  it('reports which stop sequence ended the answer, and max_tokens when the cap did', () => {
    const stopped = render({ stop_sequences: ['STOP'], messages: [{ role: 'user', content: '[[reply: one two STOP three]]' }] });
    assert.equal(stopped.stop_reason, 'stop_sequence');
    assert.equal(stopped.stop_sequence, 'STOP');
    assert.deepEqual(stopped.content, [{ type: 'text', text: 'one two ' }]);
    const capped = render({ max_tokens: 5, messages: [{ role: 'user', content: 'Tell me about rivers [[tokens: 40]]' }] });
    assert.equal(capped.stop_reason, 'max_tokens');
    assert.equal(capped.usage.output_tokens, 5);
    const refused = render({ messages: [{ role: 'user', content: "[[refusal: I can't help with that.]]" }] });
    assert.equal(refused.stop_reason, 'refusal');
  });

  it('opens with a signed thinking block whose tokens count as output', () => {
    const message = render({ thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'Why is the sea salty?' }] });
    const [thinking, text] = message.content;
    assert.equal(thinking?.type, 'thinking');
    assert.ok(String(thinking?.thinking).length > 100);
    assert.ok(verifyThinking(String(thinking?.thinking), String(thinking?.signature)));
    assert.ok(!verifyThinking(`${String(thinking?.thinking)}!`, String(thinking?.signature)));
    assert.equal(text?.type, 'text');
    const plain = render({ messages: [{ role: 'user', content: 'Why is the sea salty?' }] });
    const thinkingTokens = (message.usage.output_tokens_details as { thinking_tokens: number }).thinking_tokens;
    assert.equal(Number(message.usage.output_tokens), Number(plain.usage.output_tokens) + thinkingTokens, 'output_tokens includes the thinking');
    assert.equal(plain.usage.output_tokens_details, undefined);
  });

  it('shows an empty, still signed, thinking with display omitted, and redacts on the documented trigger', () => {
    const omitted = render({ thinking: { type: 'adaptive', display: 'omitted' }, messages: [{ role: 'user', content: 'Why is the sea salty?' }] });
    assert.equal(omitted.content[0]?.thinking, '');
    assert.ok(verifyThinking('', String(omitted.content[0]?.signature)));
    const redacted = render({ thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: `${REDACTED_THINKING_TRIGGER}_46C9A13E` }] });
    assert.equal(redacted.content[0]?.type, 'redacted_thinking');
    assert.ok(verifyRedactedThinking(String(redacted.content[0]?.data)));
  });

  it('splits cache writes by lifetime and keeps input_tokens to the uncached rest', () => {
    const { decoded, context } = contextFor({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    context.generation.usage = { ...context.generation.usage, inputTokens: 5000, cachedInputTokens: 1200, cacheWriteTokens: 3000, cacheWrite1hTokens: 1000 };
    const usage = (renderMessage(context, decoded.options) as Message).usage;
    assert.equal(usage.input_tokens, 800);
    assert.equal(usage.cache_read_input_tokens, 1200);
    assert.equal(usage.cache_creation_input_tokens, 3000);
    assert.deepEqual(usage.cache_creation, { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 });
  });
});
