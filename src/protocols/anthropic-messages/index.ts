import type { ProtocolCodec } from '../codec.js';
import { decodeAnthropicError, encodeAnthropicError } from './errors.js';
import { decodeAnthropicRequest } from './request-decode.js';
import { encodeAnthropicRequest } from './request-encode.js';
import { decodeAnthropicResponse } from './response-decode.js';
import { encodeAnthropicResponse } from './response-encode.js';
import { AnthropicStreamDecoder } from './stream-decode.js';
import { AnthropicStreamEncoder } from './stream-encode.js';

/**
 * The Anthropic Messages API (`POST /v1/messages`), both directions: a client speaking it, and
 * Anthropic (or a compatible provider) as the upstream. Field mapping and refusals: README.md.
 */
export const anthropicMessagesCodec: ProtocolCodec = {
  protocol: 'anthropic-messages',
  decodeRequest: (body, context) => decodeAnthropicRequest(body, context),
  encodeRequest: (request, upstreamModel) => ({ ...encodeAnthropicRequest(request, upstreamModel) }),
  decodeResponse: (body) => decodeAnthropicResponse(body),
  encodeResponse: (response, context) => encodeAnthropicResponse(response, context),
  createStreamDecoder: () => new AnthropicStreamDecoder(),
  createStreamEncoder: (context) => new AnthropicStreamEncoder(context),
  decodeError: (status, body, headers) => decodeAnthropicError(status, body, headers),
  encodeError: (error, requestId) => encodeAnthropicError(error, requestId),
};

export { decodeAnthropicRequest, encodeAnthropicRequest, decodeAnthropicResponse, encodeAnthropicResponse };
export { AnthropicStreamDecoder, AnthropicStreamEncoder, decodeAnthropicError, encodeAnthropicError };
export { anthropicModelProfile, ANTHROPIC_MODEL_PROFILES, FALLBACK_PROFILE } from './model-profiles.js';
