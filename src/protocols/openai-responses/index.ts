import type { ProtocolCodec } from '../codec.js';
import { decodeOpenAiError, encodeOpenAiError } from './errors.js';
import { decodeResponsesRequest } from './request-decode.js';
import { encodeResponsesRequest } from './request-encode.js';
import { decodeResponsesResponse } from './response-decode.js';
import { encodeResponsesResponse } from './response-encode.js';
import { ResponsesStreamDecoder } from './stream-decode.js';
import { ResponsesStreamEncoder } from './stream-encode.js';

/**
 * The OpenAI Responses API (`POST /v1/responses`), both directions. Mapping table, refusals and
 * dropped fields: README.md in this folder.
 */
export const openaiResponsesCodec: ProtocolCodec = {
  protocol: 'openai-responses',
  decodeRequest: (body, context) => decodeResponsesRequest(body, context),
  encodeRequest: (request, upstreamModel) => encodeResponsesRequest(request, upstreamModel),
  decodeResponse: (body) => decodeResponsesResponse(body),
  encodeResponse: (response, context) => encodeResponsesResponse(response, context),
  createStreamDecoder: () => new ResponsesStreamDecoder(),
  createStreamEncoder: (context) => new ResponsesStreamEncoder(context),
  decodeError: (status, body, headers) => decodeOpenAiError(status, body, headers),
  encodeError: (error, requestId) => encodeOpenAiError(error, requestId),
};

export { StreamAccumulator, accumulateStream } from '../shared/stream-accumulate.js';
