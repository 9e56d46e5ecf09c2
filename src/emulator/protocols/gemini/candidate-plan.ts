/**
 * What each candidate says, in Gemini's terms, shared by the JSON and the streamed renderers so
 * both always agree: thought summaries (only with `includeThoughts`), the answer text or whole
 * function calls (Gemini has no argument deltas), the finish reason and thought signatures.
 * - Finish: stop and tool calls → STOP (Gemini has no tool finish reason), length → MAX_TOKENS, a
 *   refusal → SAFETY with no content [PROTOCOLS.md §2 stop reasons].
 * - A call cut short by the output limit is never sent half-written: it is dropped (MAX_TOKENS).
 * - Signatures: a model that thought signs its first function call of the step, otherwise its text
 *   answer; Gemini 3 always thinks, so it always signs [conformance gemini/generate-parallel-calls,
 *   generate-text, stream-text-signature]. Seeded from the conversation, so the same request gets
 *   the same signatures streamed or not.
 */
import { deriveSeed, SeededRandom } from '../../random.js';
import type { GeneratedChoice, TokenLogprob } from '../../types.js';
import type { RenderContext } from '../protocol.js';
import type { GeminiRenderOptions } from './request-decode.js';
import { isGemini3, thoughtSummaries } from './thinking.js';
import { issueThoughtSignature } from './thought-signature.js';

export interface PlannedCall {
  name: string;
  args: Record<string, unknown>;
  /** Output tokens the call stands for (for pacing). */
  tokens: number;
  signature: string | undefined;
}

export interface CandidatePlan {
  index: number;
  thoughts: string[];
  text: string | null;
  textPieces: string[];
  calls: PlannedCall[];
  finishReason: 'STOP' | 'MAX_TOKENS' | 'SAFETY';
  /** Refused: SAFETY with no content at all. */
  blocked: boolean;
  /** For a text answer: where Gemini puts the signature (last text part / closing empty part). */
  textSignature: string | undefined;
  logprobs: TokenLogprob[] | undefined;
  reasoningTokens: number;
  /** Visible output: what `candidatesTokenCount` counts. */
  candidateTokens: number;
}

export function planCandidates(context: RenderContext, options: GeminiRenderOptions): CandidatePlan[] {
  return context.generation.choices.map((choice) => planCandidate(choice, context, options));
}

function planCandidate(choice: GeneratedChoice, context: RenderContext, options: GeminiRenderOptions): CandidatePlan {
  const seed = context.generation.seed;
  const signs = isGemini3(context.model.name) || choice.reasoningTokens > 0;
  const signatures = new SeededRandom(deriveSeed(seed, 'gemini-signature', choice.index));
  const thoughts = options.includeThoughts && choice.reasoningTokens > 0
    ? thoughtSummaries(options.keywords, new SeededRandom(deriveSeed(seed, 'gemini-thoughts', choice.index)))
    : [];
  const calls: PlannedCall[] = [];
  for (const call of choice.toolCalls) {
    const args = parseArguments(call.argumentsJson);
    if (args === undefined) continue;
    const signature = signs && calls.length === 0 ? issueThoughtSignature({ kind: 'function-call', name: call.name }, signatures, choice.reasoningTokens) : undefined;
    calls.push({ name: call.name, args, tokens: Math.max(1, call.argumentPieces.length), signature });
  }
  const text = choice.text !== null && choice.text.length > 0 ? choice.text : null;
  return {
    index: choice.index,
    thoughts,
    text,
    textPieces: text === null ? [] : choice.textPieces,
    calls,
    finishReason: choice.finishReason === 'length' ? 'MAX_TOKENS' : choice.finishReason === 'refusal' ? 'SAFETY' : 'STOP',
    blocked: choice.finishReason === 'refusal',
    textSignature: signs && calls.length === 0 && text !== null ? issueThoughtSignature({ kind: 'text' }, signatures, choice.reasoningTokens) : undefined,
    logprobs: choice.logprobs,
    reasoningTokens: choice.reasoningTokens,
    candidateTokens: choice.outputTokens - choice.reasoningTokens,
  };
}

function parseArguments(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Gemini's safety verdict for a blocked candidate. */
export function blockedSafetyRatings(): Array<Record<string, unknown>> {
  return [
    { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
  ];
}
