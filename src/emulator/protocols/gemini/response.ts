/**
 * A `Generation` as a GenerateContentResponse, field for field and in Google's key order
 * [conformance gemini/generate-text.response.json, generate-parallel-calls.response.json,
 * generate-image-fileuri.response.json (Vertex)]:
 * - AI Studio: `candidates[{content:{parts,role},finishReason,index}]`, `usageMetadata`,
 *   `modelVersion`, `responseId`;
 * - Vertex: `content:{role,parts}`, no `index` on the first candidate (zero values are left out),
 *   and a `createTime` before `responseId`;
 * - thought summaries become one `{text, thought:true}` part first; a run that hit the limit with
 *   nothing to show has `content:{role:"model"}` and no parts (as Gemini 2.5 answers then);
 * - Gemini 3 explains a function-call answer in `finishMessage`.
 */
import { encodeText } from '../../tokens.js';
import type { TokenLogprob } from '../../types.js';
import type { RenderContext } from '../protocol.js';
import { blockedSafetyRatings, planCandidates, type CandidatePlan } from './candidate-plan.js';
import type { GeminiRenderOptions } from './request-decode.js';
import { isGemini3 } from './thinking.js';
import { usageMetadata } from './usage.js';
import type { GeminiFlavor } from './wire-schema.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export interface ResponseEnvelope {
  modelVersion: string;
  responseId: string;
  /** Vertex only: RFC 3339 with microseconds. */
  createTime: string | undefined;
}

export function responseEnvelope(context: RenderContext, flavor: GeminiFlavor): ResponseEnvelope {
  let responseId = '';
  for (let index = 0; index < 23; index++) responseId += ID_ALPHABET[context.random.integer(0, ID_ALPHABET.length - 1)];
  const micros = String(context.random.integer(0, 999_999)).padStart(6, '0');
  const createTime = flavor === 'vertex' ? `${new Date(context.created * 1000).toISOString().slice(0, 19)}.${micros}Z` : undefined;
  return { modelVersion: context.model.responseModel, responseId, createTime };
}

/** Top-level fields in Google's order around `candidates` and `usageMetadata`. */
export function withEnvelope(body: Record<string, unknown>, envelope: ResponseEnvelope): Record<string, unknown> {
  body.modelVersion = envelope.modelVersion;
  if (envelope.createTime !== undefined) body.createTime = envelope.createTime;
  body.responseId = envelope.responseId;
  return body;
}

export function renderGenerateContentResponse(context: RenderContext, options: GeminiRenderOptions, flavor: GeminiFlavor): Record<string, unknown> {
  const plans = planCandidates(context, options);
  const { usage } = context.generation;
  const soFar = {
    candidateTokens: plans.reduce((sum, plan) => sum + plan.candidateTokens, 0),
    thoughtTokens: usage.reasoningTokens,
  };
  const body: Record<string, unknown> = {
    candidates: plans.map((plan) => renderCandidate(plan, options, flavor, isGemini3(context.model.name))),
    usageMetadata: usageMetadata(usage, options.imageCount, flavor, soFar),
  };
  return withEnvelope(body, responseEnvelope(context, flavor));
}

function renderCandidate(plan: CandidatePlan, options: GeminiRenderOptions, flavor: GeminiFlavor, gemini3: boolean): Record<string, unknown> {
  const candidate: Record<string, unknown> = {};
  if (!plan.blocked) {
    const parts: Array<Record<string, unknown>> = [];
    if (plan.thoughts.length > 0) parts.push({ text: plan.thoughts.join(''), thought: true });
    if (plan.text !== null) parts.push(signed({ text: plan.text }, plan.textSignature));
    for (const call of plan.calls) parts.push(signed({ functionCall: { name: call.name, args: call.args } }, call.signature));
    candidate.content = modelContent(parts, flavor);
  }
  candidate.finishReason = plan.finishReason;
  if (plan.blocked) candidate.safetyRatings = blockedSafetyRatings();
  if (gemini3 && plan.calls.length > 0) candidate.finishMessage = 'Model generated function call(s).';
  if (options.responseLogprobs && plan.logprobs !== undefined) Object.assign(candidate, renderLogprobs(plan.logprobs));
  if (writesIndex(plan.index, flavor)) candidate.index = plan.index;
  return candidate;
}

/**
 * AI Studio always writes a candidate's `index`; Vertex writes protobuf JSON, which leaves out zero
 * values, so its first candidate has none and the others (`candidateCount` > 1) have theirs.
 */
export function writesIndex(index: number, flavor: GeminiFlavor): boolean {
  return flavor === 'gemini' || index !== 0;
}

export function signed(part: Record<string, unknown>, signature: string | undefined): Record<string, unknown> {
  return signature === undefined ? part : { ...part, thoughtSignature: signature };
}

/** AI Studio writes `parts` then `role`, Vertex `role` then `parts`; an empty answer has no `parts`. */
export function modelContent(parts: Array<Record<string, unknown>>, flavor: GeminiFlavor): Record<string, unknown> {
  if (parts.length === 0) return { role: 'model' };
  return flavor === 'vertex' ? { role: 'model', parts } : { parts, role: 'model' };
}

/**
 * `avgLogprobs` and `logprobsResult`: per decoding step the chosen token and, when asked, the top
 * alternatives, each `{token, tokenId, logProbability}` [https://ai.google.dev/api/generate-content#LogprobsResult].
 */
export function renderLogprobs(entries: readonly TokenLogprob[]): Record<string, unknown> {
  const chosen = entries.map((entry) => logprobsCandidate(entry.token, entry.logprob));
  const average = chosen.length === 0 ? 0 : entries.reduce((sum, entry) => sum + entry.logprob, 0) / entries.length;
  const result: Record<string, unknown> = {};
  if (entries.some((entry) => entry.top.length > 0)) {
    result.topCandidates = entries.map((entry) => ({ candidates: entry.top.map((alternative) => logprobsCandidate(alternative.token, alternative.logprob)) }));
  }
  result.chosenCandidates = chosen;
  return { avgLogprobs: average, logprobsResult: result };
}

/** A step's token; a piece that spans several tokens (a multi-byte character) is named by its first. */
function logprobsCandidate(token: string, logprob: number): Record<string, unknown> {
  return { token, tokenId: encodeText(token)[0] ?? 0, logProbability: logprob };
}
