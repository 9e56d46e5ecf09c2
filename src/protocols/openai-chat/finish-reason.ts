import type { FinishReason } from '../../canonical/types.js';
import type { ChatFinishReason } from './wire-types.js';

/**
 * Chat `finish_reason` into the canonical reason. OpenAI sometimes reports `stop` although the
 * message holds tool calls (PROTOCOLS.md trap 6), so the content decides: calls present → tool-calls,
 * unless the output was cut (`length`) or filtered. `function_call` is the legacy name for tool calls.
 * An unknown or missing reason is `other`.
 */
export function mapChatFinishReason(reason: unknown, hasToolCalls: boolean): FinishReason {
  switch (reason) {
    case 'stop':
      return hasToolCalls ? 'tool-calls' : 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return hasToolCalls ? 'tool-calls' : 'other';
  }
}

/**
 * The canonical reason as a Chat `finish_reason`. Chat has five values, so several canonical reasons
 * share one: a stop sequence, a pause (Anthropic `pause_turn`), an error or anything else is `stop`;
 * a refusal (Anthropic `refusal`, Gemini safety) is `content_filter`. Tool calls present → `tool_calls`
 * (Gemini reports STOP with function calls).
 */
export function toChatFinishReason(reason: FinishReason, hasToolCalls: boolean): ChatFinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'content-filter':
    case 'refusal':
      return 'content_filter';
    case 'tool-calls':
      return 'tool_calls';
    case 'stop':
    case 'stop-sequence':
    case 'pause':
    case 'error':
    case 'other':
      return hasToolCalls ? 'tool_calls' : 'stop';
  }
}
