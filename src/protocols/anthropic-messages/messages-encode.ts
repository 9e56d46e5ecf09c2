import type { CanonicalMessage } from '../../canonical/types.js';
import {
  encodeDocumentPart,
  encodeImagePart,
  encodeReasoningForRequest,
  encodeTextPart,
  encodeToolCallPart,
  encodeToolResultPart,
} from './content-encode.js';
import { joinPath } from '../shared/field-reader.js';
import type { AnthropicAssistantBlock, AnthropicMessageParam, AnthropicTextBlock, AnthropicUserBlock } from './wire-types.js';

/**
 * The canonical conversation → Anthropic's `system` + `messages` (PROTOCOLS.md traps 3, 7, 8, 10):
 * - every system message, even mid-conversation, is hoisted into top-level `system` text blocks;
 * - `tool` messages become user turns, and in each user turn ALL tool_result blocks come first
 *   (else 400 "`tool_use` ids were found without `tool_result` blocks immediately after");
 * - consecutive same-role turns are merged (roles must alternate on Bedrock/Vertex);
 * - empty text is dropped, a turn left empty is skipped;
 * - a final assistant turn (prefill) loses trailing whitespace, which Anthropic rejects there.
 */
export interface EncodedConversation {
  system: AnthropicTextBlock[];
  messages: AnthropicMessageParam[];
}

type Turn = { role: 'user'; content: AnthropicUserBlock[] } | { role: 'assistant'; content: AnthropicAssistantBlock[] };

export function encodeAnthropicConversation(messages: readonly CanonicalMessage[]): EncodedConversation {
  const system: AnthropicTextBlock[] = [];
  const turns: Turn[] = [];
  messages.forEach((message, index) => {
    const path = joinPath(joinPath('messages', index), 'content');
    if (message.role === 'system') {
      for (const part of message.content) {
        const block = encodeTextPart(part);
        if (block !== undefined) system.push(block);
      }
      return;
    }
    const turn = encodeTurn(message, path);
    if (turn.content.length === 0) return;
    const previous = turns[turns.length - 1];
    if (previous !== undefined && previous.role === turn.role) {
      (previous.content as Array<AnthropicUserBlock | AnthropicAssistantBlock>).push(...turn.content);
    } else {
      turns.push(turn);
    }
  });
  for (const turn of turns) if (turn.role === 'user') turn.content = toolResultsFirst(turn.content);
  trimFinalAssistantTurn(turns);
  return { system, messages: turns };
}

function encodeTurn(message: Exclude<CanonicalMessage, { role: 'system' }>, path: string): Turn {
  if (message.role === 'tool') {
    return { role: 'user', content: message.content.map((part, index) => encodeToolResultPart(part, joinPath(path, index))) };
  }
  if (message.role === 'user') {
    const content: AnthropicUserBlock[] = [];
    message.content.forEach((part, index) => {
      const partPath = joinPath(path, index);
      if (part.type === 'text') {
        const block = encodeTextPart(part);
        if (block !== undefined) content.push(block);
      } else if (part.type === 'image') content.push(encodeImagePart(part, partPath));
      else content.push(encodeDocumentPart(part, partPath));
    });
    return { role: 'user', content };
  }
  const content: AnthropicAssistantBlock[] = [];
  message.content.forEach((part, index) => {
    let block: AnthropicAssistantBlock | undefined;
    if (part.type === 'text') block = encodeTextPart(part);
    // A refusal the model gave is what it said: Anthropic has no refusal block, so it replays as text.
    else if (part.type === 'refusal') block = encodeTextPart({ type: 'text', text: part.text });
    else if (part.type === 'reasoning') block = encodeReasoningForRequest(part);
    else block = encodeToolCallPart(part, joinPath(path, index));
    if (block !== undefined) content.push(block);
  });
  return { role: 'assistant', content };
}

/** Stable partition: tool results first, everything else after, each group in its original order. */
function toolResultsFirst(content: AnthropicUserBlock[]): AnthropicUserBlock[] {
  const results = content.filter((block) => block.type === 'tool_result');
  if (results.length === 0 || results.length === content.length) return content;
  return [...results, ...content.filter((block) => block.type !== 'tool_result')];
}

function trimFinalAssistantTurn(turns: Turn[]): void {
  const last = turns[turns.length - 1];
  if (last === undefined || last.role !== 'assistant') return;
  const block = last.content[last.content.length - 1];
  if (block === undefined || block.type !== 'text') return;
  const trimmed = block.text.trimEnd();
  if (trimmed === block.text) return;
  if (trimmed === '') last.content.pop();
  else last.content[last.content.length - 1] = { ...block, text: trimmed };
  if (last.content.length === 0) turns.pop();
}

/**
 * With thinking on, Anthropic requires the last assistant turn that called tools to start with its
 * thinking block. History produced by another provider has none to replay, so thinking must stay off.
 */
export function finalToolTurnLacksThinking(messages: readonly AnthropicMessageParam[]): boolean {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message === undefined || message.role !== 'assistant') continue;
    if (!message.content.some((block) => block.type === 'tool_use')) return false;
    const first = message.content[0];
    return first === undefined || (first.type !== 'thinking' && first.type !== 'redacted_thinking');
  }
  return false;
}
