import type { UpstreamClient, UpstreamResponse } from '../providers/upstream-client.js';
import type { CancelSignal } from '../util/cancel-signal.js';
import type { StreamPart } from '../canonical/types.js';
import type { StartedStream } from './stream-start.js';

/** Reads the canonical parts of a stream on their way to the client (usage, the response cache). */
export interface PartObserver {
  observe(part: StreamPart): void;
}

/** How a relayed stream ended. */
export type StreamOutcome = 'completed' | 'client_closed' | 'upstream_failed';

export interface RelayHooks {
  /** Wire bytes that end the client's stream in its protocol when the provider fails mid-way (after `lastChunk`). */
  renderError(error: Error, lastChunk: Uint8Array | undefined): Uint8Array;
  onFirstChunk(): void;
  onEnd(outcome: StreamOutcome, error?: Error): void;
}

/**
 * Pipe a provider's stream to the client chunk by chunk: nothing is re-framed. The chunks held back
 * until the first content go first, then the rest as it arrives. When the provider fails after bytes
 * were sent, the stream ends with the protocol's error event; when the client leaves, the provider
 * request is torn down.
 */
export async function* relayStream(started: StartedStream, upstream: UpstreamResponse, client: UpstreamClient, signal: CancelSignal, hooks: RelayHooks, tally?: PartObserver): AsyncGenerator<Uint8Array> {
  let outcome: StreamOutcome = 'client_closed';
  let failure: Error | undefined;
  let lastChunk: Uint8Array | undefined;
  // Metering reads the bytes it relays (never changes them) to learn the usage they report.
  const observe = (chunk: Uint8Array): void => {
    if (tally === undefined) return;
    for (const event of started.parser.push(chunk)) for (const part of started.decoder.push(event)) tally.observe(part);
  };
  try {
    hooks.onFirstChunk();
    if (tally !== undefined) for (const part of started.heldParts) tally.observe(part);
    for (const chunk of started.heldChunks) yield (lastChunk = chunk);
    started.heldChunks.length = 0;
    if (!started.ended) {
      for (;;) {
        const next = await started.iterator.next();
        if (next.done === true) break;
        observe(next.value);
        yield (lastChunk = next.value);
      }
      if (tally !== undefined) for (const event of started.parser.end()) for (const part of started.decoder.push(event)) tally.observe(part);
    }
    outcome = 'completed';
  } catch (error) {
    if (!signal.aborted) {
      outcome = 'upstream_failed';
      failure = client.classify(error);
      yield hooks.renderError(failure, lastChunk);
    }
  } finally {
    upstream.finish();
    if (outcome !== 'completed') upstream.body.destroy();
    hooks.onEnd(outcome, failure);
  }
}
