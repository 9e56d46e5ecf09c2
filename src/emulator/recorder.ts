/**
 * Every provider request the emulator receives, kept so tests can assert what the gateway sent
 * (headers it forwarded, the body after translation). Bounded: old entries fall off the front.
 * Headers are kept verbatim, credentials included, because checking key forwarding is the point;
 * the emulator is never given real keys.
 */

export interface RecordedRequest {
  /** Sequence number since the emulator started (survives clearing). */
  sequence: number;
  /** ISO-8601 receive time. */
  time: string;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The raw body text (UTF-8). */
  bodyText: string;
  /** The parsed body, or undefined when it was empty or not JSON. */
  json: unknown;
}

export const DEFAULT_RECORD_LIMIT = 1_000;

export class RequestRecorder {
  private entries: RecordedRequest[] = [];
  private sequence = 0;

  constructor(private readonly limit: number = DEFAULT_RECORD_LIMIT) {}

  record(entry: Omit<RecordedRequest, 'sequence'>): RecordedRequest {
    const recorded = { sequence: ++this.sequence, ...entry };
    this.entries.push(recorded);
    // Trim in batches so a full buffer does not shift the array on every request.
    if (this.entries.length > this.limit * 1.25) this.entries = this.entries.slice(-this.limit);
    return recorded;
  }

  /** Oldest first, newest last. */
  list(): RecordedRequest[] {
    return this.entries.slice(-this.limit);
  }

  clear(): void {
    this.entries = [];
  }
}
