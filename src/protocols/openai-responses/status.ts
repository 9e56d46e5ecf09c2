import type { FinishReason } from '../../canonical/types.js';
import type { ResponseStatus } from './wire-types.js';

/**
 * Responses has no finish reason: a response is `completed`, `incomplete` (with
 * `incomplete_details.reason`) or `failed`, and a tool turn is a completed response whose output holds
 * `function_call` items (PROTOCOLS.md "Stop / finish reasons"; trap 6: decide by content).
 */
export function mapResponsesStatus(status: string | undefined, incompleteReason: string | undefined, hasToolCalls: boolean): FinishReason {
  switch (status) {
    case 'incomplete':
      if (incompleteReason === 'max_output_tokens') return 'length';
      if (incompleteReason === 'content_filter') return 'content-filter';
      return 'other';
    case 'failed':
      return 'error';
    case 'cancelled':
      return 'other';
    default:
      // `completed`, or no status at all from a lenient OpenAI-compatible server.
      return hasToolCalls ? 'tool-calls' : 'stop';
  }
}

export interface ResponsesOutcome {
  status: ResponseStatus;
  incompleteDetails: { reason: 'max_output_tokens' | 'content_filter' } | null;
}

/**
 * The status a Responses client sees for a canonical finish reason. Stop sequences, refusals,
 * Anthropic `pause_turn` and tool calls are all `completed` (the output says the rest).
 */
export function responsesOutcomeFor(reason: FinishReason): ResponsesOutcome {
  switch (reason) {
    case 'length':
      return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } };
    case 'content-filter':
      return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } };
    case 'error':
      return { status: 'failed', incompleteDetails: null };
    default:
      return { status: 'completed', incompleteDetails: null };
  }
}
