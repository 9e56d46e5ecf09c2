import type { CanonicalUsage, FinishReason, ProviderOrigin, StreamErrorInfo, StreamPart } from '../../canonical/types.js';
import type { EncodeContext, StreamEncoder } from '../codec.js';
import { asErrorKind, classifyOpenAiErrorCode, openAiErrorMessage, openAiErrorType, openAiStreamErrorCode } from './errors.js';
import { ItemIds, idBase, responsesId } from './ids.js';
import { responseObject } from './response-encode.js';
import { responsesOutcomeFor } from './status.js';
import { EventWriter, OutputItems, type BlockRef, type CallState } from './stream-encode-items.js';
import type { ResponseErrorWire, ResponseStatus } from './wire-types.js';

/**
 * Canonical stream parts as a Responses event stream for a client (PROTOCOLS.md §1):
 * `response.created` → `response.in_progress` → per output item `output_item.added` → its part
 * events → `output_item.done` … → `response.completed` (full response with usage) |
 * `response.incomplete` (output limit, content filter) | `error` + `response.failed`. No `[DONE]`.
 *
 * Readable reasoning of any provider becomes reasoning summary events; only OpenAI reasoning carries
 * `encrypted_content`. Refusal blocks (which have no start or end part) close when another block
 * starts or the response ends.
 */
export class ResponsesStreamEncoder implements StreamEncoder {
  private readonly writer = new EventWriter();
  private items: OutputItems;
  private id: string;
  private createdAt = Math.floor(Date.now() / 1000);
  private started = false;
  private terminated = false;
  private usage: Partial<CanonicalUsage> = {};
  private readonly blocks = new Map<number, BlockRef>();
  private readonly calls = new Map<number, CallState>();
  private readonly refusals = new Map<number, BlockRef>();
  private readonly reasoningStarts = new Map<number, { origin: ProviderOrigin; itemId: string | undefined }>();

  constructor(private readonly context: EncodeContext) {
    this.id = responsesId(context.requestId);
    this.items = new OutputItems(this.writer, new ItemIds(idBase(this.id)));
  }

  encode(part: StreamPart): string {
    if (this.terminated) return '';
    if (part.type === 'response-start' && !this.started) {
      if (part.id !== '') {
        this.id = responsesId(part.id);
        this.items = new OutputItems(this.writer, new ItemIds(idBase(this.id)));
      }
      this.createdAt = part.created;
    }
    this.ensureStarted();
    this.handle(part);
    return this.writer.take();
  }

  end(): string {
    if (!this.terminated) {
      this.ensureStarted();
      this.fail({ status: 502, kind: 'server_error', message: 'The provider stream ended before the response was complete.' });
    }
    return this.writer.take();
  }

  private ensureStarted(): void {
    if (this.started) return;
    this.started = true;
    const response = this.snapshot('in_progress', null);
    this.writer.emit('response.created', { response });
    this.writer.emit('response.in_progress', { response });
  }

  private snapshot(status: ResponseStatus, error: ResponseErrorWire | null, incompleteDetails: ReturnType<typeof responsesOutcomeFor>['incompleteDetails'] = null) {
    return responseObject({
      id: this.id,
      createdAt: this.createdAt,
      model: this.context.model,
      status,
      error,
      incompleteDetails,
      output: status === 'in_progress' ? [] : this.items.output(),
      // A failed response reports usage only when the provider gave some, as OpenAI does.
      usage: status === 'in_progress' || (status === 'failed' && Object.keys(this.usage).length === 0) ? null : this.usage,
    });
  }

  private handle(part: StreamPart): void {
    switch (part.type) {
      case 'response-start':
        return this.mergeUsage(part.usage);
      case 'text-start':
        this.closeRefusals();
        this.blocks.set(part.block, this.items.openContent('text'));
        return;
      case 'text-delta': {
        let ref = this.blocks.get(part.block);
        if (ref === undefined && part.text !== '') {
          // Lenient: a delta for a block that never started opens it.
          this.closeRefusals();
          ref = this.items.openContent('text');
          this.blocks.set(part.block, ref);
        }
        if (ref !== undefined) this.items.contentDelta(ref, part.text);
        return;
      }
      case 'text-end': {
        const ref = this.blocks.get(part.block);
        if (ref !== undefined) this.items.closeContent(ref);
        return;
      }
      case 'refusal-delta':
        return this.refusalDelta(part.block, part.text);
      case 'reasoning-start':
        this.closeRefusals();
        this.reasoningStarts.set(part.block, { origin: part.origin, itemId: part.itemId });
        return;
      case 'reasoning-delta':
        return this.reasoningDelta(part.block, part.text);
      case 'reasoning-end':
        return this.reasoningEnd(part.block, part.encryptedContent);
      case 'tool-call-start':
        this.closeRefusals();
        this.calls.set(part.block, this.items.openCall(part.id, part.name));
        return;
      case 'tool-call-delta': {
        const call = this.calls.get(part.block);
        if (call !== undefined) this.items.callDelta(call, part.argumentsDelta);
        return;
      }
      case 'tool-call-end': {
        const call = this.calls.get(part.block);
        if (call !== undefined) this.items.endCall(call);
        return;
      }
      case 'usage':
        return this.mergeUsage(part.usage);
      case 'finish':
        this.mergeUsage(part.usage);
        return this.finish(part.finishReason);
      case 'error':
        return this.fail(part.error);
    }
  }

  private mergeUsage(usage: Partial<CanonicalUsage> | undefined): void {
    if (usage !== undefined) this.usage = { ...this.usage, ...usage };
  }

  private refusalDelta(block: number, text: string): void {
    let ref = this.refusals.get(block);
    // A refusal closes when another block starts (it has no end part); more of it after that is a
    // continuation part, never dropped.
    if (ref === undefined || isClosedContent(ref)) {
      if (text === '') return;
      this.closeRefusals();
      ref = this.items.openContent('refusal');
      this.refusals.set(block, ref);
    }
    this.items.contentDelta(ref, text);
  }

  private closeRefusals(): void {
    for (const ref of this.refusals.values()) this.items.closeContent(ref);
  }

  private reasoningDelta(block: number, text: string): void {
    if (text === '') return;
    let ref = this.blocks.get(block);
    if (ref === undefined) {
      // The item opens on the first readable text: reasoning with nothing to show makes no item.
      const start = this.reasoningStarts.get(block) ?? { origin: 'openai', itemId: undefined };
      ref = this.items.openSummary(this.items.reasoningItem(start.origin, start.itemId));
      this.blocks.set(block, ref);
    }
    this.items.summaryDelta(ref, text);
  }

  private reasoningEnd(block: number, encryptedContent: string | undefined): void {
    const ref = this.blocks.get(block);
    if (ref !== undefined) this.items.closeSummary(ref);
    const start = this.reasoningStarts.get(block);
    this.reasoningStarts.delete(block);
    // Only OpenAI's own encrypted reasoning is replayable by a Responses client; other providers'
    // signatures stay behind (PROTOCOLS.md trap 10).
    if (encryptedContent === undefined || start?.origin !== 'openai') return;
    const item = ref?.item.kind === 'reasoning' ? ref.item : this.items.reasoningItem(start.origin, start.itemId);
    if (item.kind === 'reasoning') item.encryptedContent = encryptedContent;
  }

  /** Closes what is open: content parts and summaries end, calls cut off stay `incomplete`. */
  private closeAll(completeCalls: boolean): void {
    this.closeRefusals();
    for (const ref of this.blocks.values()) {
      if (ref.item.kind === 'message') this.items.closeContent(ref);
      else this.items.closeSummary(ref);
    }
    if (completeCalls) for (const call of this.calls.values()) this.items.endCall(call);
    this.items.closeIdle();
  }

  private finish(reason: FinishReason): void {
    const outcome = responsesOutcomeFor(reason);
    if (outcome.status === 'failed') {
      return this.fail({ status: 500, kind: 'server_error', message: 'The provider failed to complete the response.' });
    }
    this.closeAll(outcome.status === 'completed');
    const type = outcome.status === 'completed' ? 'response.completed' : 'response.incomplete';
    this.writer.emit(type, { response: this.snapshot(outcome.status, null, outcome.incompleteDetails) });
    this.terminated = true;
  }

  /** An error after the stream began: `error`, then `response.failed` [responses-error-insufficient-quota]. */
  private fail(error: StreamErrorInfo): void {
    const kind = asErrorKind(error.kind, error.status);
    // The provider's own code when it reads back as the same kind (`insufficient_quota` must not become a
    // retryable-looking `rate_limit_exceeded`); else the code that carries the kind.
    const code = error.code !== undefined && classifyOpenAiErrorCode(error.code, undefined).kind === kind ? error.code : openAiStreamErrorCode(kind);
    const message = openAiErrorMessage({ kind, message: error.message });
    // Nested as OpenAI sends it, and flat as its published schema describes it: every client reads one.
    this.writer.emit('error', { error: { type: openAiErrorType(kind), code, message, param: null }, code, message, param: null });
    this.writer.emit('response.failed', { response: this.snapshot('failed', { code, message }) });
    this.terminated = true;
  }
}

function isClosedContent(ref: BlockRef): boolean {
  return ref.item.kind === 'message' && ref.item.content[ref.index]?.done === true;
}
