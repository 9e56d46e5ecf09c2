import type { ProtocolCodec } from '../codec.js';
import { decodeOpenAIError, encodeOpenAIError } from './errors.js';
import { decodeChatRequest } from './request-decode.js';
import { encodeChatRequest } from './request-encode.js';
import { decodeChatResponse } from './response-decode.js';
import { encodeChatResponse } from './response-encode.js';
import { ChatStreamDecoder } from './stream-decode.js';
import { ChatStreamEncoder } from './stream-encode.js';

/**
 * OpenAI Chat Completions (`POST /v1/chat/completions`), both directions. Used only across protocols:
 * same-protocol Chat traffic is forwarded as bytes by the gateway core. Mapping table: README.md.
 */
export const openaiChatCodec: ProtocolCodec = {
  protocol: 'openai-chat',
  decodeRequest: decodeChatRequest,
  encodeRequest: encodeChatRequest,
  decodeResponse: decodeChatResponse,
  encodeResponse: encodeChatResponse,
  createStreamDecoder: () => new ChatStreamDecoder(),
  createStreamEncoder: (context) => new ChatStreamEncoder(context),
  decodeError: decodeOpenAIError,
  encodeError: (error, requestId) => encodeOpenAIError(error, requestId),
};

export { decodeOpenAIError, decodeOpenAIStreamError, encodeOpenAIError, encodeOpenAIStreamError } from './errors.js';
