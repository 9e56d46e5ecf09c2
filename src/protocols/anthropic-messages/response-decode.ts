import type { AssistantContentPart, CanonicalResponse } from '../../canonical/types.js';
import { decodeRedactedThinkingBlock, decodeThinkingBlock, decodeToolUseBlock } from './content-decode.js';
import { mapAnthropicStopReason } from './stop-reason.js';
import { decodeAnthropicUsage } from './usage.js';
import { FieldReader, joinPath } from '../shared/field-reader.js';

/**
 * A provider's non-streaming Message → canonical response. Lenient where the API grows (unknown block
 * types such as server-tool results, unknown fields like `stop_details` or `container`, citations on
 * text are skipped); strict only where the shape is broken (`upstream_bad_response`).
 */
export function decodeAnthropicResponse(body: unknown, now: () => number = Date.now): CanonicalResponse {
  const message = FieldReader.of(body, '', 'upstream_bad_response');
  const content: AssistantContentPart[] = [];
  message.array('content').forEach((value, index) => {
    const block = FieldReader.of(value, joinPath('content', index), 'upstream_bad_response');
    const part = decodeResponseBlock(block);
    if (part !== undefined) content.push(part);
  });
  const response: CanonicalResponse = {
    id: message.string('id'),
    model: message.optionalString('model') ?? '',
    // The Messages API reports no creation time; the moment we read the answer is the closest.
    created: Math.floor(now() / 1000),
    content,
    finishReason: mapAnthropicStopReason(message.optionalString('stop_reason')),
    usage: decodeAnthropicUsage(message.raw('usage')),
  };
  const stopSequence = message.optionalString('stop_sequence');
  if (stopSequence !== undefined) response.stopSequence = stopSequence;
  return response;
}

function decodeResponseBlock(block: FieldReader): AssistantContentPart | undefined {
  switch (block.string('type')) {
    case 'text': {
      const text = block.string('text');
      return text === '' ? undefined : { type: 'text', text };
    }
    case 'thinking':
      return decodeThinkingBlock(block);
    case 'redacted_thinking':
      return decodeRedactedThinkingBlock(block);
    case 'tool_use':
      return decodeToolUseBlock(block);
    default:
      return undefined;
  }
}
