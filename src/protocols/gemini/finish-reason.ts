/**
 * Gemini `finishReason` ↔ canonical finish reason.
 * https://ai.google.dev/api/generate-content#FinishReason
 *
 * Gemini has no tool-call reason: a turn that ends in function calls says `STOP` (and in streams the
 * `functionCall` chunk and the `STOP` chunk are separate [conformance gemini/stream-tool-call.stream.sse]),
 * so callers pass `sawToolCalls` and decide by content, not by the reason alone (PROTOCOLS.md trap 6).
 */
import type { FinishReason } from '../../canonical/types.js';
import type { GeminiFinishReason } from './wire-types.js';

const CONTENT_FILTER_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** The model produced an unusable function call or response: the generation failed. */
const ERROR_REASONS = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS', 'MALFORMED_RESPONSE']);

export function mapGeminiFinishReason(reason: string, sawToolCalls: boolean): FinishReason {
  if (reason === 'STOP') return sawToolCalls ? 'tool-calls' : 'stop';
  // CONTINUATION: the per-request token limit was reached before the answer was complete.
  if (reason === 'MAX_TOKENS' || reason === 'CONTINUATION') return 'length';
  if (CONTENT_FILTER_REASONS.has(reason)) return 'content-filter';
  if (ERROR_REASONS.has(reason)) return 'error';
  // LANGUAGE, OTHER, NO_IMAGE, IMAGE_OTHER, FINISH_REASON_UNSPECIFIED and reasons added later.
  return 'other';
}

/**
 * Canonical → Gemini. Stop sequences and tool calls both end with `STOP` (Gemini reports neither);
 * Anthropic's classifier `refusal` is closest to `SAFETY`; `pause`, `error` and `other` become `OTHER`.
 */
export function toGeminiFinishReason(reason: FinishReason): GeminiFinishReason {
  switch (reason) {
    case 'stop':
    case 'stop-sequence':
    case 'tool-calls':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content-filter':
    case 'refusal':
      return 'SAFETY';
    case 'pause':
    case 'error':
    case 'other':
      return 'OTHER';
  }
}
