/**
 * Usage as a stream reports it: providers send cumulative snapshots (the latest wins), some only in
 * the final event. The tally also counts the characters of what was generated, so a stream that
 * ends without any usage (dropped, cancelled) can still be charged an estimate.
 */
import { emptyUsage, type CanonicalUsage, type StreamPart } from '../canonical/types.js';

const CHARS_PER_TOKEN = 4;

/** What a finished stream reports to metering and to the session's trace. */
export interface StreamUsage {
  /** Tool calls the answer made. */
  readonly toolCalls: number;
  /** The usage the provider reported, or an estimate (marked) when it reported none. */
  result(estimatedInputTokens: number): { usage: CanonicalUsage; estimated: boolean };
}

export class UsageTally implements StreamUsage {
  private reported: Partial<CanonicalUsage> | undefined;
  private generatedChars = 0;
  /** Tool calls the answer made (for the session's trace). */
  toolCalls = 0;

  observe(part: StreamPart): void {
    switch (part.type) {
      case 'usage':
        this.reported = { ...this.reported, ...part.usage };
        break;
      case 'finish':
      case 'response-start':
        if (part.usage !== undefined) this.reported = { ...this.reported, ...part.usage };
        break;
      case 'text-delta':
      case 'refusal-delta':
      case 'reasoning-delta':
        this.generatedChars += part.text.length;
        break;
      case 'tool-call-start':
        this.toolCalls += 1;
        break;
      case 'tool-call-delta':
        this.generatedChars += part.argumentsDelta.length;
        break;
      default:
        break;
    }
  }

  /** What the provider reported; or, when it reported nothing, an estimate from the input estimate and the characters generated. */
  result(estimatedInputTokens: number): { usage: CanonicalUsage; estimated: boolean } {
    if (this.reported !== undefined && (this.reported.inputTokens !== undefined || this.reported.outputTokens !== undefined)) {
      return { usage: { ...emptyUsage(), ...this.reported }, estimated: false };
    }
    return { usage: { ...emptyUsage(), inputTokens: estimatedInputTokens, outputTokens: Math.ceil(this.generatedChars / CHARS_PER_TOKEN) }, estimated: true };
  }
}
