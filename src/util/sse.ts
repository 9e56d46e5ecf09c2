/**
 * Server-sent events, parsed once at the edge into typed events. Handles every framing providers use:
 * LF or CRLF separators, `event:` names or none, comments, multi-line data, and a last event that
 * ends without its blank line (flushed by `end()`).
 */

export interface SseEvent {
  event?: string;
  data: string;
}

export class SseParser {
  private buffer = '';
  /** Where the unparsed text in `buffer` starts. */
  private offset = 0;
  private readonly decoder = new TextDecoder();
  private eventName: string | undefined;
  private dataLines: string[] = [];

  /** Feed raw bytes; returns the events completed by them (and any fed before but not yet read). */
  push(chunk: Uint8Array | string): SseEvent[] {
    this.feed(chunk);
    const events: SseEvent[] = [];
    for (let event = this.next(); event !== undefined; event = this.next()) events.push(event);
    return events;
  }

  /** Feed raw bytes without parsing them yet: read the events one at a time with `next()`. */
  feed(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    this.buffer = this.offset === 0 ? this.buffer + text : this.buffer.slice(this.offset) + text;
    this.offset = 0;
  }

  /** The next complete event of what was fed; undefined when none is complete yet. */
  next(): SseEvent | undefined {
    for (;;) {
      const newline = this.buffer.indexOf('\n', this.offset);
      if (newline === -1) return undefined;
      let line = this.buffer.slice(this.offset, newline);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.offset = newline + 1;
      const event = this.processLine(line);
      if (event !== undefined) return event;
    }
  }

  /** Flush what is left at the end of the body. */
  end(): SseEvent[] {
    const events = this.push(this.decoder.decode());
    const rest = this.buffer.slice(this.offset);
    this.buffer = '';
    this.offset = 0;
    if (rest.length > 0) {
      const event = this.processLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
      if (event !== undefined) events.push(event);
    }
    const last = this.dispatch();
    if (last !== undefined) events.push(last);
    return events;
  }

  /** Returns the event a blank line completes. */
  private processLine(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventName = value;
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    let event: SseEvent | undefined;
    if (this.dataLines.length > 0) {
      event = { data: this.dataLines.join('\n') };
      if (this.eventName !== undefined) event.event = this.eventName;
    }
    this.dataLines = [];
    this.eventName = undefined;
    return event;
  }
}

/** Render one SSE event. */
export function formatSseEvent(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
