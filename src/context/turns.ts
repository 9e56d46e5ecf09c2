/**
 * Where a conversation can be cut so that what remains is still a valid conversation for every
 * provider: at a user message (after the system messages, a conversation must open with a user
 * turn), and never between an assistant's tool call and its result (Anthropic answers 400 "tool_use
 * ids were found without tool_result blocks", OpenAI refuses a tool message without its call).
 */
import type { CanonicalMessage } from '../canonical/types.js';

/**
 * Indices `i` where dropping every non-system message before `i` leaves a valid conversation, in
 * ascending order. Only cuts that drop something are listed.
 */
export function cutPoints(messages: readonly CanonicalMessage[]): number[] {
  const straddled = straddledIndices(messages);
  const points: number[] = [];
  let seenConversation = false;
  messages.forEach((message, index) => {
    if (message.role === 'user' && seenConversation && !straddled[index]) points.push(index);
    if (message.role !== 'system') seenConversation = true;
  });
  return points;
}

/** Indices of the user messages that open a turn, in order. */
export function turnStarts(messages: readonly CanonicalMessage[]): number[] {
  return messages.flatMap((message, index) => (message.role === 'user' ? [index] : []));
}

/**
 * For each index, whether a cut there would separate a tool call from its result: true for every
 * index in (call, result] of each answered call (or (result, call] if a result came first).
 */
function straddledIndices(messages: readonly CanonicalMessage[]): boolean[] {
  const calls = new Map<string, number>();
  const results = new Map<string, number>();
  messages.forEach((message, index) => {
    for (const part of message.content) {
      if (part.type === 'tool-call' && !calls.has(part.id)) calls.set(part.id, index);
      if (part.type === 'tool-result') results.set(part.toolCallId, index);
    }
  });
  // A difference array: +1 where a forbidden range opens, -1 after it closes.
  const depth = new Array<number>(messages.length + 1).fill(0);
  for (const [id, call] of calls) {
    const result = results.get(id);
    if (result === undefined || result === call) continue;
    const [first, last] = call < result ? [call, result] : [result, call];
    depth[first + 1] = (depth[first + 1] ?? 0) + 1;
    depth[last + 1] = (depth[last + 1] ?? 0) - 1;
  }
  const straddled: boolean[] = [];
  let open = 0;
  for (let index = 0; index < messages.length; index++) {
    open += depth[index] ?? 0;
    straddled.push(open > 0);
  }
  return straddled;
}
