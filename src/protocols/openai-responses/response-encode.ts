import type { AssistantContentPart, CanonicalResponse, CanonicalUsage, ReasoningPart } from '../../canonical/types.js';
import type { EncodeContext } from '../codec.js';
import { ItemIds, idBase, responsesId } from './ids.js';
import { responsesOutcomeFor } from './status.js';
import { encodeResponsesUsage } from './usage.js';
import type {
  OutputFunctionCallItem,
  OutputItem,
  OutputMessageItem,
  OutputReasoningItem,
  OutputTextContent,
  RefusalContent,
  ResponseErrorWire,
  ResponseObject,
  ResponseStatus,
} from './wire-types.js';

export interface ResponseObjectFields {
  id: string;
  createdAt: number;
  model: string;
  status: ResponseStatus;
  incompleteDetails?: ResponseObject['incomplete_details'];
  error?: ResponseErrorWire | null;
  output: OutputItem[];
  usage: Partial<CanonicalUsage> | null;
}

/**
 * A complete `response` object with every field the OpenAI SDKs read. Request-side fields the
 * canonical response does not carry (tools, temperature, …) are reported as their neutral defaults.
 */
export function responseObject(fields: ResponseObjectFields): ResponseObject {
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status: fields.status,
    background: false,
    completed_at: fields.status === 'completed' ? Math.max(fields.createdAt, Math.floor(Date.now() / 1000)) : null,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteDetails ?? null,
    instructions: null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    prompt_cache_key: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: 'default',
    store: false,
    temperature: null,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_logprobs: 0,
    top_p: null,
    truncation: 'disabled',
    usage: fields.usage === null ? null : encodeResponsesUsage(fields.usage),
    user: null,
    metadata: {},
  };
}

/** The canonical response as a Responses `response` body, for a client speaking this protocol. */
export function encodeResponsesResponse(response: CanonicalResponse, context: EncodeContext): ResponseObject {
  const id = responsesId(response.id === '' ? context.requestId : response.id);
  const outcome = responsesOutcomeFor(response.finishReason);
  return responseObject({
    id,
    createdAt: response.created,
    model: context.model,
    status: outcome.status,
    incompleteDetails: outcome.incompleteDetails,
    error: outcome.status === 'failed' ? { code: 'server_error', message: 'The provider failed to complete the response.' } : null,
    output: encodeOutputItems(response.content, new ItemIds(idBase(id))),
    usage: response.usage,
  });
}

export function outputText(text: string): OutputTextContent {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function refusalContent(text: string): RefusalContent {
  return { type: 'refusal', refusal: text };
}

/** Whether two reasoning parts belong to one Responses reasoning item (same OpenAI item id). */
export function sameReasoningItem(previous: { origin: string; itemId?: string | undefined } | undefined, next: ReasoningPart): boolean {
  return previous !== undefined && previous.origin === 'openai' && next.origin === 'openai' && next.itemId !== undefined && previous.itemId === next.itemId;
}

/**
 * Canonical content as output items, in order: runs of text/refusal → one message item; each tool
 * call → a function_call item (`call_id` = canonical id); reasoning parts of one OpenAI item → one
 * reasoning item (readable reasoning of other providers becomes a summary, their signatures stay
 * behind); reasoning with nothing readable or replayable is left out.
 */
export function encodeOutputItems(content: AssistantContentPart[], ids: ItemIds): OutputItem[] {
  const items: OutputItem[] = [];
  let message: OutputMessageItem | undefined;
  let reasoning: { item: OutputReasoningItem; origin: string; itemId?: string | undefined } | undefined;
  const flushReasoning = (): void => {
    if (reasoning !== undefined && (reasoning.item.summary.length > 0 || reasoning.item.encrypted_content !== undefined)) items.push(reasoning.item);
    reasoning = undefined;
  };
  for (const part of content) {
    if (part.type === 'reasoning') {
      message = undefined;
      if (!sameReasoningItem(reasoning, part)) {
        flushReasoning();
        const reusable = part.origin === 'openai' && part.itemId !== undefined && !items.some((item) => item.id === part.itemId);
        const id = reusable && part.itemId !== undefined ? part.itemId : ids.next('rs');
        reasoning = { item: { id, type: 'reasoning', summary: [] }, origin: part.origin, itemId: part.itemId };
      }
      const current = reasoning;
      if (current === undefined) continue;
      if (part.text !== '') current.item.summary.push({ type: 'summary_text', text: part.text });
      if (part.origin === 'openai' && part.encryptedContent !== undefined) current.item.encrypted_content = part.encryptedContent;
      continue;
    }
    flushReasoning();
    if (part.type === 'tool-call') {
      message = undefined;
      const call: OutputFunctionCallItem = {
        id: ids.next('fc'),
        type: 'function_call',
        status: 'completed',
        arguments: part.arguments,
        call_id: part.id === '' ? ids.next('call') : part.id,
        name: part.name,
      };
      items.push(call);
      continue;
    }
    if (part.text === '') continue;
    if (message === undefined) {
      message = { id: ids.next('msg'), type: 'message', status: 'completed', role: 'assistant', content: [] };
      items.push(message);
    }
    message.content.push(part.type === 'text' ? outputText(part.text) : refusalContent(part.text));
  }
  flushReasoning();
  return items;
}
