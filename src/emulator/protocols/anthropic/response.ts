/**
 * A `Generation` as a Messages API body, keys in the order Anthropic writes them
 * [conformance anthropic/messages-text.response.json]: model, id, type, role, content, stop_reason,
 * stop_sequence, stop_details (newer models), usage with the cache breakdown, service tier and geo.
 */
import type { RenderContext } from '../protocol.js';
import { answerOf, renderUsage, type ContentBlock } from './content.js';
import type { AnthropicRenderOptions } from './request.js';

export function messageId(context: RenderContext): string {
  return `msg_01${context.random.alphanumeric(22)}`;
}

export function renderMessage(context: RenderContext, options: AnthropicRenderOptions): Record<string, unknown> {
  const answer = answerOf(context, options);
  return {
    model: context.model.responseModel,
    id: messageId(context),
    type: 'message',
    role: 'assistant',
    content: answer.blocks.map(renderBlock),
    stop_reason: answer.stopReason,
    stop_sequence: answer.stopSequence,
    stop_details: null,
    usage: renderUsage(context.generation),
  };
}

export function renderBlock(block: ContentBlock): Record<string, unknown> {
  switch (block.type) {
    case 'thinking': return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'redacted_thinking': return { type: 'redacted_thinking', data: block.data };
    case 'text': return { type: 'text', text: block.text };
    case 'tool_use': return { type: 'tool_use', id: block.id, name: block.name, input: block.input, caller: { type: 'direct' } };
  }
}
