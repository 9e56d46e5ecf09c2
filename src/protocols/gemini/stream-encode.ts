/**
 * Canonical stream parts → a Gemini stream, as `streamGenerateContent` sends it:
 *
 * - SSE (`alt=sse`): `data: {GenerateContentResponse}\r\n\r\n` per chunk, no event names, no terminator
 *   [conformance gemini/stream-text.stream.sse];
 * - JSON array (`context.jsonArrayStream`, clients that did not ask for `alt=sse`): `[{…}\n,\r\n{…}]`
 *   [stream-json-array.stream.json].
 *
 * Each chunk holds only the new parts, with `usageMetadata` once usage is known. Text and thought text
 * are sent as they arrive; a signature that comes at a block's end rides on an empty part, as Gemini
 * does. Function calls are sent whole when their block ends, and what other blocks say meanwhile waits
 * behind them so the order holds (argument deltas buffered and parsed once;
 * empty → `{}`); a call cut off before its end, or whose arguments are not a JSON object, is never sent
 * half-done: the finish becomes MAX_TOKENS (if that was the reason) or MALFORMED_FUNCTION_CALL. The
 * finish goes on a last chunk with an empty text part, as in [stream-tool-call.stream.sse].
 *
 * Several choices (a client's `candidateCount` > 1, read from a Gemini provider and written back as a
 * JSON array): each block's parts go out as the candidate of its `choice`, with that `index`, and the
 * last chunk holds every candidate's finish.
 *
 * Errors after the stream began: Gemini documents no in-stream error event, so an `error` part becomes a
 * final chunk `{"error": {"code", "message", "status"}}` — the body of a Gemini error response, which
 * Google's SDKs raise as an API error when a chunk carries `error`.
 */
import type { CanonicalUsage, FinishReason, StreamErrorInfo, StreamPart } from '../../canonical/types.js';
import type { EncodeContext, StreamEncoder } from '../codec.js';
import { geminiErrorObject } from './errors.js';
import { compact } from './fields.js';
import { toGeminiFinishReason } from './finish-reason.js';
import { argumentsObject, encodeFunctionCallPart } from './response-encode.js';
import { encodeGeminiUsage } from './usage.js';
import type { GeminiCandidate, GeminiFinishReason, GeminiPart, GeminiResponseBody } from './wire-types.js';

interface OpenCall {
  choice: number;
  id: string;
  name: string;
  thoughtSignature: string | undefined;
  arguments: string;
}

export class GeminiStreamEncoder implements StreamEncoder {
  private responseId: string;
  private usage: Partial<CanonicalUsage> | undefined;
  /** Signatures announced by `text-start`, waiting for the block's first text. */
  private readonly textSignatures = new Map<number, string | undefined>();
  private readonly geminiReasoning = new Map<number, boolean>();
  private readonly calls = new Map<number, OpenCall>();
  /** The choice of each block; blocks not listed belong to choice 0. */
  private readonly choiceByBlock = new Map<number, number>();
  /** The call that holds the line: it goes out whole when it ends, and other blocks wait behind it. */
  private holdingCall: number | undefined;
  /** Parts of other blocks that arrived while a call held the line, replayed in order after it. */
  private pending: StreamPart[] = [];
  /** Choices that had a call left out. */
  private readonly malformedCalls = new Set<number>();
  private chunks = 0;
  private closed = false;

  constructor(private readonly context: EncodeContext) {
    this.responseId = context.requestId;
  }

  encode(part: StreamPart): string {
    if (this.closed) return '';
    // A call goes out whole when it ends; what other blocks say meanwhile waits behind it, else a
    // Gemini client would see it before the call that preceded it (Chat ends calls only at the finish).
    if (this.holdingCall !== undefined && 'block' in part && part.block !== this.holdingCall) {
      this.pending.push(part);
      return '';
    }
    switch (part.type) {
      case 'response-start':
        this.responseId = part.id;
        if (part.usage !== undefined) this.mergeUsage(part.usage);
        return '';
      case 'text-start':
        this.assignChoice(part.block, part.choice);
        this.textSignatures.set(part.block, part.thoughtSignature);
        return '';
      case 'text-delta': {
        const signature = this.textSignatures.get(part.block);
        if (part.text === '' && signature === undefined) return '';
        this.textSignatures.set(part.block, undefined);
        return this.chunk([compact({ text: part.text, thoughtSignature: signature })], this.choiceOf(part.block));
      }
      case 'text-end': {
        const signature = part.thoughtSignature ?? this.textSignatures.get(part.block);
        this.textSignatures.delete(part.block);
        return signature === undefined ? '' : this.chunk([{ text: '', thoughtSignature: signature }], this.choiceOf(part.block));
      }
      case 'refusal-delta':
        return this.chunk([{ text: part.text }], this.assignChoice(part.block, part.choice));
      case 'reasoning-start':
        this.assignChoice(part.block, part.choice);
        this.geminiReasoning.set(part.block, part.origin === 'gemini');
        return '';
      case 'reasoning-delta':
        return part.text === '' ? '' : this.chunk([{ text: part.text, thought: true }], this.choiceOf(part.block));
      case 'reasoning-end': {
        // Another provider's signature or encrypted reasoning means nothing to a Gemini client.
        const fromGemini = this.geminiReasoning.get(part.block) === true;
        this.geminiReasoning.delete(part.block);
        return fromGemini && part.signature !== undefined ? this.chunk([{ text: '', thought: true, thoughtSignature: part.signature }], this.choiceOf(part.block)) : '';
      }
      case 'tool-call-start':
        this.calls.set(part.block, { choice: this.assignChoice(part.block, part.choice), id: part.id, name: part.name, thoughtSignature: part.thoughtSignature, arguments: '' });
        this.holdingCall = part.block;
        return '';
      case 'tool-call-delta': {
        const call = this.calls.get(part.block);
        if (call !== undefined) call.arguments += part.argumentsDelta;
        return '';
      }
      case 'tool-call-end': {
        const call = this.endCall(part.block);
        this.holdingCall = undefined;
        return call + this.flushPending();
      }
      case 'usage':
        this.mergeUsage(part.usage);
        return '';
      case 'finish':
        return this.finish([{ index: 0, finishReason: part.finishReason }, ...(part.additionalChoices ?? [])], part.usage);
      case 'error':
        return this.drain() + this.error(part.error);
    }
  }

  /** Replays what waited; a call among it may hold the line again and queue the rest anew. */
  private flushPending(): string {
    const queued = this.pending;
    this.pending = [];
    return queued.map((part) => this.encode(part)).join('');
  }

  /**
   * At the end, a call still holding the line was cut off (e.g. by the token limit): it is never sent
   * half-done (PROTOCOLS.md trap 2), and what waited behind it is replayed, until nothing is left.
   */
  private drain(): string {
    let text = '';
    while (this.holdingCall !== undefined || this.pending.length > 0) {
      if (this.holdingCall !== undefined) {
        this.malformedCalls.add(this.choiceOf(this.holdingCall));
        this.calls.delete(this.holdingCall);
        this.holdingCall = undefined;
      }
      text += this.flushPending();
    }
    for (const call of this.calls.values()) this.malformedCalls.add(call.choice);
    this.calls.clear();
    return text;
  }

  private assignChoice(block: number, choice: number | undefined): number {
    if (choice !== undefined && choice !== 0) this.choiceByBlock.set(block, choice);
    return choice ?? this.choiceOf(block);
  }

  private choiceOf(block: number): number {
    return this.choiceByBlock.get(block) ?? 0;
  }

  end(): string {
    if (this.context.jsonArrayStream !== true) return '';
    return this.chunks === 0 ? '[]' : ']';
  }

  private endCall(block: number): string {
    const call = this.calls.get(block);
    this.calls.delete(block);
    if (call === undefined) return '';
    const args = argumentsObject(call.arguments);
    if (args === undefined) {
      this.malformedCalls.add(call.choice);
      return '';
    }
    return this.chunk([encodeFunctionCallPart(call.id, call.name, args, call.thoughtSignature)], call.choice);
  }

  /** The last chunk: every choice's finish, each on an empty text part. */
  private finish(choices: ReadonlyArray<{ index: number; finishReason: FinishReason }>, usage: Partial<CanonicalUsage> | undefined): string {
    if (usage !== undefined) this.mergeUsage(usage);
    const waiting = this.drain();
    const candidates = choices.map(({ index, finishReason }): GeminiCandidate => {
      let reason: GeminiFinishReason = toGeminiFinishReason(finishReason);
      if (this.malformedCalls.has(index) && reason !== 'MAX_TOKENS') reason = 'MALFORMED_FUNCTION_CALL';
      return { content: { role: 'model', parts: [{ text: '' }] }, finishReason: reason, index };
    });
    const text = this.response(candidates);
    this.closed = true;
    return waiting + text;
  }

  private error(error: StreamErrorInfo): string {
    this.closed = true;
    return this.frame({ error: geminiErrorObject(error.status, error.kind, error.message) });
  }

  private mergeUsage(usage: Partial<CanonicalUsage>): void {
    this.usage = { ...this.usage, ...usage };
  }

  private chunk(parts: GeminiPart[], index: number): string {
    return this.response([{ content: { role: 'model', parts }, index }]);
  }

  private response(candidates: GeminiCandidate[]): string {
    const body: GeminiResponseBody = { candidates, modelVersion: this.context.model, responseId: this.responseId };
    if (this.usage !== undefined) body.usageMetadata = encodeGeminiUsage(this.usage);
    return this.frame(body);
  }

  private frame(body: unknown): string {
    const json = JSON.stringify(body);
    this.chunks += 1;
    if (this.context.jsonArrayStream !== true) return `data: ${json}\r\n\r\n`;
    return this.chunks === 1 ? `[${json}` : `\n,\r\n${json}`;
  }
}
