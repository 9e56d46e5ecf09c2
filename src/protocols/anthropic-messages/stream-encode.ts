import type { CanonicalUsage, FinishReason, ProviderOrigin, StreamErrorInfo, StreamPart } from '../../canonical/types.js';
import { formatSseEvent } from '../../util/sse.js';
import type { EncodeContext, StreamEncoder } from '../codec.js';
import { asErrorKind } from '../shared/error-kind.js';
import { anthropicErrorBody, anthropicErrorFor } from './errors.js';
import { toAnthropicMessageId } from './ids.js';
import { toAnthropicStopReason } from './stop-reason.js';
import { encodeAnthropicUsage } from './usage.js';
import { isRecord } from '../shared/field-reader.js';

/**
 * Canonical parts → the Messages stream a client expects: `message_start` (empty content, input usage),
 * `ping`, then content blocks strictly one at a time (`content_block_start` / `_delta` / `_stop`),
 * `message_delta` (stop reason, cumulative usage), `message_stop`; an error part becomes `event: error`.
 *
 * Canonical blocks may interleave; Anthropic allows one open block. A text or thinking block is closed
 * as soon as another block has something to say (late text for it opens a continuation block). A tool
 * call's arguments cannot be split, so while an unfinished tool call is open every other block's parts
 * wait in order and are replayed when it ends.
 */

type BlockInfo = { kind: 'text' } | { kind: 'reasoning'; origin: ProviderOrigin } | { kind: 'tool'; id: string; name: string };

interface OpenBlock {
  block: number;
  index: number;
  kind: 'text' | 'thinking' | 'tool';
  /** Tool calls: the arguments so far, to tell a complete call from one cut off by the output limit. */
  arguments: string;
  ended: boolean;
}

export class AnthropicStreamEncoder implements StreamEncoder {
  private readonly blocks = new Map<number, BlockInfo>();
  private readonly ended = new Set<number>();
  private open: OpenBlock | undefined;
  private pending: StreamPart[] = [];
  private nextIndex = 0;
  private started = false;
  private done = false;
  private sawToolUse = false;
  private usage: Partial<CanonicalUsage> = {};
  private out = '';

  constructor(private readonly context: EncodeContext) {}

  encode(part: StreamPart): string {
    if (this.done) return '';
    this.out = '';
    this.handle(part);
    return this.out;
  }

  end(): string {
    if (this.done) return '';
    this.out = '';
    this.emitError({ status: 500, kind: 'server_error', message: 'the upstream stream ended before the response finished' });
    return this.out;
  }

  private emit(type: string, data: Record<string, unknown>): void {
    this.out += formatSseEvent(JSON.stringify({ type, ...data }), type);
  }

  private handle(part: StreamPart): void {
    switch (part.type) {
      case 'response-start':
        return this.start(part.id, part.model, part.usage);
      case 'usage':
        this.usage = { ...this.usage, ...part.usage };
        return;
      case 'finish':
        return this.finish(part.finishReason, part.stopSequence, part.usage);
      case 'error':
        return this.emitError(part.error);
    }
    this.ensureStarted();
    // While an unfinished tool call holds the one open block, other blocks wait their turn.
    if (this.open !== undefined && this.open.kind === 'tool' && !this.open.ended && part.block !== this.open.block) {
      this.pending.push(part);
      return;
    }
    this.handleBlockPart(part);
  }

  private start(id: string, model: string, usage: Partial<CanonicalUsage> | undefined): void {
    if (this.started) return;
    this.started = true;
    this.usage = { ...usage };
    const startUsage = encodeAnthropicUsage(this.usage);
    this.emit('message_start', {
      message: {
        id: toAnthropicMessageId(id, this.context.requestId),
        type: 'message',
        role: 'assistant',
        model: this.context.model || model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: startUsage.input_tokens,
          cache_creation_input_tokens: startUsage.cache_creation_input_tokens,
          cache_read_input_tokens: startUsage.cache_read_input_tokens,
          ...(startUsage.cache_creation !== undefined && { cache_creation: startUsage.cache_creation }),
          output_tokens: Math.min(startUsage.output_tokens, 1),
        },
      },
    });
    this.emit('ping', {});
  }

  private ensureStarted(): void {
    if (!this.started) this.start(this.context.requestId, this.context.model, undefined);
  }

  private handleBlockPart(part: Exclude<StreamPart, { type: 'response-start' | 'usage' | 'finish' | 'error' }>): void {
    switch (part.type) {
      case 'text-start':
        this.blocks.set(part.block, { kind: 'text' });
        return;
      case 'text-delta':
      case 'refusal-delta':
        // Anthropic has no refusal block: a refusal is text, and the stop reason says `refusal`.
        if (part.text === '' || this.ended.has(part.block)) return;
        if (!this.blocks.has(part.block)) this.blocks.set(part.block, { kind: 'text' });
        this.openBlock(part.block, 'text');
        this.emit('content_block_delta', { index: this.open?.index, delta: { type: 'text_delta', text: part.text } });
        return;
      case 'text-end':
        this.endBlock(part.block);
        return;
      case 'reasoning-start':
        this.blocks.set(part.block, { kind: 'reasoning', origin: part.origin });
        return;
      case 'reasoning-delta':
        if (part.text === '' || this.ended.has(part.block)) return;
        if (!this.blocks.has(part.block)) this.blocks.set(part.block, { kind: 'reasoning', origin: 'anthropic' });
        this.openBlock(part.block, 'thinking');
        this.emit('content_block_delta', { index: this.open?.index, delta: { type: 'thinking_delta', thinking: part.text } });
        return;
      case 'reasoning-end':
        this.endReasoning(part.block, part.signature, part.redactedData);
        return;
      case 'tool-call-start':
        if (this.ended.has(part.block)) return;
        this.blocks.set(part.block, { kind: 'tool', id: part.id, name: part.name });
        this.openBlock(part.block, 'tool');
        return;
      case 'tool-call-delta':
        if (part.argumentsDelta === '' || this.ended.has(part.block) || this.blocks.get(part.block)?.kind !== 'tool') return;
        this.openBlock(part.block, 'tool');
        if (this.open !== undefined) this.open.arguments += part.argumentsDelta;
        this.emit('content_block_delta', { index: this.open?.index, delta: { type: 'input_json_delta', partial_json: part.argumentsDelta } });
        return;
      case 'tool-call-end':
        this.endBlock(part.block);
        return;
    }
  }

  /** Makes `block` the open Anthropic block, closing whatever else is open first. */
  private openBlock(block: number, kind: OpenBlock['kind']): void {
    if (this.open?.block === block) return;
    this.closeOpen();
    const index = this.nextIndex++;
    this.open = { block, index, kind, arguments: '', ended: false };
    const info = this.blocks.get(block);
    if (kind === 'text') this.emit('content_block_start', { index, content_block: { type: 'text', text: '' } });
    else if (kind === 'thinking') this.emit('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    else if (info?.kind === 'tool') {
      this.sawToolUse = true;
      this.emit('content_block_start', { index, content_block: { type: 'tool_use', id: info.id, name: info.name, input: {} } });
    }
  }

  /** Closes the open block; a thinking block ends with exactly one signature_delta. */
  private closeOpen(signature = ''): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    if (open.kind === 'thinking') this.emit('content_block_delta', { index: open.index, delta: { type: 'signature_delta', signature } });
    this.emit('content_block_stop', { index: open.index });
  }

  private endBlock(block: number): void {
    this.ended.add(block);
    if (this.open?.block !== block) return;
    const wasTool = this.open.kind === 'tool';
    this.closeOpen();
    if (wasTool) this.flushPending();
  }

  private endReasoning(block: number, signature: string | undefined, redactedData: string | undefined): void {
    if (this.ended.has(block)) return;
    this.ended.add(block);
    const info = this.blocks.get(block);
    const origin = info?.kind === 'reasoning' ? info.origin : 'anthropic';
    // Another provider's signature or encrypted reasoning means nothing to an Anthropic client.
    const ownSignature = origin === 'anthropic' ? (signature ?? '') : '';
    if (this.open?.block === block) return this.closeOpen(ownSignature);
    if (origin === 'anthropic' && redactedData !== undefined) {
      // Redacted thinking is complete inside its content_block_start, with no deltas.
      this.closeOpen();
      const index = this.nextIndex++;
      this.emit('content_block_start', { index, content_block: { type: 'redacted_thinking', data: redactedData } });
      this.emit('content_block_stop', { index });
    } else if (ownSignature !== '') {
      // Thinking whose text was withheld (display "omitted") still carries its signature.
      this.openBlock(block, 'thinking');
      this.closeOpen(ownSignature);
    }
  }

  private flushPending(): void {
    const queued = this.pending;
    this.pending = [];
    for (const part of queued) this.handle(part);
  }

  private finish(finishReason: FinishReason, stopSequence: string | undefined, usage: Partial<CanonicalUsage> | undefined): void {
    this.ensureStarted();
    // Close the open block, replay what waited behind it, and repeat until nothing is left open.
    for (;;) {
      this.closeForFinish(finishReason);
      if (this.pending.length === 0 && this.open === undefined) break;
      this.flushPending();
    }
    this.usage = { ...this.usage, ...usage };
    const encodedUsage = encodeAnthropicUsage(this.usage);
    this.emit('message_delta', {
      delta: { stop_reason: toAnthropicStopReason(finishReason, this.sawToolUse), stop_sequence: stopSequence ?? null },
      usage: {
        input_tokens: encodedUsage.input_tokens,
        cache_creation_input_tokens: encodedUsage.cache_creation_input_tokens,
        cache_read_input_tokens: encodedUsage.cache_read_input_tokens,
        output_tokens: encodedUsage.output_tokens,
        ...(encodedUsage.output_tokens_details !== undefined && { output_tokens_details: encodedUsage.output_tokens_details }),
      },
    });
    this.emit('message_stop', {});
    this.done = true;
  }

  /**
   * The open block at the finish. A tool call cut off by the output limit (its arguments do not parse)
   * gets no content_block_stop, as Anthropic itself does [anthropic/messages-tool-use-max-tokens-truncated],
   * so clients that parse arguments at the stop never see a broken call.
   */
  private closeForFinish(finishReason: FinishReason): void {
    const open = this.open;
    if (open === undefined) return;
    if (open.kind === 'tool' && finishReason === 'length' && !isCompleteArguments(open.arguments)) {
      this.open = undefined;
      return;
    }
    this.endBlock(open.block);
  }

  private emitError(error: StreamErrorInfo): void {
    const kind = asErrorKind(error.kind, error.status);
    const { type } = anthropicErrorFor({ kind, status: error.status });
    this.out += formatSseEvent(JSON.stringify(anthropicErrorBody(type, error.message, this.context.requestId)), 'error');
    this.done = true;
  }
}

function isCompleteArguments(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    return isRecord(JSON.parse(text) as unknown);
  } catch {
    return false;
  }
}
