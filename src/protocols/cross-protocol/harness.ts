import type { CanonicalRequest, CanonicalResponse, ProtocolName, StreamPart } from '../../canonical/types.js';
import { SseParser } from '../../util/sse.js';
import type { EncodeContext } from '../codec.js';
import { CODECS } from '../registry.js';
import { accumulateStream } from '../shared/stream-accumulate.js';
import { CAPABILITIES } from './capabilities.js';
import { plain } from './normalise.js';

/** The client-facing model every response is encoded for (decoders read it back). */
export const CLIENT_CONTEXT: EncodeContext = { requestId: 'req_cross', model: 'client-model', includeUsage: true };

/** A request as a client of `protocol` sends it (JSON on the wire) and the gateway decodes it. */
export function requestRoundTrip(protocol: ProtocolName, request: CanonicalRequest): CanonicalRequest {
  const codec = CODECS[protocol];
  const model = CAPABILITIES[protocol].model;
  const wire = plain(codec.encodeRequest(request, model));
  // Gemini names the model and streaming in the URL, not the body.
  return codec.decodeRequest(wire, protocol === 'gemini' ? { model, stream: request.stream } : undefined);
}

/** A response body as `protocol` writes it and reads it back. */
export function responseRoundTrip(protocol: ProtocolName, response: CanonicalResponse): CanonicalResponse {
  const codec = CODECS[protocol];
  return codec.decodeResponse(plain(codec.encodeResponse(response, CLIENT_CONTEXT)));
}

/** Stream parts through `protocol`'s encoder (SSE text, parsed in `piece`-sized chunks) and its decoder. */
export function streamRoundTrip(protocol: ProtocolName, parts: readonly StreamPart[], piece: number): StreamPart[] {
  const codec = CODECS[protocol];
  const encoder = codec.createStreamEncoder(CLIENT_CONTEXT);
  const text = parts.map((part) => encoder.encode(part)).join('') + encoder.end();
  const parser = new SseParser();
  const decoder = codec.createStreamDecoder();
  const decoded: StreamPart[] = [];
  for (let offset = 0; offset < text.length; offset += piece) {
    for (const event of parser.push(text.slice(offset, offset + piece))) decoded.push(...decoder.push(event));
  }
  for (const event of parser.end()) decoded.push(...decoder.push(event));
  decoded.push(...decoder.end());
  return decoded;
}

/** What a client that buffered the stream ends up with. */
export function accumulated(parts: readonly StreamPart[]): CanonicalResponse {
  return accumulateStream(parts).response();
}
