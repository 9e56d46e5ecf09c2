/**
 * The opening of a provider stream, held back until real content arrives. Providers open with frames
 * that promise nothing (Anthropic `message_start`, Responses `response.created`) and can still fail
 * inside a 200 (`overloaded_error`, `response.failed`); until the first token reaches the client, a
 * failure is still a failed attempt the gateway can retry elsewhere. Both the raw bytes (for
 * passthrough) and the decoded parts (for translation) are kept, so either continuation can resume.
 */
import type { ProtocolName, StreamPart } from '../canonical/types.js';
import { GatewayError } from '../errors/catalogue.js';
import { CODECS } from '../protocols/registry.js';
import type { StreamDecoder } from '../protocols/codec.js';
import { SseParser } from '../util/sse.js';

export interface StartedStream {
  iterator: AsyncIterator<Uint8Array>;
  parser: SseParser;
  decoder: StreamDecoder;
  /** Raw chunks read so far, in order. */
  heldChunks: Uint8Array[];
  /**
   * Parts decoded from them, in order, up to the first content. The parser holds the rest of those
   * chunks unparsed: a continuation that needs parts reads them next; a byte relay never has to.
   */
  heldParts: StreamPart[];
  /** The provider's body has ended (a stream with no content at all). */
  ended: boolean;
}

export type StreamStart =
  | { ok: true; stream: StartedStream }
  /** An error event came before any content. */
  | { ok: false; error: { status: number; kind: string; message: string; code?: string }; stream: StartedStream };

const CONTENT_PARTS = new Set<StreamPart['type']>(['text-delta', 'refusal-delta', 'reasoning-delta', 'tool-call-start', 'tool-call-delta']);

/**
 * Read until the first content part, an error part, or the end. Transport errors and the
 * first-token timeout propagate as exceptions (GatewayError for the timeout).
 */
export async function awaitFirstContent(body: AsyncIterable<Uint8Array>, protocol: ProtocolName, firstTokenMs: number | undefined, onTimeout: () => void): Promise<StreamStart> {
  const stream: StartedStream = {
    iterator: body[Symbol.asyncIterator](),
    parser: new SseParser(),
    decoder: CODECS[protocol].createStreamDecoder(),
    heldChunks: [],
    heldParts: [],
    ended: false,
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout =
    firstTokenMs === undefined
      ? undefined
      : new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => {
            onTimeout();
            reject(new GatewayError('upstream_timeout', `no first token within first_token_ms=${firstTokenMs}`));
          }, firstTokenMs);
        });
  try {
    for (;;) {
      const next = timeout === undefined ? await stream.iterator.next() : await Promise.race([stream.iterator.next(), timeout]);
      if (next.done === true) {
        for (const event of stream.parser.end()) stream.heldParts.push(...stream.decoder.push(event));
        stream.ended = true;
        return { ok: true, stream };
      }
      stream.heldChunks.push(next.value);
      // Parse and decode event by event up to the first content; the rest stays in the parser.
      stream.parser.feed(next.value);
      for (let event = stream.parser.next(); event !== undefined; event = stream.parser.next()) {
        let content = false;
        for (const part of stream.decoder.push(event)) {
          stream.heldParts.push(part);
          if (part.type === 'error' && !content) return { ok: false, error: part.error, stream };
          if (CONTENT_PARTS.has(part.type)) content = true;
        }
        if (content) return { ok: true, stream };
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
