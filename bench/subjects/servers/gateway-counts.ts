/** What the gateway child (gateway.ts) reports on GET /_bench/ledger and in its --report file. */
import type { LedgerWriterStats } from '../../../src/ledger/index.js';

export interface GatewayCounts {
  /** POST requests under /v1/ the gateway received. */
  modelCalls: number;
  /** Ledger records the gateway handed to the writer (one per upstream attempt). */
  appended: number;
  /** The writer's stats; null when metering is off. In the --report file: after close(). */
  ledger: LedgerWriterStats | null;
}
