/**
 * A `Generation` as a GenerateContentResponse, field for field and in Google's key order
 * [conformance gemini/generate-text.response.json, generate-parallel-calls.response.json,
 * generate-image-fileuri.response.json (Vertex)]:
 * - AI Studio: `candidates[{content:{parts,role},finishReason,index}]`, `usageMetadata`,
 *   `modelVersion`, `responseId`;
 * - Vertex: `content:{role,parts}`, no `index`, and a `createTime` before `responseId`;
 * - thought summaries become one `{text, thought:true}` part first; a run that hit the limit with
 *   nothing to show has `content:{role:"model"}` and no parts (as Gemini 2.5 answers then);
 * - Gemini 3 explains a function-call answer in `finishMessage`.
 */
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
  if (flavor === 'gemini') candidate.index = plan.index;
  return candidate;
}

export function signed(part: Record<string, unknown>, signature: string | undefined): Record<string, unknown> {
  return signature === undefined ? part : { ...part, thoughtSignature: signature };
}

/** AI Studio writes `parts` then `role`, Vertex `role` then `parts`; an empty answer has no `parts`. */
export function modelContent(parts: Array<Record<string, unknown>>, flavor: GeminiFlavor): Record<string, unknown> {
  if (parts.length === 0) return { role: 'model' };
  return flavor === 'vertex' ? { role: 'model', parts } : { parts, role: 'model' };
}

/** `avgLogprobs` and `logprobsResult` (chosen token per step, plus the top alternatives when asked). */
export function renderLogprobs(entries: readonly TokenLogprob[]): Record<string, unknown> {
  const chosen = entries.map((entry) => ({ token: entry.token, logProbability: entry.logprob }));
  const average = chosen.length === 0 ? 0 : chosen.reduce((sum, entry) => sum + entry.logProbability, 0) / chosen.length;
  const result: Record<string, unknown> = {};
  if (entries.some((entry) => entry.top.length > 0)) {
    result.topCandidates = entries.map((entry) => ({ candidates: entry.top.map((alternative) => ({ token: alternative.token, logProbability: alternative.logprob })) }));
  }
  result.chosenCandidates = chosen;
  return { avgLogprobs: average, logprobsResult: result };
}
