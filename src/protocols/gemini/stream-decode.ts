/**
 * Gemini stream → canonical stream parts. Each SSE `data:` (or JSON-array element, see
 * `json-array-stream.ts`) is a complete GenerateContentResponse holding only the new parts.
 *
 * - text parts extend one text block; `thought: true` parts one reasoning block (origin gemini);
 * - `thoughtSignature` on the part that opens a text block → `text-start`; on a later part (typically an
 *   EMPTY text part in the last chunk [conformance gemini/stream-text-signature.stream.jsonl]) → `text-end`;
 *   on a thought part → `reasoning-end.signature`; on a call → `tool-call-start`;
 * - whole function calls → tool-call-start + one delta + end [stream-tool-call.stream.sse]; Vertex
 *   `partialArgs` calls are reassembled and emitted the same way once closed (never half a call);
 * - `usageMetadata` on every chunk → a `usage` part whenever the counts change (the last one wins:
 *   early chunks can even show another promptTokenCount [stream-text.stream.sse]);
 * - `finishReason` (last chunk) → `finish`, `tool-calls` when any call was seen (PROTOCOLS.md trap 6);
 * - an `error` object inside the stream → an `error` part; a body that ends without a finish is
 *   reported as an `error` part too (Gemini always ends with a finishReason).
 */
import type { CanonicalUsage, StreamPart } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import type { SseEvent } from '../../util/sse.js';
import type { StreamDecoder } from '../codec.js';
import { decodeGeminiStreamError } from './errors.js';
import { field, isObject, joinPath, optionalArray, optionalObject, optionalString, readObject, type JsonObject } from './fields.js';
import { mapGeminiFinishReason } from './finish-reason.js';
import { decodeModelPart, readThoughtSignature } from './parts-decode.js';
import { asUpstreamBadResponse, createdSeconds } from './response-decode.js';
import { PartialCallArguments } from './stream-partial-args.js';
import { responseCallId, responseCallIdScope } from './tool-ids.js';
import { decodeGeminiUsage, hasGeminiTokenCounts } from './usage.js';

interface PendingCall {
  name: string;
  id: string | undefined;
  thoughtSignature: string | undefined;
  args: PartialCallArguments;
}

export class GeminiStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private scope = '';
  private nextBlock = 0;
  private calls = 0;
  private text: { block: number; endSignature?: string } | undefined;
  private reasoning: { block: number; signature?: string } | undefined;
  private pendingCall: PendingCall | undefined;
  private usage: CanonicalUsage | undefined;
  private usageKey = '';

  push(event: SseEvent): StreamPart[] {
    const data = event.data.trim();
    // Gemini sends no terminator; tolerate an OpenAI-style one added by a proxy.
    if (data === '' || data === '[DONE]') return [];
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      throw new GatewayError('upstream_bad_response', `Gemini stream chunk is not JSON: ${data.slice(0, 80)}`);
    }
    return this.pushChunk(chunk);
  }

  /** One already-parsed chunk (JSON-array streams, recorded `.jsonl` chunks). */
  pushChunk(chunk: unknown): StreamPart[] {
    const out: StreamPart[] = [];
    asUpstreamBadResponse(() => this.handleChunk(readObject(chunk, 'chunk'), out));
    return out;
  }

  end(): StreamPart[] {
    if (this.finished) return [];
    const out: StreamPart[] = [];
    // A call still open here was cut off: it is dropped, never emitted half-done (PROTOCOLS.md trap 2).
    this.pendingCall = undefined;
    this.closeText(out);
    this.closeReasoning(out);
    out.push({
      type: 'error',
      error: { status: 502, kind: 'server_error', message: 'the Gemini stream ended without a finishReason' },
    });
    this.finished = true;
    return out;
  }

  private handleChunk(chunk: JsonObject, out: StreamPart[]): void {
    const error = field(chunk, 'error');
    if (isObject(error)) {
      this.closeAll(out);
      out.push({ type: 'error', error: decodeGeminiStreamError(error) });
      this.finished = true;
      return;
    }
    if (!this.started) this.start(chunk, out);
    const candidates = optionalArray(chunk, 'candidates', '') ?? [];
    const first = candidates[0];
    const candidate = first === undefined ? undefined : readObject(first, 'candidates[0]');
    const content = candidate === undefined ? undefined : optionalObject(candidate, 'content', 'candidates[0]');
    const parts = content === undefined ? [] : (optionalArray(content, 'parts', 'candidates[0].content') ?? []);
    parts.forEach((part, index) => this.handlePart(part, joinPath('candidates[0].content.parts', index), out));
    this.handleUsage(chunk, out);
    const reason = candidate === undefined ? undefined : optionalString(candidate, 'finishReason', 'candidates[0]');
    const feedback = optionalObject(chunk, 'promptFeedback', '');
    if (reason !== undefined) this.finish(mapGeminiFinishReason(reason, this.calls > 0), out);
    else if (candidate === undefined && feedback !== undefined && field(feedback, 'blockReason') !== undefined) this.finish('content-filter', out);
  }

  private start(chunk: JsonObject, out: StreamPart[]): void {
    this.started = true;
    const responseId = optionalString(chunk, 'responseId', '');
    this.scope = responseCallIdScope(responseId);
    out.push({
      type: 'response-start',
      id: responseId ?? `gemini-${this.scope}`,
      model: optionalString(chunk, 'modelVersion', '') ?? '',
      created: createdSeconds(chunk),
    });
  }

  private handlePart(raw: unknown, path: string, out: StreamPart[]): void {
    const part = readObject(raw, path);
    const functionCall = optionalObject(part, 'functionCall', path);
    if (functionCall !== undefined) {
      this.handleFunctionCall(functionCall, readThoughtSignature(part, path), joinPath(path, 'functionCall'), out);
      return;
    }
    const decoded = decodeModelPart(part, path, true);
    if (decoded.kind === 'skip') return;
    this.flushPendingCall(out);
    if (decoded.kind === 'reasoning') {
      this.closeText(out);
      if (this.reasoning === undefined) {
        this.reasoning = { block: this.nextBlock++ };
        out.push({ type: 'reasoning-start', block: this.reasoning.block, origin: 'gemini' });
      }
      if (decoded.part.text !== '') out.push({ type: 'reasoning-delta', block: this.reasoning.block, text: decoded.part.text });
      if (decoded.part.signature !== undefined) this.reasoning.signature = decoded.part.signature;
    } else if (decoded.kind === 'text') {
      this.closeReasoning(out);
      const signature = decoded.part.thoughtSignature;
      if (this.text === undefined) {
        this.text = { block: this.nextBlock++ };
        out.push({ type: 'text-start', block: this.text.block, ...(signature !== undefined && { thoughtSignature: signature }) });
      } else if (signature !== undefined) {
        this.text.endSignature = signature;
      }
      if (decoded.part.text !== '') out.push({ type: 'text-delta', block: this.text.block, text: decoded.part.text });
    }
  }

  private handleFunctionCall(call: JsonObject, thoughtSignature: string | undefined, path: string, out: StreamPart[]): void {
    const name = optionalString(call, 'name', path);
    const id = optionalString(call, 'id', path);
    const args = optionalObject(call, 'args', path);
    const partialArgs = optionalArray(call, 'partialArgs', path);
    const willContinue = field(call, 'willContinue') === true;
    if (name !== undefined) {
      this.flushPendingCall(out);
      if (willContinue) {
        this.pendingCall = { name, id, thoughtSignature, args: new PartialCallArguments(args ?? {}) };
        for (const partial of partialArgs ?? []) this.pendingCall.args.apply(partial);
        return;
      }
      this.emitCall(name, id, JSON.stringify(args ?? {}), thoughtSignature, out);
      return;
    }
    if (partialArgs !== undefined) {
      if (this.pendingCall === undefined) throw new GatewayError('upstream_bad_response', `${path}.partialArgs: no streamed functionCall is open`);
      for (const partial of partialArgs) this.pendingCall.args.apply(partial);
      if (!willContinue) this.flushPendingCall(out);
      return;
    }
    // An empty `functionCall {}` closes the call being streamed.
    this.flushPendingCall(out);
  }

  private flushPendingCall(out: StreamPart[]): void {
    const call = this.pendingCall;
    if (call === undefined) return;
    this.pendingCall = undefined;
    this.emitCall(call.name, call.id, JSON.stringify(call.args.args), call.thoughtSignature, out);
  }

  private emitCall(name: string, explicitId: string | undefined, args: string, thoughtSignature: string | undefined, out: StreamPart[]): void {
    this.closeText(out);
    this.closeReasoning(out);
    const block = this.nextBlock++;
    const id = explicitId ?? responseCallId(this.scope, this.calls);
    this.calls += 1;
    out.push({ type: 'tool-call-start', block, id, name, ...(thoughtSignature !== undefined && { thoughtSignature }) });
    out.push({ type: 'tool-call-delta', block, argumentsDelta: args });
    out.push({ type: 'tool-call-end', block });
  }

  private closeText(out: StreamPart[]): void {
    if (this.text === undefined) return;
    const { block, endSignature } = this.text;
    out.push({ type: 'text-end', block, ...(endSignature !== undefined && { thoughtSignature: endSignature }) });
    this.text = undefined;
  }

  private closeReasoning(out: StreamPart[]): void {
    if (this.reasoning === undefined) return;
    const { block, signature } = this.reasoning;
    out.push({ type: 'reasoning-end', block, ...(signature !== undefined && { signature }) });
    this.reasoning = undefined;
  }

  private closeAll(out: StreamPart[]): void {
    this.flushPendingCall(out);
    this.closeText(out);
    this.closeReasoning(out);
  }

  private handleUsage(chunk: JsonObject, out: StreamPart[]): void {
    const metadata = field(chunk, 'usageMetadata');
    if (!hasGeminiTokenCounts(metadata)) return;
    const usage = decodeGeminiUsage(metadata);
    const key = JSON.stringify(usage);
    if (key === this.usageKey) return;
    this.usage = usage;
    this.usageKey = key;
    out.push({ type: 'usage', usage });
  }

  private finish(finishReason: ReturnType<typeof mapGeminiFinishReason>, out: StreamPart[]): void {
    this.closeAll(out);
    out.push({ type: 'finish', finishReason, ...(this.usage !== undefined && { usage: this.usage }) });
    this.finished = true;
  }
}
