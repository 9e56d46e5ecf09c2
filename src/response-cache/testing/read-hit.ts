import type { CanonicalResponse, ProtocolName, StreamPart } from '../../canonical/types.js';
import { GeminiJsonArrayParser } from '../../protocols/gemini/index.js';
import { CODECS } from '../../protocols/registry.js';
import { accumulateStream } from '../../protocols/shared/stream-accumulate.js';
import { SseParser, type SseEvent } from '../../util/sse.js';
import type { RenderedHit } from '../render-hit.js';

/** A rendered body as text: the whole buffer, or every streamed chunk joined. */
export async function bodyText(hit: RenderedHit): Promise<string> {
  if (Buffer.isBuffer(hit.body)) return hit.body.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of hit.body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Stream text as events, cut into `piece`-sized chunks the way a network would deliver it. */
export function streamEvents(text: string, options: { jsonArray?: boolean; piece?: number } = {}): SseEvent[] {
  const parser = options.jsonArray === true ? new GeminiJsonArrayParser() : new SseParser();
  const piece = Math.max(1, options.piece ?? text.length);
  const events: SseEvent[] = [];
  for (let offset = 0; offset < text.length; offset += piece) events.push(...parser.push(text.slice(offset, offset + piece)));
  events.push(...parser.end());
  return events;
}

/** A rendered stream read back by the same protocol's stream decoder. */
export function decodeStream(protocol: ProtocolName, text: string, options: { jsonArray?: boolean; piece?: number } = {}): StreamPart[] {
  const decoder = CODECS[protocol].createStreamDecoder();
  const parts: StreamPart[] = [];
  for (const event of streamEvents(text, options)) parts.push(...decoder.push(event));
  parts.push(...decoder.end());
  return parts;
}

/** What a client that buffered the decoded stream holds. */
export function foldStream(parts: readonly StreamPart[]): CanonicalResponse {
  return accumulateStream(parts).response();
}
