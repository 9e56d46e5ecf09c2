/**
 * Sliding window: drop the oldest turns until the request fits. System messages always stay (they
 * are instructions, not history), the latest `keepLastTurns` turns always stay (a turn is a user
 * message and everything up to the next one), and cuts fall only where turns.ts allows, so a tool
 * call never loses its result and the conversation still opens with a user message.
 */
import type { CanonicalMessage, CanonicalRequest } from '../canonical/types.js';
import { estimateRequestTokens } from '../routing/token-estimate.js';
import { cutPoints, turnStarts } from './turns.js';

export interface SlideResult {
  request: CanonicalRequest;
  inputTokens: number;
  droppedMessages: number;
  fits: boolean;
  /** Why nothing more could be dropped, when it does not fit. */
  blocked: string | undefined;
}

export function slideWindow(request: CanonicalRequest, inputTokens: number, limit: number, keepLastTurns: number): SlideResult {
  const { messages } = request;
  const starts = turnStarts(messages);
  const keep = Math.max(1, Math.floor(keepLastTurns));
  // Cutting at the start of the keep-th last turn keeps exactly that many; earlier cuts keep more.
  const protectedFrom = starts.length >= keep ? (starts[starts.length - keep] ?? 0) : 0;
  const cuts = cutPoints(messages).filter((index) => index <= protectedFrom);
  if (cuts.length === 0) {
    const blocked = starts.length <= keep ? `the conversation has ${starts.length} turn(s) and the latest ${keep} are kept` : 'no older turn can be dropped without separating a tool call from its result';
    return { request, inputTokens, droppedMessages: 0, fits: inputTokens <= limit, blocked };
  }

  // Each cut's saving from per-message estimates, confirmed on the whole request before it is taken.
  const droppable = [0]; // droppable[i]: estimated tokens of the non-system messages before i
  messages.forEach((message, index) => droppable.push((droppable[index] ?? 0) + (message.role === 'system' ? 0 : messageTokens(request, message))));
  let best: SlideResult | undefined;
  for (const cut of cuts) {
    const saved = droppable[cut] ?? 0;
    const last = cut === cuts[cuts.length - 1];
    // The per-message estimates may overstate the saving by a token (rounding), never more.
    if (inputTokens - saved > limit + 1 && !last) continue;
    const kept = messages.filter((message, index) => index >= cut || message.role === 'system');
    const slid: CanonicalRequest = { ...request, messages: kept };
    const tokens = estimateRequestTokens(slid);
    best = { request: slid, inputTokens: tokens, droppedMessages: messages.length - kept.length, fits: tokens <= limit, blocked: undefined };
    if (best.fits) return best;
  }
  return { ...best!, blocked: `the latest ${keep} turn(s) and the system messages alone are ~${best!.inputTokens} tokens` };
}

/** One message's share of the request estimate (tools are counted once, outside the messages). */
function messageTokens(request: CanonicalRequest, message: CanonicalMessage): number {
  return estimateRequestTokens({ ...request, tools: undefined, messages: [message] });
}
