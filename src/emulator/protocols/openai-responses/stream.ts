/**
 * A planned response as the Responses event stream, exactly as OpenAI frames it in 2026
 * [conformance openai/responses-text.stream.sse, responses-tool-call.stream.sse,
 * responses-reasoning-summary.stream.sse]:
 * - `event: <type>` + `data: {"type":…}` per event, `sequence_number` counting from 0, no `[DONE]`;
 * - the fields after `type` in alphabetical order, as the current API writes them;
 * - created → in_progress → per item: output_item.added, its own events, output_item.done →
 *   completed (or incomplete, when the output limit cut the answer);
 * - every delta carries an `obfuscation` string padding it to 16 characters, unless
 *   `stream_options.include_obfuscation` is false.
 * A failure mid-stream (the `error_after` fault) becomes an `error` event and `response.failed`,
 * numbered on from the last event actually sent.
 */
import { formatSseEvent } from '../../../util/sse.js';
import type { EmulatorError } from '../../errors.js';
import type { RenderContext, StreamFrame } from '../protocol.js';
import { streamFailure } from './errors.js';
import {
  contentPart, finalItem, openedItem, partialItem, renderLogprobs, renderUsage, responseOutcome, summaryPart,
  type FunctionCallPlan, type MessagePlan, type OutputPlan, type ReasoningPlan,
} from './output.js';
import type { ResponsesRenderOptions } from './request.js';
import { responseObject } from './response.js';

export interface PreparedResponse {
  responseId: string;
  plans: OutputPlan[];
}

/** Where the stream was when its last content event was produced: what a failure reports. */
interface StreamProgress {
  prepared: PreparedResponse;
  /** The sequence number of the last content event (the one a failure replaces). */
  sequence: number;
  itemIndex: number;
  piecesSent: number;
}

const progressByContext = new WeakMap<RenderContext, StreamProgress>();

/** Deltas plus their padding make 16 characters, as in the recorded traffic. */
const OBFUSCATION_BLOCK = 16;

type EmitFields = Record<string, unknown>;

export function* renderResponsesStream(
  context: RenderContext, options: ResponsesRenderOptions, prepared: PreparedResponse, onFinished: () => void,
): Generator<StreamFrame> {
  let sequence = 0;
  const progress: StreamProgress = { prepared, sequence: 0, itemIndex: -1, piecesSent: 0 };
  progressByContext.set(context, progress);
  const frame = (type: string, fields: EmitFields, content = false): StreamFrame => {
    const withPadding = 'delta' in fields && options.includeObfuscation ? { ...fields, obfuscation: padding(context, String(fields.delta)) } : fields;
    const payload = { type, ...sortedFields({ ...withPadding, sequence_number: sequence }) };
    if (content) progress.sequence = sequence;
    sequence++;
    return { text: formatSseEvent(JSON.stringify(payload), type), tokens: content ? 1 : 0, content };
  };
  const snapshot = { status: 'in_progress' as const, output: [], usage: null, error: null, incompleteDetails: null, billing: false };
  yield frame('response.created', { response: responseObject(prepared.responseId, context, options.echo, snapshot) });
  yield frame('response.in_progress', { response: responseObject(prepared.responseId, context, options.echo, snapshot) });
  for (const [outputIndex, plan] of prepared.plans.entries()) {
    progress.itemIndex = outputIndex;
    progress.piecesSent = 0;
    yield frame('response.output_item.added', { item: openedItem(plan), output_index: outputIndex });
    const events = plan.type === 'reasoning' ? reasoningEvents(plan, outputIndex)
      : plan.type === 'message' ? messageEvents(plan, outputIndex, options)
        : functionCallEvents(plan, outputIndex);
    for (const event of events) {
      if (event.piece !== undefined) progress.piecesSent = event.piece;
      yield frame(event.type, event.fields, event.piece !== undefined);
    }
    yield frame('response.output_item.done', { item: finalItem(plan), output_index: outputIndex });
  }
  const outcome = responseOutcome(context.generation);
  const final = {
    status: outcome.status, output: prepared.plans.map(finalItem), usage: renderUsage(context.generation), error: null, incompleteDetails: outcome.incompleteDetails, billing: false,
  };
  onFinished();
  yield frame(outcome.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: responseObject(prepared.responseId, context, options.echo, final) });
}

/** The `error` event and `response.failed`, numbered from the content event they replace. */
export function renderResponsesStreamError(error: EmulatorError, context: RenderContext, options: ResponsesRenderOptions): string {
  const progress = progressByContext.get(context);
  const sequence = progress?.sequence ?? 0;
  const plans = progress?.prepared.plans ?? [];
  const itemIndex = progress?.itemIndex ?? -1;
  const output = plans.slice(0, Math.max(0, itemIndex)).map(finalItem);
  const current = plans[itemIndex];
  if (current !== undefined) output.push(partialItem(current, progress?.piecesSent ?? 0));
  const failure = streamFailure(error);
  const failed = responseObject(progress?.prepared.responseId ?? '', context, options.echo, {
    status: 'failed', output, usage: null, error: failure.response, incompleteDetails: null, billing: false,
  });
  return formatSseEvent(JSON.stringify({ type: 'error', error: failure.event, sequence_number: sequence }), 'error')
    + formatSseEvent(JSON.stringify({ type: 'response.failed', response: failed, sequence_number: sequence + 1 }), 'response.failed');
}

/** One event of an item; `piece` marks a content delta and says how many pieces came before it. */
interface ItemEvent {
  type: string;
  fields: EmitFields;
  piece?: number;
}

function* reasoningEvents(plan: ReasoningPlan, outputIndex: number): Generator<ItemEvent> {
  const base = { item_id: plan.id, output_index: outputIndex };
  for (const [summaryIndex, text] of plan.summary.entries()) {
    yield { type: 'response.reasoning_summary_part.added', fields: { ...base, part: summaryPart(''), summary_index: summaryIndex } };
    // Summaries stream while the model thinks, before the first output token: they carry no pacing.
    for (const delta of plan.summaryPieces[summaryIndex] ?? []) {
      yield { type: 'response.reasoning_summary_text.delta', fields: { ...base, delta, summary_index: summaryIndex } };
    }
    yield { type: 'response.reasoning_summary_text.done', fields: { ...base, summary_index: summaryIndex, text } };
    yield { type: 'response.reasoning_summary_part.done', fields: { ...base, part: summaryPart(text), summary_index: summaryIndex } };
  }
}

function* messageEvents(plan: MessagePlan, outputIndex: number, options: ResponsesRenderOptions): Generator<ItemEvent> {
  const base = { content_index: 0, item_id: plan.id, output_index: outputIndex };
  yield { type: 'response.content_part.added', fields: { ...base, part: contentPart(plan, '', []) } };
  if (plan.content === 'refusal') {
    for (const [position, delta] of plan.pieces.entries()) yield { type: 'response.refusal.delta', fields: { ...base, delta }, piece: position };
    yield { type: 'response.refusal.done', fields: { ...base, refusal: plan.text } };
  } else {
    for (const [position, delta] of plan.pieces.entries()) {
      const entry = options.includeLogprobs ? plan.logprobs?.[position] : undefined;
      yield { type: 'response.output_text.delta', fields: { ...base, delta, logprobs: renderLogprobs(entry === undefined ? [] : [entry]) }, piece: position };
    }
    yield { type: 'response.output_text.done', fields: { ...base, logprobs: renderLogprobs(plan.logprobs ?? []), text: plan.text } };
  }
  yield { type: 'response.content_part.done', fields: { ...base, part: contentPart(plan, plan.text, plan.logprobs) } };
}

function* functionCallEvents(plan: FunctionCallPlan, outputIndex: number): Generator<ItemEvent> {
  const base = { item_id: plan.id, output_index: outputIndex };
  for (const [position, delta] of plan.pieces.entries()) yield { type: 'response.function_call_arguments.delta', fields: { ...base, delta }, piece: position };
  yield { type: 'response.function_call_arguments.done', fields: { ...base, arguments: plan.arguments } };
}

function sortedFields(fields: EmitFields): EmitFields {
  const sorted: EmitFields = {};
  for (const key of Object.keys(fields).sort()) sorted[key] = fields[key];
  return sorted;
}

function padding(context: RenderContext, delta: string): string {
  const length = OBFUSCATION_BLOCK - (delta.length % OBFUSCATION_BLOCK);
  return context.random.alphanumeric(length);
}
