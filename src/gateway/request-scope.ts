import type { StreamOutcome } from './relay.js';

/** What one request learns on its way through, for its log line and response headers. */
export interface RequestScope {
  requestId: string;
  /** performance.now() at arrival. */
  startedAt: number;
  route: string | undefined;
  model: string | undefined;
  stream: boolean;
  upstreamStatus: number | undefined;
  /** Provider attempts made (fallbacks, retries and hedges included). */
  attempts: number;
  markFirstByte(): void;
  endStream(outcome: StreamOutcome, error?: Error): void;
}
