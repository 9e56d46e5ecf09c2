/**
 * A `Generation` as `streamGenerateContent`: every chunk a complete GenerateContentResponse holding
 * only the new parts [PROTOCOLS.md §1 Gemini; conformance gemini/stream-*]:
 * - thought summaries first, one paragraph per chunk; then the answer a few tokens at a time (the
 *   first chunk small, later ones 12–28 tokens); function calls whole, all in one chunk;
 * - `usageMetadata` on every chunk with the counts so far (Vertex: only `trafficType` until the last);
 * - `finishReason` on the last chunk only. Gemini 3 closes with a chunk of its own holding an empty
 *   text part, which carries the thought signature of a text answer [stream-text-signature,
 *   stream-tool-call]; earlier models put the finish on the last content chunk;
 * - framing: `?alt=sse` → `data: {…}\r\n\r\n` and no terminator; otherwise one JSON array sent
 *   element by element, `[{…}` `\n,\r\n{…}` … `\n]` [stream-json-array.stream.json].
 */
import { deriveSeed, SeededRandom } from '../../random.js';
import type { TokenLogprob } from '../../types.js';
import type { RenderContext, StreamFrame } from '../protocol.js';
import { blockedSafetyRatings, planCandidates, type CandidatePlan } from './candidate-plan.js';
import { googleSseJson, prettyJson } from './json-format.js';
import type { ArrayStreamState, GeminiRenderOptions } from './request-decode.js';
import { modelContent, renderLogprobs, responseEnvelope, signed, withEnvelope, writesIndex } from './response.js';
import { isGemini3 } from './thinking.js';
import { usageMetadata, vertexInterimUsage } from './usage.js';
import type { GeminiFlavor } from './wire-schema.js';

export type StreamFraming = 'sse' | 'array';

interface Step {
  /** Undefined for a blocked candidate: no `content` at all. */
  parts: Array<Record<string, unknown>> | undefined;
  tokens: number;
  content: boolean;
  candidateTokens: number;
  thoughtTokens: number;
  finishReason?: string;
  blocked?: boolean;
  logprobs?: TokenLogprob[];
}

export function* renderGeminiStream(context: RenderContext, options: GeminiRenderOptions, flavor: GeminiFlavor, framing: StreamFraming): Generator<StreamFrame> {
  const envelope = responseEnvelope(context, flavor);
  const gemini3 = isGemini3(context.model.name);
  const perCandidate = planCandidates(context, options).map((plan) => candidateSteps(plan, gemini3, new SeededRandom(deriveSeed(context.generation.seed, 'gemini-chunks', plan.index))));
  const rounds = Math.max(0, ...perCandidate.map((steps) => steps.length));
  const soFar = { candidateTokens: 0, thoughtTokens: 0 };
  for (let round = 0; round < rounds; round++) {
    const last = round === rounds - 1;
    const candidates: Array<Record<string, unknown>> = [];
    let tokens = 0;
    let content = false;
    perCandidate.forEach((steps, index) => {
      const step = steps[round];
      if (step === undefined) return;
      soFar.candidateTokens += step.candidateTokens;
      soFar.thoughtTokens += step.thoughtTokens;
      tokens = Math.max(tokens, step.tokens);
      content ||= step.content;
      candidates.push(renderStep(step, index, options, flavor));
    });
    const interim = flavor === 'vertex' && !last;
    const body = withEnvelope({ candidates, usageMetadata: interim ? vertexInterimUsage() : usageMetadata(context.generation.usage, options.imageCount, flavor, soFar) }, envelope);
    yield { text: frameText(body, flavor, framing, options.arrayStream), tokens, content };
    options.arrayStream.elementsSent++;
  }
  if (framing === 'array') yield { text: '\n]', tokens: 0, content: false };
}

/** One response object framed for the wire; `state` says whether the array is already open. */
export function frameText(body: unknown, flavor: GeminiFlavor, framing: StreamFraming, state: ArrayStreamState): string {
  if (framing === 'array') return `${state.elementsSent === 0 ? '[' : '\n,\r\n'}${prettyJson(body)}`;
  return `data: ${flavor === 'vertex' ? JSON.stringify(body) : googleSseJson(body)}\r\n\r\n`;
}

function renderStep(step: Step, index: number, options: GeminiRenderOptions, flavor: GeminiFlavor): Record<string, unknown> {
  const candidate: Record<string, unknown> = {};
  if (step.parts !== undefined) candidate.content = modelContent(step.parts, flavor);
  if (step.finishReason !== undefined) candidate.finishReason = step.finishReason;
  if (step.blocked === true) candidate.safetyRatings = blockedSafetyRatings();
  if (options.responseLogprobs && step.logprobs !== undefined && step.logprobs.length > 0) Object.assign(candidate, renderLogprobs(step.logprobs));
  if (writesIndex(index, flavor)) candidate.index = index;
  return candidate;
}

function candidateSteps(plan: CandidatePlan, gemini3: boolean, random: SeededRandom): Step[] {
  if (plan.blocked) return [{ parts: undefined, tokens: 0, content: false, candidateTokens: plan.candidateTokens, thoughtTokens: plan.reasoningTokens, finishReason: plan.finishReason, blocked: true }];
  const steps: Step[] = [];
  // Thoughts stream as they are summarised; without summaries all thinking precedes the first chunk.
  plan.thoughts.forEach((paragraph, position) => {
    const share = Math.round((plan.reasoningTokens * (position + 1)) / plan.thoughts.length) - Math.round((plan.reasoningTokens * position) / plan.thoughts.length);
    steps.push({ parts: [{ text: paragraph, thought: true }], tokens: 0, content: true, candidateTokens: 0, thoughtTokens: share });
  });
  let unreportedThoughts = plan.thoughts.length > 0 ? 0 : plan.reasoningTokens;
  let remainingCandidateTokens = plan.candidateTokens;
  const take = (tokens: number): { candidateTokens: number; thoughtTokens: number } => {
    const reported = { candidateTokens: Math.min(tokens, remainingCandidateTokens), thoughtTokens: unreportedThoughts };
    remainingCandidateTokens -= reported.candidateTokens;
    unreportedThoughts = 0;
    return reported;
  };
  let position = 0;
  while (position < plan.textPieces.length) {
    const size = position === 0 ? random.integer(2, 6) : random.integer(12, 28);
    const pieces = plan.textPieces.slice(position, position + size);
    const logprobs = plan.logprobs?.slice(position, position + size);
    steps.push({ parts: [{ text: pieces.join('') }], tokens: pieces.length, content: true, ...take(pieces.length), ...(logprobs === undefined ? {} : { logprobs }) });
    position += size;
  }
  if (plan.calls.length > 0) {
    const tokens = plan.calls.reduce((sum, call) => sum + call.tokens, 0);
    steps.push({ parts: plan.calls.map((call) => signed({ functionCall: { name: call.name, args: call.args } }, call.signature)), tokens, content: true, ...take(tokens) });
  }
  // Whatever the pieces did not account for (call framing, rounding) is reported by the end.
  closeCandidate(steps, plan, gemini3, take(remainingCandidateTokens));
  return steps;
}

/** Put the finish (and a text answer's signature) where each model generation puts it. */
function closeCandidate(steps: Step[], plan: CandidatePlan, gemini3: boolean, rest: { candidateTokens: number; thoughtTokens: number }): void {
  const lastStep = steps.at(-1);
  if (gemini3) {
    steps.push({ parts: [signed({ text: '' }, plan.textSignature)], tokens: 0, content: false, ...rest, finishReason: plan.finishReason });
    return;
  }
  // Nothing but thoughts (the limit hit while thinking): the finish comes alone, with no parts.
  if (lastStep === undefined || lastStep.parts?.[0]?.thought === true) {
    steps.push({ parts: [], tokens: 0, content: false, ...rest, finishReason: plan.finishReason });
    return;
  }
  lastStep.candidateTokens += rest.candidateTokens;
  lastStep.thoughtTokens += rest.thoughtTokens;
  lastStep.finishReason = plan.finishReason;
  const lastPart = lastStep.parts?.[0];
  if (plan.textSignature !== undefined && lastPart !== undefined && 'text' in lastPart) lastStep.parts = [signed(lastPart, plan.textSignature)];
}
