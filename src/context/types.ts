import type { CanonicalRequest } from '../canonical/types.js';

/**
 * What to do with a request whose input is over the model's budget.
 * - `refuse`: nothing is sent; the gateway answers with an error naming the tokens and the limits.
 * - `escalate`: the router should pick a model with a larger reliable window (`needs` says how large).
 * - `slide`: drop the oldest turns, never the system messages nor the latest `keepLastTurns` turns.
 * - `truncate-middle`: cut the middle out of the longest text parts, leaving a marker.
 */
export type ContextPolicy =
  | { mode: 'refuse' }
  | { mode: 'escalate' }
  | { mode: 'slide'; keepLastTurns: number }
  | { mode: 'truncate-middle' };

export interface ContextLimits {
  /** The model's context window in tokens (input and output together). */
  contextWindow: number;
  /** Input tokens up to which the model stays reliable; defaults to the context window. */
  reliableContext?: number;
  /** Output tokens to leave room for; defaults to the request's `maxOutputTokens`, else 0. */
  reservedOutputTokens?: number;
  /** The model's name, for the wording of `detail`. */
  model?: string;
}

export type ContextAction = 'none' | 'refuse' | 'escalate' | 'slide' | 'truncate-middle';

export interface ContextOutcome {
  /** The request to send: the input object itself unless turns were dropped or text was cut. */
  request: CanonicalRequest;
  /** `none` when the request already fit; otherwise the policy's mode. */
  action: ContextAction;
  /** Whether `request`'s input is within `limitTokens`. */
  fits: boolean;
  /** Whether `request`'s input plus the reserved output fit the context window (the provider would take it). */
  withinContextWindow: boolean;
  /** Estimated input tokens of `request`. */
  inputTokens: number;
  /** Estimated input tokens before the policy acted. */
  originalInputTokens: number;
  /** The input budget: the reliable context, or the context window less the reserved output if smaller. */
  limitTokens: number;
  /** One sentence naming tokens and limits, fit for an error message or a response header. */
  detail: string;
  /** When `request` does not fit: the windows a model needs to take the original request as is. */
  needs?: { reliableContext: number; contextWindow: number };
  /** `slide`: how many messages were dropped. */
  droppedMessages?: number;
  /** `truncate-middle`: how many tokens were cut out (estimated). */
  omittedTokens?: number;
}
