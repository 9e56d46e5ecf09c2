/**
 * The Gemini generateContent / streamGenerateContent protocol, both directions.
 * Mapping table and decisions: ./README.md.
 */
import type { ProtocolCodec } from '../codec.js';
import { decodeGeminiError, encodeGeminiError } from './errors.js';
import { decodeGeminiRequest } from './request-decode.js';
import { encodeGeminiRequest, type GeminiEncodeOptions } from './request-encode.js';
import { decodeGeminiResponse } from './response-decode.js';
import { encodeGeminiResponse } from './response-encode.js';
import { GeminiStreamDecoder } from './stream-decode.js';
import { GeminiStreamEncoder } from './stream-encode.js';

/** A Gemini codec; `options` select how requests are encoded for a provider (e.g. legacy schema fields). */
export function createGeminiCodec(options: GeminiEncodeOptions = {}): ProtocolCodec {
  return {
    protocol: 'gemini',
    decodeRequest: (body, context) => decodeGeminiRequest(body, context),
    encodeRequest: (request, upstreamModel) => encodeGeminiRequest(request, upstreamModel, options),
    decodeResponse: (body) => decodeGeminiResponse(body),
    encodeResponse: (response, context) => encodeGeminiResponse(response, context),
    createStreamDecoder: () => new GeminiStreamDecoder(),
    createStreamEncoder: (context) => new GeminiStreamEncoder(context),
    decodeError: (status, body, headers) => decodeGeminiError(status, body, headers),
    encodeError: (error, requestId) => encodeGeminiError(error, requestId),
  };
}

export const geminiCodec: ProtocolCodec = createGeminiCodec();

export type { GeminiEncodeOptions } from './request-encode.js';
export { decodeGeminiRequest } from './request-decode.js';
export { encodeGeminiRequest } from './request-encode.js';
export { decodeGeminiResponse } from './response-decode.js';
export { encodeGeminiResponse } from './response-encode.js';
export { GeminiStreamDecoder } from './stream-decode.js';
export { GeminiStreamEncoder } from './stream-encode.js';
export { GeminiJsonArrayParser, splitGeminiJsonArray } from './json-array-stream.js';
export { decodeGeminiError, encodeGeminiError } from './errors.js';
export { toGeminiOpenApiSchema } from './schema-sanitize.js';
export { fromGeminiOpenApiSchema } from './schema-from-openapi.js';
export { mapGeminiFinishReason, toGeminiFinishReason } from './finish-reason.js';
export { decodeGeminiUsage, encodeGeminiUsage } from './usage.js';
