/**
 * Tool-call ids. Gemini's own function calls usually carry no `id` (PROTOCOLS.md trap 11), while every
 * other protocol pairs calls and results by id. So:
 *
 * - request decode: a `functionCall` without id gets `call_<turn>_<part>` (its position in
 *   `contents`, stable as the history grows, so prompt-cache prefixes stay identical across turns);
 *   a `functionResponse` takes the id of the call it answers: its own `id` when that names a call,
 *   else the oldest unanswered call of the same name in the latest model turn that has one.
 * - response / stream decode: `call_<responseId>_<n>` (unique per response); the calls of candidates
 *   after the first (`candidateCount` > 1) get `call_<responseId>_<candidate>_<n>`, so each choice
 *   numbers its own calls and a streamed answer gets the same ids as a buffered one.
 * - encode: the canonical id is sent as `functionCall.id` / `functionResponse.id` (the API accepts
 *   client-set ids on replayed parts [conformance gemini/stream-tool-result.request.json]).
 *
 * Ids use only `[A-Za-z0-9_-]`, which every provider accepts (Anthropic requires it).
 */
import { randomUUID } from 'node:crypto';
import { invalidRequest } from './fields.js';

export function positionalCallId(turn: number, part: number): string {
  return `call_${turn}_${part}`;
}

/** An id scope for one response: its `responseId` when it has one. */
export function responseCallIdScope(responseId: string | undefined): string {
  const cleaned = (responseId ?? '').replace(/[^A-Za-z0-9_-]/g, '');
  return cleaned.length > 0 ? cleaned : randomUUID().replace(/-/g, '').slice(0, 16);
}

/** The scope of one candidate's calls: the response's own for candidate 0. */
export function choiceCallIdScope(scope: string, candidate: number): string {
  return candidate === 0 ? scope : `${scope}_${candidate}`;
}

export function responseCallId(scope: string, index: number): string {
  return `call_${scope}_${index}`;
}

interface PendingCall {
  id: string;
  name: string;
  turn: number;
}

/** Pairs function responses with the calls they answer while decoding one request's `contents`. */
export class FunctionCallLedger {
  private readonly pending: PendingCall[] = [];

  /** Registers a call; returns the id it goes by. */
  recordCall(name: string, explicitId: string | undefined, turn: number, part: number): string {
    const id = explicitId ?? positionalCallId(turn, part);
    this.pending.push({ id, name, turn });
    return id;
  }

  /** The id of the call a function response answers. */
  matchResponse(name: string, explicitId: string | undefined, path: string): string {
    if (explicitId !== undefined) {
      const byId = this.pending.findIndex((call) => call.id === explicitId);
      if (byId !== -1) {
        this.pending.splice(byId, 1);
        return explicitId;
      }
    }
    const sameName = this.pending.filter((call) => call.name === name);
    const latestTurn = Math.max(...sameName.map((call) => call.turn));
    const match = sameName.find((call) => call.turn === latestTurn);
    if (match !== undefined) {
      this.pending.splice(this.pending.indexOf(match), 1);
      return match.id;
    }
    // A response to a call outside the history the client sent: keep its id and let the upstream judge.
    if (explicitId !== undefined) return explicitId;
    throw invalidRequest(path, `no earlier functionCall named ${JSON.stringify(name)} is waiting for this response`);
  }
}
