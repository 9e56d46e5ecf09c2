import type { CanonicalRequest, CanonicalResponse, ProtocolName, StreamPart } from '../canonical/types.js';
import type { RenderableError, UpstreamErrorInfo } from '../errors/catalogue.js';
import type { SseEvent } from '../util/sse.js';

/**
 * A wire protocol, both directions. The same codec serves the inbound edge (a client speaking this
 * protocol) and the outbound edge (a provider speaking it). Every method is pure or holds only the
 * state of one stream; none does I/O.
 *
 * Decoders throw `GatewayError('invalid_request' | 'unsupported_feature', …)` with a message that names
 * the field at fault. Encoders throw `GatewayError('unsupported_feature', …)` for anything the protocol
 * cannot express: meaning is refused, never silently dropped.
 */
export interface ProtocolCodec {
  readonly protocol: ProtocolName;

  /**
   * A client's request body into the canonical request. `context` carries what some protocols put
   * outside the body (Gemini names the model and streaming in the URL).
   */
  decodeRequest(body: Record<string, unknown>, context?: RequestContext): CanonicalRequest;

  /** The canonical request as this protocol's request body, for the named upstream model. */
  encodeRequest(request: CanonicalRequest, upstreamModel: string): Record<string, unknown>;

  /** A provider's non-streaming response body into the canonical response. */
  decodeResponse(body: unknown): CanonicalResponse;

  /** The canonical response as this protocol's response body. */
  encodeResponse(response: CanonicalResponse, context: EncodeContext): unknown;

  /** A stateful decoder for one provider stream: SSE events in, canonical parts out. */
  createStreamDecoder(): StreamDecoder;

  /** A stateful encoder for one client stream: canonical parts in, SSE text out. */
  createStreamEncoder(context: EncodeContext): StreamEncoder;

  /** A provider's error response (status, parsed body or raw text, headers) into neutral error info. */
  decodeError(status: number, body: unknown, headers: Record<string, string | undefined>): UpstreamErrorInfo;

  /** Any error as this protocol's error response. */
  encodeError(error: RenderableError, requestId: string): EncodedError;
}

export interface RequestContext {
  /** The model named outside the body (Gemini URL path). */
  model?: string;
  /** Streaming decided outside the body (Gemini `:streamGenerateContent`). */
  stream?: boolean;
}

export interface EncodeContext {
  /** The gateway's request id, for ids the protocol wants and for error bodies. */
  requestId: string;
  /** The model name to report to the client (what the client asked for, or what served). */
  model: string;
  /** OpenAI Chat: whether the client asked for the usage chunk (`stream_options.include_usage`). */
  includeUsage?: boolean;
  /** Gemini: the client streamed without `alt=sse` and expects one incremental JSON array. */
  jsonArrayStream?: boolean;
}

export interface StreamDecoder {
  /** Parts produced by one SSE event. */
  push(event: SseEvent): StreamPart[];
  /** Parts owed at the end of the body (e.g. a finish the provider implied but never sent). */
  end(): StreamPart[];
}

export interface StreamEncoder {
  /** Wire text for one part (may be empty: some parts only update state). */
  encode(part: StreamPart): string;
  /** Wire text owed when the stream ends (closing events, `[DONE]`). */
  end(): string;
}

export interface EncodedError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}
