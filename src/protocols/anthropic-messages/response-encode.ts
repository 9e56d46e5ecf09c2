import type { AssistantContentPart, CanonicalResponse, ReasoningPart } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import type { EncodeContext } from '../codec.js';
import { encodeTextPart, encodeToolCallPart } from './content-encode.js';
import { toAnthropicMessageId } from './ids.js';
import { toAnthropicStopReason } from './stop-reason.js';
import { encodeAnthropicUsage } from './usage.js';
import { joinPath } from '../shared/field-reader.js';
import type { AnthropicMessageResponse, AnthropicRedactedThinkingBlock, AnthropicResponseBlock, AnthropicThinkingBlock } from './wire-types.js';

/** The canonical response as an Anthropic Message body, for a client speaking the Messages API. */
export function encodeAnthropicResponse(response: CanonicalResponse, context: EncodeContext): AnthropicMessageResponse {
  const content: AnthropicResponseBlock[] = [];
  response.content.forEach((part, index) => {
    const block = encodeResponsePart(part, joinPath('content', index), response.finishReason === 'length');
    if (block !== undefined) content.push(block);
  });
  const hasToolUse = content.some((block) => block.type === 'tool_use');
  return {
    id: toAnthropicMessageId(response.id, context.requestId),
    type: 'message',
    role: 'assistant',
    model: context.model,
    content,
    stop_reason: toAnthropicStopReason(response.finishReason, hasToolUse),
    stop_sequence: response.stopSequence ?? null,
    usage: encodeAnthropicUsage(response.usage),
  };
}

function encodeResponsePart(part: AssistantContentPart, path: string, truncated: boolean): AnthropicResponseBlock | undefined {
  switch (part.type) {
    case 'text':
      return encodeTextPart({ type: 'text', text: part.text });
    case 'refusal':
      return encodeTextPart({ type: 'text', text: part.text });
    case 'reasoning':
      return encodeReasoningForResponse(part);
    case 'tool-call':
      try {
        return encodeToolCallPart(part, path, 'upstream_bad_response');
      } catch (error) {
        // A call cut off by the output limit (OpenAI `length`) has no complete arguments: it is left
        // out rather than sent as a broken tool_use (PROTOCOLS.md trap 2). Otherwise the provider broke.
        if (truncated && error instanceof GatewayError) return undefined;
        throw error;
      }
  }
}

/**
 * Anthropic's own thinking keeps its signature (the client must replay it). Another provider's
 * readable reasoning is shown as thinking with an empty signature, so Anthropic clients still see it;
 * when such a block comes back it decodes without a signature and is never replayed to Anthropic.
 * Opaque foreign blobs (encrypted reasoning with no text) are provider-bound and left out.
 */
export function encodeReasoningForResponse(part: ReasoningPart): AnthropicThinkingBlock | AnthropicRedactedThinkingBlock | undefined {
  if (part.origin === 'anthropic' && part.redactedData !== undefined) return { type: 'redacted_thinking', data: part.redactedData };
  if (part.origin === 'anthropic') return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
  return part.text === '' ? undefined : { type: 'thinking', thinking: part.text, signature: '' };
}
