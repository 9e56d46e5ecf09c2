import type { UpstreamClient, UpstreamResponse } from '../providers/upstream-client.js';
import type { CancelSignal } from '../util/cancel-signal.js';
import type { StreamPart } from '../canonical/types.js';
import type { StartedStream } from './stream-start.js';
import type { ChunkShaper } from './chat-stream-usage.js';

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

export interface RelayReaders {
  /** Sees the stream's decoded parts (each relayed chunk is decoded for it; none is changed). */
  parts?: PartObserver | undefined;
  /** Reads and may rewrite the bytes (an OpenAI Chat stream's usage chunk); the rest pass as they came. */
  shaper?: ChunkShaper | undefined;
}

/**
 * Pipe a provider's stream to the client chunk by chunk: nothing is re-framed unless a shaper asks.
 * The chunks held back until the first content go first, then the rest as it arrives. When the
 * provider fails after bytes were sent, the stream ends with the protocol's error event; when the
 * client leaves, the provider request is torn down.
 */
export async function* relayStream(started: StartedStream, upstream: UpstreamResponse, client: UpstreamClient, signal: CancelSignal, hooks: RelayHooks, readers: RelayReaders = {}): AsyncGenerator<Uint8Array> {
  let outcome: StreamOutcome = 'client_closed';
  let failure: Error | undefined;
  let lastChunk: Uint8Array | undefined;
  const { parts, shaper } = readers;
  const observe = (chunk: Uint8Array): void => {
    if (parts === undefined) return;
    for (const event of started.parser.push(chunk)) for (const part of started.decoder.push(event)) parts.observe(part);
  };
  const shape = (chunk: Uint8Array): Uint8Array | undefined => (shaper === undefined ? chunk : shaper.push(chunk));
  try {
    hooks.onFirstChunk();
    if (parts !== undefined) for (const part of started.heldParts) parts.observe(part);
    for (const chunk of started.heldChunks) {
      const out = shape(chunk);
      if (out !== undefined) yield (lastChunk = out);
    }
    started.heldChunks.length = 0;
    if (!started.ended) {
      for (;;) {
        const next = await started.iterator.next();
        if (next.done === true) break;
        observe(next.value);
        const out = shape(next.value);
        if (out !== undefined) yield (lastChunk = out);
      }
      if (parts !== undefined) for (const event of started.parser.end()) for (const part of started.decoder.push(event)) parts.observe(part);
    }
    const rest = shaper?.end();
    if (rest !== undefined) yield (lastChunk = rest);
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
