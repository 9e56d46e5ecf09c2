import type { AssistantContentPart, CanonicalResponse } from '../../canonical/types.js';
import { decodeReasoningItem } from './input-decode.js';
import { FieldReader, joinPath } from '../shared/field-reader.js';
import { mapResponsesStatus } from './status.js';
import { decodeResponsesUsage } from './usage.js';

/**
 * A Responses `response` object (non-streaming body, or the one inside `response.completed`) into the
 * canonical response. Output items become parts in order: message items give text and refusal parts,
 * function_call items tool calls (id = `call_id`), reasoning items reasoning parts (origin "openai",
 * one per summary text, `encrypted_content` on the last). Items of built-in tools are never requested
 * by the gateway and are skipped; annotations, logprobs and the message `phase` have no canonical
 * field and are dropped.
 */
export function decodeResponsesResponse(body: unknown): CanonicalResponse {
  const response = FieldReader.of(body, '', 'upstream_bad_response');
  const content: AssistantContentPart[] = [];
  let hasToolCalls = false;
  (response.optionalArray('output') ?? []).forEach((value, index) => {
    const item = FieldReader.of(value, joinPath('output', index), 'upstream_bad_response');
    const parts = decodeOutputItem(item);
    if (parts.some((part) => part.type === 'tool-call')) hasToolCalls = true;
    content.push(...parts);
  });
  const incompleteReason = response.optionalObject('incomplete_details')?.optionalString('reason');
  return {
    id: response.string('id'),
    model: response.optionalString('model') ?? '',
    created: response.optionalNumber('created_at') ?? 0,
    content,
    finishReason: mapResponsesStatus(response.optionalString('status'), incompleteReason, hasToolCalls),
    usage: decodeResponsesUsage(response.raw('usage'), 'usage'),
  };
}

/** One output item as canonical parts (empty for item types the gateway does not translate). */
export function decodeOutputItem(item: FieldReader): AssistantContentPart[] {
  switch (item.optionalString('type')) {
    case 'message':
      return decodeOutputMessage(item);
    case 'function_call': {
      const argumentsText = item.optionalString('arguments') ?? '';
      // A call without arguments is `{}`, never `""` (PROTOCOLS.md trap 2).
      return [{ type: 'tool-call', id: item.nonEmptyString('call_id'), name: item.nonEmptyString('name'), arguments: argumentsText.trim() === '' ? '{}' : argumentsText }];
    }
    case 'reasoning':
      return decodeReasoningItem(item);
    default:
      return [];
  }
}

function decodeOutputMessage(item: FieldReader): AssistantContentPart[] {
  const parts: AssistantContentPart[] = [];
  for (const part of item.has('content') ? item.objects('content') : []) {
    const type = part.optionalString('type');
    if (type === 'output_text') {
      const text = part.string('text');
      if (text !== '') parts.push({ type: 'text', text });
    } else if (type === 'refusal') {
      const text = part.string('refusal');
      if (text !== '') parts.push({ type: 'refusal', text });
    }
  }
  return parts;
}
