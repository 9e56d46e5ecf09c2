/**
 * `streamGenerateContent` without `alt=sse` answers with ONE JSON array delivered incrementally,
 * `[{…}\n,\r\n{…}]` [conformance gemini/stream-json-array.stream.json]. This splitter yields each
 * element as soon as its closing brace arrives, in the same `SseEvent` shape `SseParser` yields, so
 * the stream decoder takes either framing unchanged. It tracks strings and escapes, so braces inside
 * text never split an element; bytes may arrive cut anywhere, even inside a UTF-8 sequence.
 */
import { GatewayError } from '../../errors/catalogue.js';
import type { SseEvent } from '../../util/sse.js';

export class GeminiJsonArrayParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  /** Scan position inside `buffer`. */
  private position = 0;
  /** Where the element being read starts in `buffer`, or -1 between elements. */
  private elementStart = -1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private state: 'before-array' | 'in-array' | 'after-array' = 'before-array';

  /** Feed raw bytes or text; returns the elements completed by them. */
  push(chunk: Uint8Array | string): SseEvent[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const events = this.scan();
    // Drop what has been consumed, keeping the element in progress.
    const keepFrom = this.elementStart === -1 ? this.position : this.elementStart;
    this.buffer = this.buffer.slice(keepFrom);
    this.position -= keepFrom;
    if (this.elementStart !== -1) this.elementStart = 0;
    return events;
  }

  /** The end of the body: anything but a closed array (or nothing at all) is a truncated stream. */
  end(): SseEvent[] {
    const events = this.push(this.decoder.decode());
    if (this.elementStart !== -1 || (this.state === 'in-array' && this.buffer.trim() !== '')) {
      throw new GatewayError('upstream_bad_response', 'the Gemini JSON-array stream ended inside an element');
    }
    return events;
  }

  private scan(): SseEvent[] {
    const events: SseEvent[] = [];
    while (this.position < this.buffer.length) {
      const char = this.buffer[this.position] as string;
      if (this.elementStart !== -1) {
        this.scanElementChar(char, events);
      } else if (this.state === 'before-array') {
        if (char === '[') this.state = 'in-array';
        else if (!/\s/.test(char)) throw this.unexpected(char);
      } else if (this.state === 'in-array') {
        if (char === '{') {
          this.elementStart = this.position;
          this.depth = 1;
        } else if (char === ']') this.state = 'after-array';
        else if (char !== ',' && !/\s/.test(char)) throw this.unexpected(char);
      } else if (!/\s/.test(char)) {
        throw this.unexpected(char);
      }
      this.position += 1;
    }
    return events;
  }

  private scanElementChar(char: string, events: SseEvent[]): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (char === '\\') this.escaped = true;
      else if (char === '"') this.inString = false;
      return;
    }
    if (char === '"') this.inString = true;
    else if (char === '{' || char === '[') this.depth += 1;
    else if (char === '}' || char === ']') {
      this.depth -= 1;
      if (this.depth === 0) {
        events.push({ data: this.buffer.slice(this.elementStart, this.position + 1) });
        this.elementStart = -1;
      }
    }
  }

  private unexpected(char: string): GatewayError {
    return new GatewayError('upstream_bad_response', `the Gemini JSON-array stream has an unexpected ${JSON.stringify(char)} at ${this.position}`);
  }
}

/** Splits a whole JSON-array stream body (e.g. a recorded one) into its elements. */
export function splitGeminiJsonArray(body: string): SseEvent[] {
  const parser = new GeminiJsonArrayParser();
  return [...parser.push(body), ...parser.end()];
}
