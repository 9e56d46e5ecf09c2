import type { TokenLogprob } from '../../canonical/types.js';
import type { ChatLogprobs, ChatTokenLogprob } from './wire-types.js';

/**
 * Canonical token log probabilities as a Chat choice's `logprobs`: `{content: [{token, logprob,
 * bytes, top_logprobs}], refusal: null}`. OpenAI always sends `bytes` (the token's UTF-8 bytes);
 * providers that do not are given them from the token text.
 */
export function encodeChatLogprobs(logprobs: readonly TokenLogprob[] | undefined): ChatLogprobs | null {
  if (logprobs === undefined) return null;
  return { content: logprobs.map((entry) => ({ ...chatToken(entry), top_logprobs: entry.top.map(chatToken) })), refusal: null };
}

function chatToken(entry: { token: string; logprob: number }): Omit<ChatTokenLogprob, 'top_logprobs'> {
  return { token: entry.token, logprob: entry.logprob, bytes: [...Buffer.from(entry.token, 'utf8')] };
}
