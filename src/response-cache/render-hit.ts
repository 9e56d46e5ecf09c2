import type { CanonicalUsage, ProtocolName } from '../canonical/types.js';
import type { EncodeContext } from '../protocols/codec.js';
import { CODECS } from '../protocols/registry.js';
import { cachedStreamParts } from './cached-stream-parts.js';
import type { CacheEntry } from './entry.js';

export interface RenderHitOptions {
  /** Whether the caller asked for a stream. */
  stream: boolean;
  /** The gateway's request id (error bodies and ids a protocol mints from it). */
  requestId: string;
  /**
   * The model name the answer reports. Default: the name the provider reported when the answer was
   * made, as the original answer showed it.
   */
  model?: string;
  /** OpenAI Chat streams: the caller asked for the usage chunk (`stream_options.include_usage`). */
  includeUsage?: boolean;
  /** Gemini streams without `alt=sse`: one incremental JSON array instead of SSE. */
  jsonArrayStream?: boolean;
  /** Epoch ms, for the `age` header; default `Date.now()`. */
  now?: number;
}

/** A hit ready to send: the shape of the gateway's own response, plus what metering needs. */
export interface RenderedHit {
  status: 200;
  /** `content-type`, `age` (RFC 9111: seconds since stored) and, for streams, `cache-control: no-cache`. */
  headers: Record<string, string>;
  /** The whole body, or the stream's bytes one event at a time. */
  body: Buffer | AsyncIterable<Uint8Array>;
  /**
   * The token counts the body reports: the original answer's, so clients see the same answer they
   * would have seen. No provider was called, so the gateway records the hit at cost 0 and may keep
   * these counts as the tokens the hit saved.
   */
  usage: CanonicalUsage;
  /** The deployment that made the original answer. */
  servedBy: string;
}

/**
 * A cached answer in the caller's protocol, as a body or as that protocol's stream — made by the
 * same codec encoders that serve live traffic, so the bytes are what a fresh answer would be: the
 * same id, created time and usage as the original (a hit is the same answer served again).
 */
export function renderHit(entry: CacheEntry, protocol: ProtocolName, options: RenderHitOptions): RenderedHit {
  const codec = CODECS[protocol];
  const context: EncodeContext = { requestId: options.requestId, model: options.model ?? entry.response.model };
  if (options.includeUsage !== undefined) context.includeUsage = options.includeUsage;
  if (options.jsonArrayStream !== undefined) context.jsonArrayStream = options.jsonArrayStream;
  const age = String(Math.max(0, Math.floor(((options.now ?? Date.now()) - entry.storedAt) / 1000)));
  const rendered = { status: 200 as const, usage: { ...entry.response.usage }, servedBy: entry.servedBy };
  if (!options.stream) {
    const body = Buffer.from(JSON.stringify(codec.encodeResponse(entry.response, context)));
    return { ...rendered, headers: { 'content-type': 'application/json', age }, body };
  }
  const contentType = protocol === 'gemini' && options.jsonArrayStream === true ? 'application/json' : 'text/event-stream';
  return { ...rendered, headers: { 'content-type': contentType, 'cache-control': 'no-cache', age }, body: encodeStream(entry, protocol, context) };
}

/** One chunk per event group, so a slow client applies back-pressure as with a live stream. */
async function* encodeStream(entry: CacheEntry, protocol: ProtocolName, context: EncodeContext): AsyncGenerator<Uint8Array> {
  const encoder = CODECS[protocol].createStreamEncoder(context);
  for (const part of cachedStreamParts(entry.response)) {
    const text = encoder.encode(part);
    if (text !== '') yield Buffer.from(text);
  }
  const tail = encoder.end();
  if (tail !== '') yield Buffer.from(tail);
}
