/**
 * Canonical response → Gemini GenerateContentResponse: one candidate per choice (choice 0, then any
 * `additionalChoices` with their `index`).
 *
 * - text → `{text, thoughtSignature?}`; reasoning → `{text, thought: true}` (its signature only when
 *   Gemini made it; another provider's redacted or encrypted reasoning has no readable text and is left out);
 *   refusal → text (Gemini has no refusal part);
 * - tool calls → `{functionCall: {id, name, args}}` (+ signature); arguments that are not a JSON object
 *   (a call cut off by the token limit) are not sent as a broken call: the call is left out and, unless
 *   the finish is already MAX_TOKENS, the finish becomes MALFORMED_FUNCTION_CALL (PROTOCOLS.md trap 2);
 * - usage: `candidatesTokenCount` = output − reasoning, `thoughtsTokenCount` = reasoning.
 */
import type { AssistantContentPart, CanonicalResponse, FinishReason } from '../../canonical/types.js';
import type { EncodeContext } from '../codec.js';
import { compact, isObject } from './fields.js';
import { toGeminiFinishReason } from './finish-reason.js';
import { encodeGeminiUsage } from './usage.js';
import type { GeminiCandidate, GeminiFinishReason, GeminiFunctionCall, GeminiPart, GeminiResponseBody } from './wire-types.js';

/** Arguments as an object, or undefined when they are not a JSON object (empty text is `{}`). */
export function argumentsObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function encodeFunctionCallPart(id: string, name: string, args: Record<string, unknown>, thoughtSignature: string | undefined): GeminiPart {
  const functionCall: GeminiFunctionCall = { id, name, args };
  return compact({ functionCall, thoughtSignature });
}

/** One assistant part as Gemini response parts; `malformed` reports a call left out. */
export function encodeResponsePart(part: AssistantContentPart): { part?: GeminiPart; malformed?: boolean } {
  switch (part.type) {
    case 'text':
      return part.text === '' && part.thoughtSignature === undefined ? {} : { part: compact({ text: part.text, thoughtSignature: part.thoughtSignature }) };
    case 'reasoning': {
      const signature = part.origin === 'gemini' ? part.signature : undefined;
      return part.text === '' && signature === undefined ? {} : { part: compact({ text: part.text, thought: true, thoughtSignature: signature }) };
    }
    case 'refusal':
      return { part: { text: part.text } };
    case 'tool-call': {
      const args = argumentsObject(part.arguments);
      return args === undefined ? { malformed: true } : { part: encodeFunctionCallPart(part.id, part.name, args, part.thoughtSignature) };
    }
  }
}

export function encodeGeminiResponse(response: CanonicalResponse, context: EncodeContext): GeminiResponseBody {
  const others = (response.additionalChoices ?? []).map((choice) => encodeCandidate(choice.content, choice.finishReason, choice.index));
  return {
    candidates: [encodeCandidate(response.content, response.finishReason, 0), ...others],
    usageMetadata: encodeGeminiUsage(response.usage),
    modelVersion: context.model,
    responseId: response.id,
    createTime: new Date(response.created * 1000).toISOString(),
  };
}

function encodeCandidate(content: readonly AssistantContentPart[], canonicalReason: FinishReason, index: number): GeminiCandidate {
  const parts: GeminiPart[] = [];
  let malformed = false;
  for (const item of content) {
    const encoded = encodeResponsePart(item);
    if (encoded.part !== undefined) parts.push(encoded.part);
    if (encoded.malformed === true) malformed = true;
  }
  let finishReason: GeminiFinishReason = toGeminiFinishReason(canonicalReason);
  if (malformed && finishReason !== 'MAX_TOKENS') finishReason = 'MALFORMED_FUNCTION_CALL';
  return { content: { role: 'model', parts }, finishReason, index };
}
