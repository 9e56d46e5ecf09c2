/**
 * A `Generation` as Responses output items, planned once and rendered both whole (the JSON body)
 * and piece by piece (the stream), so the two can never disagree. Item shapes follow the 2026
 * traffic [conformance openai/responses-text.response.json, responses-tool-call.stream.sse,
 * responses-reasoning-summary.stream.sse]: reasoning items carry no `status`, messages carry
 * `phase`, every output_text carries `annotations` and `logprobs`.
 */
import { splitIntoTokenPieces } from '../../tokens.js';
import type { GeneratedChoice, Generation, PromptMessage, PromptPart, TokenLogprob } from '../../types.js';
import type { RenderContext } from '../protocol.js';
import type { ReasoningVault } from './encrypted-content.js';
import type { ResponsesIds } from './ids.js';
import { composeReasoningSummary } from './reasoning-summary.js';
import type { ResponsesRenderOptions } from './request.js';
import type { StoredItem } from './store.js';

export interface ReasoningPlan {
  type: 'reasoning';
  id: string;
  summary: string[];
  summaryPieces: string[][];
  encryptedContent: string | undefined;
}

export interface MessagePlan {
  type: 'message';
  id: string;
  content: 'output_text' | 'refusal';
  text: string;
  pieces: string[];
  logprobs: TokenLogprob[] | undefined;
  /** False when the output limit cut the text short. */
  complete: boolean;
}

export interface FunctionCallPlan {
  type: 'function_call';
  id: string;
  callId: string;
  name: string;
  arguments: string;
  pieces: string[];
  complete: boolean;
}

export type OutputPlan = ReasoningPlan | MessagePlan | FunctionCallPlan;

export function planOutput(context: RenderContext, options: ResponsesRenderOptions, ids: ResponsesIds, vault: ReasoningVault): OutputPlan[] {
  const choice = context.generation.choices[0];
  if (choice === undefined) return [];
  const cut = choice.finishReason === 'length';
  const plans: OutputPlan[] = [];
  if (choice.reasoningTokens > 0) plans.push(planReasoning(choice, context, options, ids, vault));
  if (choice.refusal !== null) {
    plans.push({ type: 'message', id: ids.next('msg', 1), content: 'refusal', text: choice.refusal, pieces: choice.refusalPieces, logprobs: undefined, complete: !cut });
  } else if (choice.text !== null && !(cut && choice.text === '' && choice.toolCalls.length === 0)) {
    // An output limit spent entirely on reasoning leaves no message at all, as with the real API.
    plans.push({ type: 'message', id: ids.next('msg', 1), content: 'output_text', text: choice.text, pieces: choice.textPieces, logprobs: options.includeLogprobs ? choice.logprobs : undefined, complete: !cut });
  }
  choice.toolCalls.forEach((call, index) => {
    plans.push({
      type: 'function_call', id: ids.next('fc', 1), callId: call.id, name: call.name, arguments: call.argumentsJson, pieces: call.argumentPieces,
      complete: !(cut && index === choice.toolCalls.length - 1),
    });
  });
  return plans;
}

function planReasoning(choice: GeneratedChoice, context: RenderContext, options: ResponsesRenderOptions, ids: ResponsesIds, vault: ReasoningVault): ReasoningPlan {
  const id = ids.next('rs', 1);
  const summary = options.reasoningSummary === undefined ? [] : composeReasoningSummary(options.reasoningSummary, choice.reasoningTokens, options.topicWords, context.random.fork('summary'));
  const iv = Buffer.from(context.random.hex(32), 'hex');
  const encryptedContent = options.includeEncryptedReasoning
    ? vault.seal({ itemId: id, model: context.model.responseModel, reasoningTokens: choice.reasoningTokens }, iv, context.created)
    : undefined;
  return { type: 'reasoning', id, summary, summaryPieces: summary.map((text) => splitIntoTokenPieces(text).map((piece) => piece.text)), encryptedContent };
}

/** `completed`, or `incomplete` with the reason when the output limit ended the answer. */
export function responseOutcome(generation: Generation): { status: 'completed' | 'incomplete'; incompleteDetails: { reason: string } | null } {
  return generation.choices[0]?.finishReason === 'length'
    ? { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } }
    : { status: 'completed', incompleteDetails: null };
}

export function renderUsage(generation: Generation): Record<string, unknown> {
  const { usage } = generation;
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** The item as `response.output_item.added` announces it: no content yet. */
export function openedItem(plan: OutputPlan): Record<string, unknown> {
  switch (plan.type) {
    case 'reasoning': return reasoningItem(plan, []);
    case 'message': return messageItem(plan, 'in_progress', []);
    case 'function_call': return functionCallItem(plan, 'in_progress', '');
  }
}

export function finalItem(plan: OutputPlan): Record<string, unknown> {
  switch (plan.type) {
    case 'reasoning': return reasoningItem(plan, plan.summary.map(summaryPart));
    case 'message': return messageItem(plan, plan.complete ? 'completed' : 'incomplete', [contentPart(plan, plan.text, plan.logprobs)]);
    case 'function_call': return functionCallItem(plan, plan.complete ? 'completed' : 'incomplete', plan.arguments);
  }
}

/** The item as far as a stream got before it failed: the first `piecesSent` pieces of its content. */
export function partialItem(plan: OutputPlan, piecesSent: number): Record<string, unknown> {
  switch (plan.type) {
    case 'reasoning': return finalItem(plan);
    case 'message': {
      const text = plan.pieces.slice(0, piecesSent).join('');
      return messageItem(plan, 'in_progress', [contentPart(plan, text, plan.logprobs?.slice(0, piecesSent))]);
    }
    case 'function_call': return functionCallItem(plan, 'in_progress', plan.pieces.slice(0, piecesSent).join(''));
  }
}

export function summaryPart(text: string): Record<string, unknown> {
  return { type: 'summary_text', text };
}

export function contentPart(plan: MessagePlan, text: string, logprobs: readonly TokenLogprob[] | undefined): Record<string, unknown> {
  if (plan.content === 'refusal') return { type: 'refusal', refusal: text };
  return { type: 'output_text', annotations: [], logprobs: renderLogprobs(logprobs ?? []), text };
}

export function renderLogprobs(entries: readonly TokenLogprob[]): Array<Record<string, unknown>> {
  return entries.map((entry) => ({
    token: entry.token,
    bytes: entry.bytes,
    logprob: entry.logprob,
    top_logprobs: entry.top.map((alternative) => ({ token: alternative.token, bytes: alternative.bytes, logprob: alternative.logprob })),
  }));
}

function reasoningItem(plan: ReasoningPlan, summary: unknown[]): Record<string, unknown> {
  const item: Record<string, unknown> = { id: plan.id, type: 'reasoning' };
  if (plan.encryptedContent !== undefined) item.encrypted_content = plan.encryptedContent;
  item.summary = summary;
  return item;
}

function messageItem(plan: MessagePlan, status: string, content: unknown[]): Record<string, unknown> {
  return { id: plan.id, type: 'message', status, content, phase: 'final_answer', role: 'assistant' };
}

function functionCallItem(plan: FunctionCallPlan, status: string, argumentsText: string): Record<string, unknown> {
  return { id: plan.id, type: 'function_call', status, arguments: argumentsText, call_id: plan.callId, name: plan.name };
}

/** What a stored response hands on: its conversation plus the answer, and its items by id. */
export function storedRecord(conversation: readonly PromptMessage[], plans: readonly OutputPlan[]): { conversation: PromptMessage[]; items: Map<string, StoredItem> } {
  const parts: PromptPart[] = [];
  const items = new Map<string, StoredItem>();
  for (const plan of plans) {
    if (plan.type === 'reasoning') {
      items.set(plan.id, { kind: 'reasoning' });
      continue;
    }
    const part: PromptPart = plan.type === 'message'
      ? { type: 'text', text: plan.text }
      : { type: 'tool-call', id: plan.callId, name: plan.name, argumentsJson: plan.arguments };
    parts.push(part);
    items.set(plan.id, { kind: 'message', message: { role: 'assistant', parts: [part] } });
  }
  return { conversation: parts.length === 0 ? [...conversation] : [...conversation, { role: 'assistant', parts }], items };
}
