import type { CanonicalResponse, StreamPart } from '../canonical/types.js';
import { StreamAccumulator } from '../protocols/shared/stream-accumulate.js';
import { isCacheableResponse } from './cacheability.js';
import { DEFAULT_MAX_ENTRY_BYTES } from './store.js';

/**
 * Folds the canonical parts of a streamed miss into the response to store once the stream has
 * completed. It observes the same parts the usage tally does (decoded from the provider's stream,
 * relayed or translated), so it adds no parsing of its own.
 *
 * It yields nothing for a stream that is not a complete, successful answer: an error part, no finish
 * (the provider or the client hung up), a finish reason that is not cacheable, or a tool call that
 * started and never ended (cut off). Past `maxBytes` of generated text it stops collecting, so an
 * answer too large to cache costs no memory.
 */
export class ResponseCollector {
  private readonly accumulator = new StreamAccumulator();
  private readonly maxBytes: number;
  private bytes = 0;
  private abandoned = false;
  private openToolCalls = 0;
  private finished = false;

  constructor(options: { maxBytes?: number } = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  }

  observe(part: StreamPart): void {
    if (this.abandoned) return;
    switch (part.type) {
      case 'error':
        this.abandon();
        return;
      case 'finish':
        this.finished = true;
        break;
      case 'tool-call-start':
        this.openToolCalls += 1;
        break;
      case 'tool-call-end':
        this.openToolCalls -= 1;
        break;
      case 'text-delta':
      case 'refusal-delta':
      case 'reasoning-delta':
        this.count(part.text.length);
        break;
      case 'tool-call-delta':
        this.count(part.argumentsDelta.length);
        break;
      default:
        break;
    }
    if (!this.abandoned) this.accumulator.push(part);
  }

  /**
   * The answer to store, or undefined. Call it when the stream has ended normally (the relay's
   * `completed` outcome), not at the finish part: usage can still follow it (Chat's usage chunk).
   */
  result(): CanonicalResponse | undefined {
    if (this.abandoned || !this.finished || this.openToolCalls !== 0 || this.accumulator.error !== undefined) return undefined;
    const response = this.accumulator.response();
    return isCacheableResponse(response) ? response : undefined;
  }

  /** Characters are a cheap lower bound on UTF-8 bytes: enough to stop well before the entry limit matters. */
  private count(characters: number): void {
    this.bytes += characters;
    if (this.bytes > this.maxBytes) this.abandon();
  }

  private abandon(): void {
    this.abandoned = true;
  }
}
