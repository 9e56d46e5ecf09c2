import type { AssistantContentPart, CanonicalMessage, ReasoningPart, TextPart, ToolResultPart } from '../../canonical/types.js';
import { decodeMessageContent, decodeToolOutput } from './content-decode.js';
import { FieldReader, describeValue, fail, joinPath, unsupported } from '../shared/field-reader.js';

/**
 * `input` (a string or a list of items) into canonical messages.
 *
 * - message items: roles user / assistant / system / developer (developer → system);
 * - the items of one assistant turn (reasoning, assistant messages, function_calls), when
 *   consecutive, become ONE assistant message, in order;
 * - consecutive function_call_output items become one tool message, and each result learns the
 *   function name from the call it answers (Gemini needs it);
 * - reasoning items become reasoning parts with origin "openai": one part per summary text, all with
 *   the item id, and `encrypted_content` on the last one (an item with no summary gives one empty part
 *   that carries the encrypted content; one with neither is dropped: nothing could use it);
 * - item references and built-in tool items are refused: the gateway keeps no response state.
 */
export function decodeResponsesInput(value: unknown, path: string): CanonicalMessage[] {
  if (typeof value === 'string') return value === '' ? [] : [{ role: 'user', content: [{ type: 'text', text: value }] }];
  if (!Array.isArray(value)) return fail(path, `expected a string or an array of input items, got ${describeValue(value)}`);
  const conversation = new Conversation();
  value.forEach((entry, index) => decodeItem(FieldReader.of(entry, joinPath(path, index)), conversation));
  return conversation.messages;
}

class Conversation {
  readonly messages: CanonicalMessage[] = [];
  private readonly toolNames = new Map<string, string>();

  add(message: CanonicalMessage): void {
    this.messages.push(message);
  }

  assistant(parts: AssistantContentPart[]): void {
    if (parts.length === 0) return;
    const last = this.messages[this.messages.length - 1];
    if (last?.role === 'assistant') last.content.push(...parts);
    else this.messages.push({ role: 'assistant', content: parts });
  }

  call(callId: string, name: string, argumentsText: string): void {
    this.toolNames.set(callId, name);
    this.assistant([{ type: 'tool-call', id: callId, name, arguments: argumentsText }]);
  }

  toolResult(part: ToolResultPart): void {
    const name = this.toolNames.get(part.toolCallId);
    if (name !== undefined) part.toolName = name;
    const last = this.messages[this.messages.length - 1];
    if (last?.role === 'tool') last.content.push(part);
    else this.messages.push({ role: 'tool', content: [part] });
  }
}

function decodeItem(item: FieldReader, conversation: Conversation): void {
  const type = item.optionalString('type') ?? (item.has('role') ? 'message' : undefined);
  switch (type) {
    case 'message':
      return decodeMessageItem(item, conversation);
    case 'function_call': {
      const argumentsText = item.string('arguments');
      // A call without arguments is `{}`, never `""` (PROTOCOLS.md trap 2).
      return conversation.call(item.nonEmptyString('call_id'), item.nonEmptyString('name'), argumentsText.trim() === '' ? '{}' : argumentsText);
    }
    case 'function_call_output':
      return conversation.toolResult({ type: 'tool-result', toolCallId: item.nonEmptyString('call_id'), content: decodeToolOutput(item) });
    case 'reasoning':
      return conversation.assistant(decodeReasoningItem(item));
    case 'item_reference':
      return unsupported(
        item.at('type'),
        'item references need stored responses, and the gateway keeps no response state; send the full items instead (as with store:false)',
      );
    case undefined:
      return item.fail('type', 'expected an item type (message, function_call, function_call_output or reasoning) or a message role');
    default:
      return unsupported(
        item.at('type'),
        `input items of type "${type}" belong to OpenAI built-in tools and are not translated to other providers; only message, function_call, function_call_output and reasoning items are`,
      );
  }
}

function decodeMessageItem(item: FieldReader, conversation: Conversation): void {
  const role = item.optionalEnum('role', ['user', 'assistant', 'system', 'developer'] as const);
  switch (role) {
    case 'user':
      conversation.add({ role: 'user', content: decodeMessageContent(item, 'user') });
      return;
    case 'assistant':
      conversation.assistant(decodeMessageContent(item, 'assistant'));
      return;
    case 'system':
    case 'developer': {
      const content: TextPart[] = decodeMessageContent(item, 'system');
      if (content.length > 0) conversation.add({ role: 'system', content });
      return;
    }
    case undefined:
      item.fail('role', 'a message item needs a role');
  }
}

/** A reasoning item as reasoning parts: one per summary text, the encrypted content on the last. */
export function decodeReasoningItem(item: FieldReader): ReasoningPart[] {
  const itemId = item.optionalString('id');
  const encryptedContent = item.optionalString('encrypted_content');
  const texts = (item.optionalArray('summary') ?? []).map((value, index) => {
    const summary = FieldReader.of(value, joinPath(item.at('summary'), index), item.code);
    return summary.string('text');
  });
  const parts: ReasoningPart[] = texts
    .filter((text) => text !== '')
    .map((text) => ({ type: 'reasoning', text, origin: 'openai' }) satisfies ReasoningPart);
  if (parts.length === 0) {
    // Nothing readable: keep the item only when it can be replayed (its encrypted content).
    if (encryptedContent === undefined) return [];
    parts.push({ type: 'reasoning', text: '', origin: 'openai' });
  }
  for (const part of parts) if (itemId !== undefined) part.itemId = itemId;
  const last = parts[parts.length - 1];
  if (last !== undefined && encryptedContent !== undefined) last.encryptedContent = encryptedContent;
  return parts;
}
