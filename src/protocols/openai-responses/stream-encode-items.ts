import type { ProviderOrigin } from '../../canonical/types.js';
import { formatSseEvent } from '../../util/sse.js';
import type { ItemIds } from './ids.js';
import { outputText, refusalContent } from './response-encode.js';
import type { ItemStatus, OutputItem } from './wire-types.js';

/** Numbers and writes events: `event: <type>` + data with `type` and an increasing `sequence_number`. */
export class EventWriter {
  private sequence = 0;
  private text = '';

  emit(type: string, fields: Record<string, unknown>): void {
    this.text += formatSseEvent(JSON.stringify({ type, sequence_number: this.sequence++, ...fields }), type);
  }

  /** The text written since the last take. */
  take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }
}

interface ContentState {
  kind: 'text' | 'refusal';
  text: string;
  done: boolean;
}

interface ItemBase {
  outputIndex: number;
  id: string;
  done: boolean;
}

export interface MessageState extends ItemBase {
  kind: 'message';
  content: ContentState[];
}

export interface CallState extends ItemBase {
  kind: 'function_call';
  callId: string;
  name: string;
  arguments: string;
  ended: boolean;
}

export interface ReasoningState extends ItemBase {
  kind: 'reasoning';
  origin: ProviderOrigin;
  itemId: string | undefined;
  summary: ContentState[];
  encryptedContent?: string;
}

export type ItemState = MessageState | CallState | ReasoningState;

/** Where a canonical block lives on the wire: an item and a content (or summary) index. */
export interface BlockRef {
  item: ItemState;
  index: number;
}

/**
 * The output items of one streamed response and the events that build them (PROTOCOLS.md §1,
 * [responses-text.stream.sse], [responses-tool-call.stream.sse], [responses-reasoning-summary.stream.sse]).
 * An item stays open after its block ends, so a following block can join it (text after text joins
 * the message, a summary part of the same reasoning item joins it); it is closed with
 * `output_item.done` when an item of another kind starts, or at the end.
 */
export class OutputItems {
  readonly items: ItemState[] = [];

  constructor(
    private readonly writer: EventWriter,
    private readonly ids: ItemIds,
  ) {}

  private last(): ItemState | undefined {
    return this.items[this.items.length - 1];
  }

  private add<T extends ItemState>(item: T): T {
    this.closeIdle();
    this.items.push(item);
    this.writer.emit('response.output_item.added', { output_index: item.outputIndex, item: this.addedShape(item) });
    return item;
  }

  // --- message content -------------------------------------------------------------------------

  openContent(kind: ContentState['kind']): BlockRef {
    const last = this.last();
    const item = last?.kind === 'message' && !last.done && last.content.every((part) => part.done) ? last : this.add<MessageState>({ kind: 'message', outputIndex: this.items.length, id: this.ids.next('msg'), done: false, content: [] });
    const index = item.content.length;
    item.content.push({ kind, text: '', done: false });
    this.writer.emit('response.content_part.added', {
      item_id: item.id,
      output_index: item.outputIndex,
      content_index: index,
      part: kind === 'text' ? outputText('') : refusalContent(''),
    });
    return { item, index };
  }

  contentDelta(ref: BlockRef, delta: string): void {
    const content = ref.item.kind === 'message' ? ref.item.content[ref.index] : undefined;
    if (content === undefined || content.done || delta === '') return;
    content.text += delta;
    const fields = { item_id: ref.item.id, output_index: ref.item.outputIndex, content_index: ref.index, delta };
    if (content.kind === 'text') this.writer.emit('response.output_text.delta', { ...fields, logprobs: [] });
    else this.writer.emit('response.refusal.delta', fields);
  }

  closeContent(ref: BlockRef): void {
    const content = ref.item.kind === 'message' ? ref.item.content[ref.index] : undefined;
    if (content === undefined || content.done) return;
    content.done = true;
    const fields = { item_id: ref.item.id, output_index: ref.item.outputIndex, content_index: ref.index };
    if (content.kind === 'text') this.writer.emit('response.output_text.done', { ...fields, text: content.text, logprobs: [] });
    else this.writer.emit('response.refusal.done', { ...fields, refusal: content.text });
    this.writer.emit('response.content_part.done', { ...fields, part: content.kind === 'text' ? outputText(content.text) : refusalContent(content.text) });
  }

  // --- function calls ---------------------------------------------------------------------------

  openCall(callId: string, name: string): CallState {
    return this.add<CallState>({ kind: 'function_call', outputIndex: this.items.length, id: this.ids.next('fc'), done: false, callId, name, arguments: '', ended: false });
  }

  callDelta(call: CallState, delta: string): void {
    if (call.ended || delta === '') return;
    call.arguments += delta;
    this.writer.emit('response.function_call_arguments.delta', { item_id: call.id, output_index: call.outputIndex, delta });
  }

  /** A call is never continued by another block, so it is done as soon as its arguments are. */
  endCall(call: CallState): void {
    if (call.ended) return;
    // A call without arguments is `{}`, never `""` (PROTOCOLS.md trap 2).
    if (call.arguments.trim() === '') this.callDelta(call, '{}');
    call.ended = true;
    this.writer.emit('response.function_call_arguments.done', { item_id: call.id, output_index: call.outputIndex, arguments: call.arguments });
    this.closeItem(call);
  }

  // --- reasoning --------------------------------------------------------------------------------

  /** The reasoning item a block of this origin and item id belongs to: the open one, or a new one. */
  reasoningItem(origin: ProviderOrigin, itemId: string | undefined): ReasoningState {
    const last = this.last();
    const joins = last?.kind === 'reasoning' && !last.done && last.summary.every((part) => part.done) && origin === 'openai' && last.origin === 'openai' && itemId !== undefined && last.itemId === itemId;
    if (joins) return last;
    // The provider's item id when it is one and still free (the SDK rejects two items with one id).
    const reusable = origin === 'openai' && itemId !== undefined && !this.items.some((item) => item.id === itemId);
    const id = reusable ? itemId : this.ids.next('rs');
    return this.add<ReasoningState>({ kind: 'reasoning', outputIndex: this.items.length, id, done: false, origin, itemId, summary: [] });
  }

  openSummary(item: ReasoningState): BlockRef {
    const index = item.summary.length;
    item.summary.push({ kind: 'text', text: '', done: false });
    this.writer.emit('response.reasoning_summary_part.added', { item_id: item.id, output_index: item.outputIndex, summary_index: index, part: { type: 'summary_text', text: '' } });
    return { item, index };
  }

  summaryDelta(ref: BlockRef, delta: string): void {
    const summary = ref.item.kind === 'reasoning' ? ref.item.summary[ref.index] : undefined;
    if (summary === undefined || summary.done || delta === '') return;
    summary.text += delta;
    this.writer.emit('response.reasoning_summary_text.delta', { item_id: ref.item.id, output_index: ref.item.outputIndex, summary_index: ref.index, delta });
  }

  closeSummary(ref: BlockRef): void {
    const summary = ref.item.kind === 'reasoning' ? ref.item.summary[ref.index] : undefined;
    if (summary === undefined || summary.done) return;
    summary.done = true;
    const fields = { item_id: ref.item.id, output_index: ref.item.outputIndex, summary_index: ref.index };
    this.writer.emit('response.reasoning_summary_text.done', { ...fields, text: summary.text });
    this.writer.emit('response.reasoning_summary_part.done', { ...fields, part: { type: 'summary_text', text: summary.text } });
  }

  // --- closing ----------------------------------------------------------------------------------

  private isIdle(item: ItemState): boolean {
    if (item.done) return false;
    if (item.kind === 'function_call') return item.ended;
    const parts = item.kind === 'message' ? item.content : item.summary;
    return parts.every((part) => part.done);
  }

  /** Emits `output_item.done` for every open item none of whose blocks is still open. */
  closeIdle(): void {
    for (const item of this.items) if (this.isIdle(item)) this.closeItem(item);
  }

  closeItem(item: ItemState): void {
    if (item.done) return;
    item.done = true;
    this.writer.emit('response.output_item.done', { output_index: item.outputIndex, item: this.itemShape(item, 'completed') });
  }

  /** The output array of the terminal response: finished items complete, the others `incomplete`. */
  output(): OutputItem[] {
    return this.items.map((item) => this.itemShape(item, item.done ? 'completed' : 'incomplete'));
  }

  private addedShape(item: ItemState): OutputItem {
    switch (item.kind) {
      case 'message':
        return { id: item.id, type: 'message', status: 'in_progress', content: [], role: 'assistant' };
      case 'function_call':
        return { id: item.id, type: 'function_call', status: 'in_progress', arguments: '', call_id: item.callId, name: item.name };
      case 'reasoning':
        return { id: item.id, type: 'reasoning', summary: [] };
    }
  }

  private itemShape(item: ItemState, status: ItemStatus): OutputItem {
    switch (item.kind) {
      case 'message':
        return {
          id: item.id,
          type: 'message',
          status,
          content: item.content.map((part) => (part.kind === 'text' ? outputText(part.text) : refusalContent(part.text))),
          role: 'assistant',
        };
      case 'function_call':
        return { id: item.id, type: 'function_call', status, arguments: item.arguments, call_id: item.callId, name: item.name };
      case 'reasoning': {
        const shape: OutputItem = { id: item.id, type: 'reasoning', summary: item.summary.map((part) => ({ type: 'summary_text', text: part.text })) };
        if (item.encryptedContent !== undefined) shape.encrypted_content = item.encryptedContent;
        if (status === 'incomplete') shape.status = status;
        return shape;
      }
    }
  }
}
