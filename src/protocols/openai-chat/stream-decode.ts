import type { CanonicalUsage, FinishReason, StreamErrorInfo, StreamPart } from '../../canonical/types.js';
import type { SseEvent } from '../../util/sse.js';
import type { StreamDecoder } from '../codec.js';
import { decodeOpenAIStreamError } from './errors.js';
import { mapChatFinishReason } from './finish-reason.js';
import { readReasoning } from './response-decode.js';
import { decodeChatUsage } from './usage.js';
import { isRecord } from '../shared/field-reader.js';

interface ToolCallState {
  block: number;
  id: string;
  arguments: string;
  ended: boolean;
}

/**
 * One Chat Completions stream (`data: {chunk}` … `data: [DONE]`) into canonical stream parts.
 *
 * - Only choice 0 feeds the canonical stream (n > 1 streams interleave choices, [chat-n3-choices]).
 * - Tool calls are tracked per `index`, whatever number it starts at (some shims start at 1); id and
 *   name come on a call's first chunk only; a new id on a known index is a new call, so two calls'
 *   arguments are never glued (PROTOCOLS.md traps 1 and 3).
 * - A call that streamed no arguments gets `{}` (trap 2). When the stream stops for `length`, a call
 *   whose arguments do not parse is left without `tool-call-end`: it is incomplete, and the finish
 *   says `length`.
 * - The finish is held until the usage chunk (`choices: []`, trap 4) or `[DONE]`, so `finish`
 *   carries the usage; usage seen earlier (continuous usage stats) goes out as `usage` parts.
 * - `{"error":{…}}` inside the stream becomes an `error` part and ends the decoding.
 * - `delta.reasoning_content` (DeepSeek) and `delta.reasoning` (vLLM, OpenRouter) become a reasoning
 *   block with origin `openai`; `obfuscation`, `usage: null`, logprobs and unknown fields are ignored.
 */
export class ChatStreamDecoder implements StreamDecoder {
  private started = false;
  private done = false;
  private responseId = '';
  private nextBlock = 0;
  private textBlock: number | undefined;
  private reasoningBlock: number | undefined;
  private refusalBlock: number | undefined;
  private readonly toolCalls: ToolCallState[] = [];
  private readonly toolCallByIndex = new Map<number, ToolCallState>();
  private finishReason: FinishReason | undefined;
  private finishSent = false;
  private usage: CanonicalUsage | undefined;

  push(event: SseEvent): StreamPart[] {
    if (this.done) return [];
    const data = event.data.trim();
    if (data === '') return [];
    if (data === '[DONE]') return this.complete();
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return this.failWith({ status: 502, kind: 'server_error', message: `The provider sent a stream event that is not JSON: ${data.slice(0, 120)}` });
    }
    if (!isRecord(chunk)) return this.failWith({ status: 502, kind: 'server_error', message: 'The provider sent a stream event that is not a JSON object' });
    if (event.event === 'error' || (chunk.error !== undefined && chunk.error !== null)) return this.failWith(decodeOpenAIStreamError(chunk));

    const parts: StreamPart[] = [];
    if (!this.started) {
      this.started = true;
      this.responseId = typeof chunk.id === 'string' ? chunk.id : '';
      parts.push({
        type: 'response-start',
        id: this.responseId,
        model: typeof chunk.model === 'string' ? chunk.model : '',
        created: typeof chunk.created === 'number' ? chunk.created : Math.floor(Date.now() / 1000),
      });
    }
    // The usage chunk has `choices: []`: never index choices[0] blindly (trap 4).
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const choice of choices) {
      if (isRecord(choice) && (choice.index ?? 0) === 0) this.handleChoice(choice, parts);
    }
    if (isRecord(chunk.usage)) {
      this.usage = decodeChatUsage(chunk.usage);
      if (this.finishReason !== undefined) parts.push(...this.emitFinish());
      else parts.push({ type: 'usage', usage: { ...this.usage } });
    }
    return parts;
  }

  end(): StreamPart[] {
    if (this.done) return [];
    // No [DONE]: fine after a finish_reason (some servers omit it), a cut stream otherwise.
    if (this.finishReason !== undefined) return this.complete();
    const parts = this.closeBlocks(true);
    this.done = true;
    const message = this.started ? 'The provider stream ended before a finish_reason' : 'The provider stream ended without any data';
    parts.push({ type: 'error', error: { status: 502, kind: 'server_error', message } });
    return parts;
  }

  private handleChoice(choice: Record<string, unknown>, parts: StreamPart[]): void {
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const reasoning = readReasoning(delta);
    if (reasoning !== '') {
      this.closeText(parts);
      this.refusalBlock = undefined;
      if (this.reasoningBlock === undefined) {
        this.reasoningBlock = this.nextBlock++;
        parts.push({ type: 'reasoning-start', block: this.reasoningBlock, origin: 'openai' });
      }
      parts.push({ type: 'reasoning-delta', block: this.reasoningBlock, text: reasoning });
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      this.closeReasoning(parts);
      this.refusalBlock = undefined;
      if (this.textBlock === undefined) {
        this.textBlock = this.nextBlock++;
        parts.push({ type: 'text-start', block: this.textBlock });
      }
      parts.push({ type: 'text-delta', block: this.textBlock, text: delta.content });
    }
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      // Chat has no block boundaries: a refusal continues only the refusal just before it, so
      // text, refusal and text again stay in that order (never glued around the refusal).
      this.closeText(parts);
      this.closeReasoning(parts);
      this.refusalBlock ??= this.nextBlock++;
      parts.push({ type: 'refusal-delta', block: this.refusalBlock, text: delta.refusal });
    }
    if (Array.isArray(delta.tool_calls)) {
      delta.tool_calls.forEach((item, position) => {
        if (isRecord(item)) this.handleToolCall(item, position, parts);
      });
    }
    const reason = choice.finish_reason;
    if (typeof reason === 'string' && reason !== '' && this.finishReason === undefined) {
      this.finishReason = mapChatFinishReason(reason, this.toolCalls.length > 0);
      parts.push(...this.closeBlocks(reason === 'length'));
    }
  }

  private handleToolCall(item: Record<string, unknown>, position: number, parts: StreamPart[]): void {
    const fn = isRecord(item.function) ? item.function : {};
    const id = typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
    // Shims without `index` send whole calls: a new id is a new call, no id continues the last one.
    const index = typeof item.index === 'number' ? item.index : id === undefined ? Math.max(0, this.toolCalls.length - 1) : this.toolCalls.length + position;
    let call = this.toolCallByIndex.get(index);
    if (call === undefined || (id !== undefined && id !== call.id)) {
      this.closeText(parts);
      this.closeReasoning(parts);
      this.refusalBlock = undefined;
      call = { block: this.nextBlock++, id: id ?? `call_${this.responseId}_${index}`, arguments: '', ended: false };
      this.toolCalls.push(call);
      this.toolCallByIndex.set(index, call);
      parts.push({ type: 'tool-call-start', block: call.block, id: call.id, name: typeof fn.name === 'string' ? fn.name : '' });
    }
    const args = typeof fn.arguments === 'string' ? fn.arguments : isRecord(fn.arguments) ? JSON.stringify(fn.arguments) : '';
    if (args !== '' && !call.ended) {
      call.arguments += args;
      parts.push({ type: 'tool-call-delta', block: call.block, argumentsDelta: args });
    }
  }

  private closeText(parts: StreamPart[]): void {
    if (this.textBlock === undefined) return;
    parts.push({ type: 'text-end', block: this.textBlock });
    this.textBlock = undefined;
  }

  private closeReasoning(parts: StreamPart[]): void {
    if (this.reasoningBlock === undefined) return;
    parts.push({ type: 'reasoning-end', block: this.reasoningBlock });
    this.reasoningBlock = undefined;
  }

  private closeBlocks(truncated: boolean): StreamPart[] {
    const parts: StreamPart[] = [];
    this.closeReasoning(parts);
    this.closeText(parts);
    for (const call of this.toolCalls) {
      if (call.ended) continue;
      call.ended = true;
      if (call.arguments === '') {
        call.arguments = '{}';
        parts.push({ type: 'tool-call-delta', block: call.block, argumentsDelta: '{}' });
      }
      if (truncated && !isCompleteJson(call.arguments)) continue;
      parts.push({ type: 'tool-call-end', block: call.block });
    }
    return parts;
  }

  /** [DONE], or the end of a body that had a finish_reason. */
  private complete(): StreamPart[] {
    const parts: StreamPart[] = [];
    if (this.finishReason === undefined) {
      // A server that sent [DONE] without any finish_reason: the turn ended normally.
      parts.push(...this.closeBlocks(false));
      this.finishReason = this.toolCalls.length > 0 ? 'tool-calls' : 'stop';
    }
    parts.push(...this.emitFinish());
    this.done = true;
    return parts;
  }

  private emitFinish(): StreamPart[] {
    if (this.finishSent || this.finishReason === undefined) return [];
    this.finishSent = true;
    const finish: StreamPart = { type: 'finish', finishReason: this.finishReason };
    if (this.usage !== undefined) finish.usage = { ...this.usage };
    return [finish];
  }

  private failWith(error: StreamErrorInfo): StreamPart[] {
    this.done = true;
    return [{ type: 'error', error }];
  }
}

function isCompleteJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
