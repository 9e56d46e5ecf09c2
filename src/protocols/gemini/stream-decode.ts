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
 *   reported as an `error` part too (Gemini always ends with a finishReason);
 * - several candidates (`candidateCount` > 1): each chunk carries the new parts of some of them, each
 *   with its `index` (Vertex leaves out index 0). Each candidate keeps its own open blocks and calls;
 *   the blocks of candidates other than 0 name their `choice`. A candidate's finishReason closes its
 *   blocks; once every candidate seen has one, the one `finish` part ends the stream, with the
 *   other candidates' reasons in `additionalChoices`;
 * - `logprobsResult` (the tokens of this chunk) rides on the candidate's last text delta of the chunk.
 */
import type { CanonicalUsage, FinishReason, StreamPart, TokenLogprob } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import type { SseEvent } from '../../util/sse.js';
import type { StreamDecoder } from '../codec.js';
import { decodeGeminiStreamError } from './errors.js';
import { field, isObject, joinPath, optionalArray, optionalObject, optionalString, readObject, type JsonObject } from './fields.js';
import { mapGeminiFinishReason } from './finish-reason.js';
import { decodeGeminiLogprobs } from './logprobs.js';
import { decodeModelPart, readThoughtSignature } from './parts-decode.js';
import { asUpstreamBadResponse, candidateIndexes, createdSeconds, readCandidates } from './response-decode.js';
import { PartialCallArguments } from './stream-partial-args.js';
import { choiceCallIdScope, responseCallId, responseCallIdScope } from './tool-ids.js';
import { decodeGeminiUsage, hasGeminiTokenCounts } from './usage.js';

interface PendingCall {
  name: string;
  id: string | undefined;
  thoughtSignature: string | undefined;
  args: PartialCallArguments;
}

/** What one candidate has open: blocks, a call still streaming its arguments, and its finish. */
interface CandidateState {
  index: number;
  callScope: string;
  calls: number;
  text: { block: number; endSignature?: string } | undefined;
  reasoning: { block: number; signature?: string } | undefined;
  pendingCall: PendingCall | undefined;
  finishReason: FinishReason | undefined;
}

export class GeminiStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private scope = '';
  private nextBlock = 0;
  private readonly candidates = new Map<number, CandidateState>();
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
    for (const state of this.candidates.values()) {
      // A call still open here was cut off: it is dropped, never emitted half-done (PROTOCOLS.md trap 2).
      state.pendingCall = undefined;
      this.closeText(state, out);
      this.closeReasoning(state, out);
    }
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
      for (const state of this.candidates.values()) this.closeAll(state, out);
      out.push({ type: 'error', error: decodeGeminiStreamError(error) });
      this.finished = true;
      return;
    }
    if (!this.started) this.start(chunk, out);
    const candidates = readCandidates(chunk);
    const finishedNow: CandidateState[] = [];
    candidateIndexes(candidates).forEach((index, position) => {
      const state = this.handleCandidate(candidates[position]!, index, `candidates[${position}]`, out);
      if (state.finishReason !== undefined) finishedNow.push(state);
    });
    this.handleUsage(chunk, out);
    const states = [...this.candidates.values()];
    if (states.length > 0 && states.every((state) => state.finishReason !== undefined)) {
      this.finish(out);
      return;
    }
    for (const state of finishedNow) this.closeAll(state, out);
    const feedback = optionalObject(chunk, 'promptFeedback', '');
    if (candidates.length === 0 && feedback !== undefined && field(feedback, 'blockReason') !== undefined) this.finish(out, 'content-filter');
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

  /** One candidate of a chunk: its new parts, its logprobs and its finish reason. */
  private handleCandidate(candidate: JsonObject, index: number, path: string, out: StreamPart[]): CandidateState {
    const state = this.candidateState(index);
    const content = optionalObject(candidate, 'content', path);
    const parts = content === undefined ? [] : (optionalArray(content, 'parts', joinPath(path, 'content')) ?? []);
    const first = out.length;
    parts.forEach((part, partIndex) => this.handlePart(state, part, joinPath(joinPath(joinPath(path, 'content'), 'parts'), partIndex), out));
    const logprobs = decodeGeminiLogprobs(candidate, path);
    if (logprobs !== undefined && logprobs.length > 0) attachLogprobs(out, first, logprobs);
    const reason = optionalString(candidate, 'finishReason', path);
    if (reason !== undefined) state.finishReason = mapGeminiFinishReason(reason, state.calls > 0);
    return state;
  }

  private candidateState(index: number): CandidateState {
    let state = this.candidates.get(index);
    if (state === undefined) {
      state = { index, callScope: choiceCallIdScope(this.scope, index), calls: 0, text: undefined, reasoning: undefined, pendingCall: undefined, finishReason: undefined };
      this.candidates.set(index, state);
    }
    return state;
  }

  private handlePart(state: CandidateState, raw: unknown, path: string, out: StreamPart[]): void {
    const part = readObject(raw, path);
    const functionCall = optionalObject(part, 'functionCall', path);
    if (functionCall !== undefined) {
      this.handleFunctionCall(state, functionCall, readThoughtSignature(part, path), joinPath(path, 'functionCall'), out);
      return;
    }
    const decoded = decodeModelPart(part, path, true);
    if (decoded.kind === 'skip') return;
    this.flushPendingCall(state, out);
    const choice = choiceField(state);
    if (decoded.kind === 'reasoning') {
      this.closeText(state, out);
      if (state.reasoning === undefined) {
        state.reasoning = { block: this.nextBlock++ };
        out.push({ type: 'reasoning-start', block: state.reasoning.block, origin: 'gemini', ...choice });
      }
      if (decoded.part.text !== '') out.push({ type: 'reasoning-delta', block: state.reasoning.block, text: decoded.part.text });
      if (decoded.part.signature !== undefined) state.reasoning.signature = decoded.part.signature;
    } else if (decoded.kind === 'text') {
      this.closeReasoning(state, out);
      const signature = decoded.part.thoughtSignature;
      if (state.text === undefined) {
        state.text = { block: this.nextBlock++ };
        out.push({ type: 'text-start', block: state.text.block, ...(signature !== undefined && { thoughtSignature: signature }), ...choice });
      } else if (signature !== undefined) {
        state.text.endSignature = signature;
      }
      if (decoded.part.text !== '') out.push({ type: 'text-delta', block: state.text.block, text: decoded.part.text });
    }
  }

  private handleFunctionCall(state: CandidateState, call: JsonObject, thoughtSignature: string | undefined, path: string, out: StreamPart[]): void {
    const name = optionalString(call, 'name', path);
    const id = optionalString(call, 'id', path);
    const args = optionalObject(call, 'args', path);
    const partialArgs = optionalArray(call, 'partialArgs', path);
    const willContinue = field(call, 'willContinue') === true;
    if (name !== undefined) {
      this.flushPendingCall(state, out);
      if (willContinue) {
        state.pendingCall = { name, id, thoughtSignature, args: new PartialCallArguments(args ?? {}) };
        for (const partial of partialArgs ?? []) state.pendingCall.args.apply(partial);
        return;
      }
      this.emitCall(state, name, id, JSON.stringify(args ?? {}), thoughtSignature, out);
      return;
    }
    if (partialArgs !== undefined) {
      if (state.pendingCall === undefined) throw new GatewayError('upstream_bad_response', `${path}.partialArgs: no streamed functionCall is open`);
      for (const partial of partialArgs) state.pendingCall.args.apply(partial);
      if (!willContinue) this.flushPendingCall(state, out);
      return;
    }
    // An empty `functionCall {}` closes the call being streamed.
    this.flushPendingCall(state, out);
  }

  private flushPendingCall(state: CandidateState, out: StreamPart[]): void {
    const call = state.pendingCall;
    if (call === undefined) return;
    state.pendingCall = undefined;
    this.emitCall(state, call.name, call.id, JSON.stringify(call.args.args), call.thoughtSignature, out);
  }

  private emitCall(state: CandidateState, name: string, explicitId: string | undefined, args: string, thoughtSignature: string | undefined, out: StreamPart[]): void {
    this.closeText(state, out);
    this.closeReasoning(state, out);
    const block = this.nextBlock++;
    const id = explicitId ?? responseCallId(state.callScope, state.calls);
    state.calls += 1;
    out.push({ type: 'tool-call-start', block, id, name, ...(thoughtSignature !== undefined && { thoughtSignature }), ...choiceField(state) });
    out.push({ type: 'tool-call-delta', block, argumentsDelta: args });
    out.push({ type: 'tool-call-end', block });
  }

  private closeText(state: CandidateState, out: StreamPart[]): void {
    if (state.text === undefined) return;
    const { block, endSignature } = state.text;
    out.push({ type: 'text-end', block, ...(endSignature !== undefined && { thoughtSignature: endSignature }) });
    state.text = undefined;
  }

  private closeReasoning(state: CandidateState, out: StreamPart[]): void {
    if (state.reasoning === undefined) return;
    const { block, signature } = state.reasoning;
    out.push({ type: 'reasoning-end', block, ...(signature !== undefined && { signature }) });
    state.reasoning = undefined;
  }

  private closeAll(state: CandidateState, out: StreamPart[]): void {
    this.flushPendingCall(state, out);
    this.closeText(state, out);
    this.closeReasoning(state, out);
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

  /**
   * The one finish: choice 0's reason (the lowest index seen), the others' beside it. `blocked`: the
   * prompt was refused, which ends every candidate still open.
   */
  private finish(out: StreamPart[], blocked?: FinishReason): void {
    const states = [...this.candidates.values()].sort((left, right) => left.index - right.index);
    for (const state of states) this.closeAll(state, out);
    const reasonOf = (state: CandidateState | undefined): FinishReason => state?.finishReason ?? blocked ?? 'other';
    const [first, ...rest] = states;
    out.push({
      type: 'finish',
      finishReason: reasonOf(first),
      ...(this.usage !== undefined && { usage: this.usage }),
      ...(rest.length > 0 && { additionalChoices: rest.map((state) => ({ index: state.index, finishReason: reasonOf(state) })) }),
    });
    this.finished = true;
  }
}

function choiceField(state: CandidateState): { choice?: number } {
  return state.index === 0 ? {} : { choice: state.index };
}

/** Logprobs on the last text delta among the parts a candidate produced in this chunk. */
function attachLogprobs(out: StreamPart[], from: number, logprobs: TokenLogprob[]): void {
  for (let position = out.length - 1; position >= from; position--) {
    const part = out[position];
    if (part?.type === 'text-delta') {
      out[position] = { ...part, logprobs };
      return;
    }
  }
}
