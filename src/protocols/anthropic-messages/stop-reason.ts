import type { FinishReason } from '../../canonical/types.js';
import type { AnthropicStopReason } from './wire-types.js';

/**
 * `stop_reason` ⇄ canonical finish reason
 * (https://docs.anthropic.com/en/api/handling-stop-reasons).
 *
 * `model_context_window_exceeded` is an output limit like `max_tokens` (the context filled before
 * `max_tokens` was reached), so both read as `length`; encoding `length` writes `max_tokens`.
 */
export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
      return 'stop';
    case 'stop_sequence':
      return 'stop-sequence';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'refusal';
    case 'pause_turn':
      return 'pause';
    case null:
    case undefined:
      // A message without a stop reason is one still being generated; read it as a natural end.
      return 'stop';
    default:
      return 'other';
  }
}

/**
 * The canonical finish reason as Anthropic's `stop_reason`. `hasToolCalls` decides by content, not by
 * the reason alone: OpenAI can answer tool calls with `finish_reason: "stop"` (PROTOCOLS.md trap 6),
 * and an Anthropic client that sees `end_turn` next to `tool_use` blocks would not run the tools.
 */
export function toAnthropicStopReason(reason: FinishReason, hasToolCalls: boolean): AnthropicStopReason {
  switch (reason) {
    case 'stop':
      return hasToolCalls ? 'tool_use' : 'end_turn';
    case 'stop-sequence':
      return 'stop_sequence';
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
    case 'refusal':
      return 'refusal';
    case 'pause':
      return 'pause_turn';
    case 'error':
    case 'other':
      return hasToolCalls ? 'tool_use' : 'end_turn';
  }
}
