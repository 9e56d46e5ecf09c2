/**
 * Gemini GenerateContentResponse → canonical response.
 *
 * Only `candidates[0]` is read: the canonical response has one choice. Parts decode as in
 * `parts-decode.ts`; calls without an `id` get `call_<responseId>_<n>`. `STOP` with function calls is
 * `tool-calls` (Gemini has no tool finish reason); `promptFeedback.blockReason` with no candidate is a
 * `content-filter` finish with no content. Unknown fields (`avgLogprobs`, `createTime`,
 * `groundingMetadata`, `finishMessage` …) are ignored; `logprobsResult` has no canonical field.
 */
import type { AssistantContentPart, CanonicalResponse, FinishReason } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { field, isObject, joinPath, optionalArray, optionalObject, optionalString, readObject, type JsonObject } from './fields.js';
import { mapGeminiFinishReason } from './finish-reason.js';
import { decodeModelPart } from './parts-decode.js';
import { responseCallId, responseCallIdScope } from './tool-ids.js';
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
  const candidates = optionalArray(root, 'candidates', '') ?? [];
  const content: AssistantContentPart[] = [];
  let finishReason: FinishReason;
  const first = candidates[0];
  if (first === undefined) {
    const feedback = optionalObject(root, 'promptFeedback', '');
    finishReason = feedback !== undefined && field(feedback, 'blockReason') !== undefined ? 'content-filter' : 'other';
  } else {
    const candidate = readObject(first, 'candidates[0]');
    const parts = optionalObject(candidate, 'content', 'candidates[0]');
    const partList = parts === undefined ? [] : (optionalArray(parts, 'parts', 'candidates[0].content') ?? []);
    let calls = 0;
    partList.forEach((rawPart, index) => {
      const decoded = decodeModelPart(rawPart, joinPath('candidates[0].content.parts', index), true);
      if (decoded.kind === 'text' || decoded.kind === 'reasoning') content.push(decoded.part);
      else if (decoded.kind === 'call') {
        const id = decoded.explicitId ?? responseCallId(scope, calls);
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
    const reason = optionalString(candidate, 'finishReason', 'candidates[0]');
    finishReason = reason === undefined ? (calls > 0 ? 'tool-calls' : 'stop') : mapGeminiFinishReason(reason, calls > 0);
  }
  return {
    id: responseId ?? `gemini-${scope}`,
    model: optionalString(root, 'modelVersion', '') ?? '',
    created: createdSeconds(root),
    content,
    finishReason,
    usage: decodeGeminiUsage(field(root, 'usageMetadata')),
  };
}
