import type { CanonicalUsage, StreamPart } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import type { StreamDecoder } from '../codec.js';
import type { SseEvent } from '../../util/sse.js';
import { classifyOpenAiErrorCode, readOpenAiErrorFields } from './errors.js';
import { FieldReader, isRecord } from '../shared/field-reader.js';
import { streamPartsFor } from './content-parts.js';
import { decodeOutputItem } from './response-decode.js';
import { mapResponsesStatus } from './status.js';
import { decodeResponsesUsage } from './usage.js';

/**
 * A provider's Responses event stream (PROTOCOLS.md §1) into canonical stream parts.
 *
 * Blocks: one per message content part, one per function_call item, one per non-empty reasoning
 * summary part. Blocks open lazily on their first non-empty delta, so no empty block is ever emitted
 * (the non-streaming decoder drops empty text the same way). A reasoning block stays open until the
 * next summary part or the item's `output_item.done`, which carries `encrypted_content`; a reasoning
 * item with encrypted content and no summary gives one empty block carrying it.
 *
 * Function-call arguments are kept per `item_id` (trap 1: never one buffer for several calls); a call
 * with no arguments ends as `{}` (trap 2); a call cut off by `max_output_tokens` gets no
 * `tool-call-end`, and the finish says `length` (trap 2). The `*.done` events are reconciled with the
 * deltas, so a proxy that sends only the done events loses nothing.
 */
export class ResponsesStreamDecoder implements StreamDecoder {
  private nextBlock = 0;
  private started = false;
  private terminated = false;
  private sawToolCall = false;
  private readonly texts = new Map<string, TextBlock>();
  private readonly calls = new Map<string, CallBlock>();
  private readonly reasonings = new Map<string, ReasoningState>();
  private readonly itemIds = new Map<number, string>();
  /** Items some event was seen for; the rest of the terminal response's output is emitted whole. */
  private readonly seenItems = new Set<string>();
  private parts: StreamPart[] = [];

  push(event: SseEvent): StreamPart[] {
    this.parts = [];
    if (this.terminated || event.data === '[DONE]') return this.parts;
    let data: unknown;
    try {
      data = JSON.parse(event.data) as unknown;
    } catch {
      return this.fail('The provider sent a stream event that is not JSON.');
    }
    if (!isRecord(data)) return this.fail('The provider sent a stream event that is not a JSON object.');
    const reader = new FieldReader(data, '', 'upstream_bad_response');
    try {
      this.handle(reader.optionalString('type') ?? event.event ?? '', reader);
    } catch (error) {
      // A provider event of the wrong shape ends this stream, never the process.
      if (!(error instanceof GatewayError)) throw error;
      return this.fail(`The provider sent a malformed stream event: ${error.message}`);
    }
    return this.parts;
  }

  end(): StreamPart[] {
    this.parts = [];
    if (!this.terminated) this.fail('The provider stream ended before response.completed.');
    return this.parts;
  }

  private handle(type: string, event: FieldReader): void {
    if (type === 'error') return this.onError(event);
    if (!this.started) this.start(event.optionalObject('response'));
    switch (type) {
      case 'response.output_item.added':
        return this.onItemAdded(event);
      case 'response.output_item.done':
        return this.onItemDone(event);
      case 'response.output_text.delta':
        return this.textDelta(this.contentKey(event), 'text', event.string('delta'));
      case 'response.output_text.done':
        return this.textDone(this.contentKey(event), 'text', event.optionalString('text'));
      case 'response.refusal.delta':
        return this.textDelta(this.contentKey(event), 'refusal', event.string('delta'));
      case 'response.refusal.done':
        return this.textDone(this.contentKey(event), 'refusal', event.optionalString('refusal'));
      case 'response.content_part.done':
        return this.onContentPartDone(event);
      case 'response.function_call_arguments.delta':
        return this.argumentsDelta(this.itemId(event), event.string('delta'));
      case 'response.function_call_arguments.done':
        return this.argumentsDone(this.itemId(event), event.optionalString('arguments'));
      case 'response.reasoning_summary_text.delta':
        return this.summaryDelta(this.itemId(event), event.optionalInteger('summary_index', 0) ?? 0, event.string('delta'));
      case 'response.reasoning_summary_text.done':
        return this.summaryDone(this.itemId(event), event.optionalInteger('summary_index', 0) ?? 0, event.optionalString('text'));
      case 'response.completed':
      case 'response.incomplete':
        return this.onTerminal(event.object('response'));
      case 'response.failed':
        return this.onFailed(event.object('response'));
      default:
        // created / in_progress / queued, content_part.added and reasoning_summary_part.added (blocks
        // open on their first delta), annotations, and events of built-in tools the gateway never asks for.
        return;
    }
  }

  private start(response: FieldReader | undefined): void {
    this.started = true;
    this.parts.push({
      type: 'response-start',
      id: response?.optionalString('id') ?? '',
      model: response?.optionalString('model') ?? '',
      created: response?.optionalNumber('created_at') ?? Math.floor(Date.now() / 1000),
    });
  }

  private itemId(event: FieldReader): string {
    const outputIndex = event.optionalInteger('output_index', 0);
    const itemId = event.optionalString('item_id') ?? (outputIndex === undefined ? undefined : this.itemIds.get(outputIndex)) ?? `output-${outputIndex ?? 0}`;
    this.seenItems.add(itemId);
    return itemId;
  }

  private contentKey(event: FieldReader): string {
    return `${this.itemId(event)}:${event.optionalInteger('content_index', 0) ?? 0}`;
  }

  private onItemAdded(event: FieldReader): void {
    const item = event.object('item');
    const id = item.optionalString('id') ?? `output-${event.optionalInteger('output_index', 0) ?? 0}`;
    const outputIndex = event.optionalInteger('output_index', 0);
    if (outputIndex !== undefined) this.itemIds.set(outputIndex, id);
    this.seenItems.add(id);
    if (item.optionalString('type') === 'function_call') this.startCall(id, item);
  }

  private startCall(itemId: string, item: FieldReader): CallBlock {
    const call: CallBlock = { block: this.nextBlock++, arguments: '', ended: false };
    this.calls.set(itemId, call);
    this.sawToolCall = true;
    this.parts.push({ type: 'tool-call-start', block: call.block, id: item.nonEmptyString('call_id'), name: item.nonEmptyString('name') });
    this.argumentsDelta(itemId, item.optionalString('arguments') ?? '');
    return call;
  }

  private onItemDone(event: FieldReader): void {
    const item = event.object('item');
    const itemId = item.optionalString('id') ?? this.itemId(event);
    this.seenItems.add(itemId);
    switch (item.optionalString('type')) {
      case 'message':
        return this.onMessageDone(itemId, item);
      case 'function_call': {
        const call = this.calls.get(itemId) ?? this.startCall(itemId, new FieldReader({ ...item.record, arguments: '' }, item.path, item.code));
        this.argumentsDone(itemId, item.optionalString('arguments'));
        // A call cut off by the output limit is not a call (trap 2): no end, the finish says `length`.
        if (item.optionalString('status') !== 'incomplete') this.endCall(call);
        return;
      }
      case 'reasoning':
        return this.onReasoningDone(itemId, item);
      default:
        return;
    }
  }

  // --- message content -------------------------------------------------------------------------

  private textDelta(key: string, kind: TextBlock['kind'], delta: string): void {
    if (delta === '') return;
    let text = this.texts.get(key);
    if (text === undefined) {
      text = { block: this.nextBlock++, kind, text: '', ended: false };
      this.texts.set(key, text);
      if (kind === 'text') this.parts.push({ type: 'text-start', block: text.block });
    }
    text.text += delta;
    this.parts.push(kind === 'text' ? { type: 'text-delta', block: text.block, text: delta } : { type: 'refusal-delta', block: text.block, text: delta });
  }

  private textDone(key: string, kind: TextBlock['kind'], full: string | undefined): void {
    if (full !== undefined) this.textDelta(key, kind, missingSuffix(this.texts.get(key)?.text ?? '', full));
  }

  private endText(text: TextBlock | undefined): void {
    if (text === undefined || text.ended) return;
    text.ended = true;
    // Refusals have no start or end part in the canonical stream: their deltas are the block.
    if (text.kind === 'text') this.parts.push({ type: 'text-end', block: text.block });
  }

  private onContentPartDone(event: FieldReader): void {
    const key = this.contentKey(event);
    const part = event.optionalObject('part');
    const type = part?.optionalString('type');
    if (type === 'output_text') this.textDone(key, 'text', part?.optionalString('text'));
    if (type === 'refusal') this.textDone(key, 'refusal', part?.optionalString('refusal'));
    this.endText(this.texts.get(key));
  }

  private onMessageDone(itemId: string, item: FieldReader): void {
    (item.has('content') ? item.objects('content') : []).forEach((part, index) => {
      const key = `${itemId}:${index}`;
      const type = part.optionalString('type');
      if (type === 'output_text') this.textDone(key, 'text', part.optionalString('text'));
      if (type === 'refusal') this.textDone(key, 'refusal', part.optionalString('refusal'));
      this.endText(this.texts.get(key));
    });
  }

  // --- function calls ---------------------------------------------------------------------------

  private argumentsDelta(itemId: string, delta: string): void {
    const call = this.calls.get(itemId);
    if (call === undefined || call.ended || delta === '') return;
    call.arguments += delta;
    this.parts.push({ type: 'tool-call-delta', block: call.block, argumentsDelta: delta });
  }

  private argumentsDone(itemId: string, full: string | undefined): void {
    const call = this.calls.get(itemId);
    if (call !== undefined && full !== undefined) this.argumentsDelta(itemId, missingSuffix(call.arguments, full));
  }

  private endCall(call: CallBlock): void {
    if (call.ended) return;
    if (call.arguments.trim() === '') this.parts.push({ type: 'tool-call-delta', block: call.block, argumentsDelta: '{}' });
    call.ended = true;
    this.parts.push({ type: 'tool-call-end', block: call.block });
  }

  // --- reasoning --------------------------------------------------------------------------------

  private reasoning(itemId: string): ReasoningState {
    let state = this.reasonings.get(itemId);
    if (state === undefined) {
      state = { blocks: 0, done: false };
      this.reasonings.set(itemId, state);
    }
    return state;
  }

  private summaryDelta(itemId: string, summaryIndex: number, delta: string): void {
    const state = this.reasoning(itemId);
    if (delta === '' || state.done) return;
    if (state.open?.summaryIndex !== summaryIndex) {
      this.endReasoningBlock(state, undefined);
      state.open = { block: this.nextBlock++, summaryIndex, text: '' };
      state.blocks++;
      this.parts.push({ type: 'reasoning-start', block: state.open.block, origin: 'openai', itemId });
    }
    state.open.text += delta;
    this.parts.push({ type: 'reasoning-delta', block: state.open.block, text: delta });
  }

  private summaryDone(itemId: string, summaryIndex: number, full: string | undefined): void {
    const open = this.reasonings.get(itemId)?.open;
    const streamed = open?.summaryIndex === summaryIndex ? open.text : '';
    if (full !== undefined) this.summaryDelta(itemId, summaryIndex, missingSuffix(streamed, full));
  }

  private endReasoningBlock(state: ReasoningState, encryptedContent: string | undefined): void {
    if (state.open === undefined) return;
    const end: StreamPart = { type: 'reasoning-end', block: state.open.block };
    if (encryptedContent !== undefined) end.encryptedContent = encryptedContent;
    this.parts.push(end);
    state.open = undefined;
  }

  private onReasoningDone(itemId: string, item: FieldReader): void {
    const state = this.reasoning(itemId);
    if (state.done) return;
    state.done = true;
    if (state.blocks === 0) {
      // Nothing streamed (no summary requested, or a proxy that sends only done items).
      this.emitWhole(item);
      return;
    }
    this.endReasoningBlock(state, item.optionalString('encrypted_content'));
  }

  /** An item that arrived complete, as the blocks its deltas would have made. */
  private emitWhole(item: FieldReader): void {
    // A call cut off by the output limit is not a call (trap 2).
    if (item.optionalString('type') === 'function_call' && item.optionalString('status') === 'incomplete') return;
    const content = decodeOutputItem(item);
    if (content.some((part) => part.type === 'tool-call')) this.sawToolCall = true;
    this.parts.push(...streamPartsFor(content, this.nextBlock));
    this.nextBlock += content.length;
  }

  // --- terminal events --------------------------------------------------------------------------

  private closeOpenBlocks(closeCalls: boolean): void {
    for (const text of this.texts.values()) this.endText(text);
    for (const state of this.reasonings.values()) this.endReasoningBlock(state, undefined);
    if (closeCalls) for (const call of this.calls.values()) this.endCall(call);
  }

  private onTerminal(response: FieldReader): void {
    const status = response.optionalString('status');
    const reason = response.optionalObject('incomplete_details')?.optionalString('reason');
    this.closeOpenBlocks(status !== 'incomplete');
    if (response.has('output')) {
      for (const item of response.objects('output')) {
        const id = item.optionalString('id');
        if (id !== undefined && !this.seenItems.has(id)) this.emitWhole(item);
      }
    }
    const usage: CanonicalUsage = decodeResponsesUsage(response.raw('usage'), 'response.usage');
    const hasToolCalls = this.sawToolCall || (response.optionalArray('output') ?? []).some((item) => isRecord(item) && item['type'] === 'function_call');
    this.parts.push({ type: 'finish', finishReason: mapResponsesStatus(status, reason, hasToolCalls), usage });
    this.terminated = true;
  }

  private onFailed(response: FieldReader): void {
    this.closeOpenBlocks(false);
    if (response.has('usage')) this.parts.push({ type: 'usage', usage: decodeResponsesUsage(response.raw('usage'), 'response.usage') });
    const fields = readOpenAiErrorFields({ error: response.raw('error') });
    const { status, kind } = classifyOpenAiErrorCode(fields.code, fields.type);
    this.parts.push({ type: 'error', error: { status, kind, message: fields.message ?? 'The provider failed to complete the response.', ...(fields.code !== undefined && { code: fields.code }) } });
    this.terminated = true;
  }

  /** `event: error` carries the error nested (recorded traffic) or flat (OpenAI's published schema). */
  private onError(event: FieldReader): void {
    const fields = readOpenAiErrorFields(event.has('error') ? { error: event.raw('error') } : event.record);
    const { status, kind } = classifyOpenAiErrorCode(fields.code, fields.type);
    // The code tells a retryable 429 from an exhausted quota: keep it.
    this.parts.push({ type: 'error', error: { status, kind, message: fields.message ?? 'The provider reported an error.', ...(fields.code !== undefined && { code: fields.code }) } });
    // The `response.failed` that follows only repeats it.
    this.terminated = true;
  }

  private fail(message: string): StreamPart[] {
    this.parts.push({ type: 'error', error: { status: 502, kind: 'server_error', message } });
    this.terminated = true;
    return this.parts;
  }
}

interface TextBlock {
  block: number;
  kind: 'text' | 'refusal';
  text: string;
  ended: boolean;
}

interface CallBlock {
  block: number;
  arguments: string;
  ended: boolean;
}

interface ReasoningState {
  open?: { block: number; summaryIndex: number; text: string } | undefined;
  blocks: number;
  done: boolean;
}

/** What a `*.done` text adds to what the deltas already gave (nothing when they disagree). */
function missingSuffix(streamed: string, full: string): string {
  return full.length > streamed.length && full.startsWith(streamed) ? full.slice(streamed.length) : '';
}
