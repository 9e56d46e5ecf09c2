import type { CanonicalResponse, StreamPart } from '../../canonical/types.js';
import type { EncodeContext } from '../codec.js';
import { SseParser, type SseEvent } from '../../util/sse.js';
import { streamPartsFor } from './content-parts.js';
import { openaiResponsesCodec } from './index.js';
import { accumulateStream } from '../shared/stream-accumulate.js';

/**
 * Helpers for this folder's tests (no test runner imports, so any test file can use them).
 */

/** SSE text as events, fed in chunks of `chunkSize` characters to exercise the parser's buffering. */
export function sseEvents(text: string, chunkSize = Infinity): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (let start = 0; start < text.length; start += Number.isFinite(chunkSize) ? chunkSize : text.length) {
    events.push(...parser.push(text.slice(start, Number.isFinite(chunkSize) ? start + chunkSize : text.length)));
  }
  events.push(...parser.end());
  return events;
}

/** A vercel/ai `.chunks.txt` recording (one data payload a line) re-framed as Responses SSE. */
export function jsonlToSse(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const parsed = JSON.parse(line) as { type: string };
      return `event: ${parsed.type}\ndata: ${line}\n\n`;
    })
    .join('');
}

export function decodeStreamText(text: string, chunkSize = Infinity): StreamPart[] {
  const decoder = openaiResponsesCodec.createStreamDecoder();
  const parts: StreamPart[] = [];
  for (const event of sseEvents(text, chunkSize)) parts.push(...decoder.push(event));
  parts.push(...decoder.end());
  return parts;
}

export function encodeStreamParts(parts: StreamPart[], context: EncodeContext = testContext): string {
  const encoder = openaiResponsesCodec.createStreamEncoder(context);
  return parts.map((part) => encoder.encode(part)).join('') + encoder.end();
}

export const testContext: EncodeContext = { requestId: 'req_test', model: 'test-model' };

/** The parts of a canonical response as the stream a decoder would produce for it. */
export function responseToParts(response: CanonicalResponse): StreamPart[] {
  return [
    { type: 'response-start', id: response.id, model: response.model, created: response.created },
    ...streamPartsFor(response.content, 0),
    { type: 'finish', finishReason: response.finishReason, usage: response.usage },
  ];
}

/** Parsed data of every event of an encoded stream, with the `event:` name checked against `type`. */
export function encodedEvents(text: string): Array<Record<string, unknown> & { type: string; sequence_number: number }> {
  return sseEvents(text).map((event) => {
    const data = JSON.parse(event.data) as Record<string, unknown> & { type: string; sequence_number: number };
    if (event.event !== data.type) throw new Error(`event name ${event.event ?? '(none)'} differs from type ${data.type}`);
    return data;
  });
}

/** Content, finish reason and usage: what must survive a round trip (ids and models are re-minted). */
export function essence(response: CanonicalResponse): Pick<CanonicalResponse, 'content' | 'finishReason' | 'usage'> {
  return JSON.parse(JSON.stringify({ content: response.content, finishReason: response.finishReason, usage: response.usage })) as Pick<
    CanonicalResponse,
    'content' | 'finishReason' | 'usage'
  >;
}

export function accumulate(parts: StreamPart[]): CanonicalResponse {
  return accumulateStream(parts).response();
}

/** The `response` inside the `response.completed` event of a recorded stream. */
export function recordedCompletedResponse(text: string): unknown {
  for (const event of sseEvents(text)) {
    const data = JSON.parse(event.data) as Record<string, unknown>;
    if (data['type'] === 'response.completed') return data['response'];
  }
  throw new Error('the recording has no response.completed event');
}
