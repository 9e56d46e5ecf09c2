/**
 * Gemini GenerateContentResponse → canonical response.
 *
 * Every candidate is read: the one with the lowest `index` (normally 0) is the response's own
 * content, the others become `additionalChoices` (`candidateCount` > 1). Vertex leaves `index` out
 * when it is 0 (protobuf JSON drops zero values), so a candidate without one is candidate 0.
 * Parts decode as in `parts-decode.ts`; calls without an `id` get `call_<responseId>_<n>` (choice 0)
 * or `call_<responseId>_<choice>_<n>`. `STOP` with function calls is `tool-calls` (Gemini has no
 * tool finish reason); `promptFeedback.blockReason` with no candidate is a `content-filter` finish
 * with no content. `logprobsResult` becomes the choice's `logprobs` (logprobs.ts). Unknown fields
 * (`avgLogprobs`, `createTime`, `groundingMetadata`, `finishMessage` …) are ignored.
 */
import type { AssistantContentPart, CanonicalChoice, CanonicalResponse, FinishReason } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { field, invalidRequest, isObject, joinPath, optionalArray, optionalInteger, optionalObject, optionalString, readObject, type JsonObject } from './fields.js';
import { mapGeminiFinishReason } from './finish-reason.js';
import { decodeGeminiLogprobs } from './logprobs.js';
import { decodeModelPart } from './parts-decode.js';
import { choiceCallIdScope, responseCallId, responseCallIdScope } from './tool-ids.js';
import { decodeGeminiUsage } from './usage.js';

/** A malformed provider body is the provider's fault (502), not the client's (400). */
export function asUpstreamBadResponse<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'invalid_request') {
      throw new GatewayError('upstream_bad_response', `Gemini response: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** `createTime` (Vertex) as epoch seconds, else now. */
export function createdSeconds(root: JsonObject): number {
  const createTime = field(root, 'createTime');
  const parsed = typeof createTime === 'string' ? Date.parse(createTime) : Number.NaN;
  return Math.floor((Number.isNaN(parsed) ? Date.now() : parsed) / 1000);
}

export function decodeGeminiResponse(body: unknown): CanonicalResponse {
  return asUpstreamBadResponse(() => decodeResponseBody(readObject(body, 'response')));
}

function decodeResponseBody(root: JsonObject): CanonicalResponse {
  if (isObject(field(root, 'error'))) throw new GatewayError('upstream_bad_response', 'Gemini returned an error object in a successful response');
  const responseId = optionalString(root, 'responseId', '');
  const scope = responseCallIdScope(responseId);
  const choices = new Map<number, CanonicalChoice>();
  const candidates = readCandidates(root);
  candidateIndexes(candidates).forEach((index, position) => {
    // A repeated index would make two choices claim one place; the first one keeps it.
    if (!choices.has(index)) choices.set(index, decodeCandidate(candidates[position]!, index, `candidates[${position}]`, scope));
  });
  const [first, ...rest] = [...choices.values()].sort((left, right) => left.index - right.index);
  const response: CanonicalResponse = {
    id: responseId ?? `gemini-${scope}`,
    model: optionalString(root, 'modelVersion', '') ?? '',
    created: createdSeconds(root),
    content: first?.content ?? [],
    finishReason: first?.finishReason ?? blockedFinish(root),
    usage: decodeGeminiUsage(field(root, 'usageMetadata')),
  };
  if (first?.logprobs !== undefined) response.logprobs = first.logprobs;
  if (rest.length > 0) response.additionalChoices = rest;
  return response;
}

/** No candidate at all: the prompt was blocked, or the answer is empty for a reason Gemini did not give. */
function blockedFinish(root: JsonObject): FinishReason {
  const feedback = optionalObject(root, 'promptFeedback', '');
  return feedback !== undefined && field(feedback, 'blockReason') !== undefined ? 'content-filter' : 'other';
}

export function readCandidates(root: JsonObject): JsonObject[] {
  return (optionalArray(root, 'candidates', '') ?? []).map((raw, position) => readObject(raw, `candidates[${position}]`));
}

/**
 * Each candidate's `index`. A missing one is 0: protobuf JSON leaves zero values out, and Vertex
 * writes it so. A list in which several candidates lack one is not protobuf JSON; those are placed
 * by their position.
 */
export function candidateIndexes(candidates: readonly JsonObject[]): number[] {
  const explicit = candidates.map((candidate, position) => optionalInteger(candidate, 'index', `candidates[${position}]`));
  const missing = explicit.filter((index) => index === undefined).length;
  return explicit.map((index, position) => {
    if (index !== undefined && index < 0) throw invalidRequest(`candidates[${position}].index`, 'must not be negative');
    return index ?? (missing > 1 ? position : 0);
  });
}

function decodeCandidate(candidate: JsonObject, index: number, path: string, scope: string): CanonicalChoice {
  const contentPath = joinPath(path, 'content');
  const parts = optionalObject(candidate, 'content', path);
  const partList = parts === undefined ? [] : (optionalArray(parts, 'parts', contentPath) ?? []);
  const callScope = choiceCallIdScope(scope, index);
  const content: AssistantContentPart[] = [];
  let calls = 0;
  partList.forEach((rawPart, partIndex) => {
    const decoded = decodeModelPart(rawPart, joinPath(joinPath(contentPath, 'parts'), partIndex), true);
    if (decoded.kind === 'text' || decoded.kind === 'reasoning') content.push(decoded.part);
    else if (decoded.kind === 'call') {
      const id = decoded.explicitId ?? responseCallId(callScope, calls);
      calls += 1;
      content.push({
        type: 'tool-call',
        id,
        name: decoded.name,
        arguments: decoded.arguments,
        ...(decoded.thoughtSignature !== undefined && { thoughtSignature: decoded.thoughtSignature }),
      });
    }
  });
  const reason = optionalString(candidate, 'finishReason', path);
  const choice: CanonicalChoice = {
    index,
    content,
    finishReason: reason === undefined ? (calls > 0 ? 'tool-calls' : 'stop') : mapGeminiFinishReason(reason, calls > 0),
  };
  const logprobs = decodeGeminiLogprobs(candidate, path);
  if (logprobs !== undefined) choice.logprobs = logprobs;
  return choice;
}
