import { performance } from 'node:perf_hooks';
import { ledgerRecordProblem, type LedgerRecord } from './record.js';
import { RecordQueue } from './record-queue.js';
import type { LedgerSink } from './store.js';

export interface LedgerWriterOptions {
  /** Records held in memory at most; beyond it appends are dropped and counted. Default 50,000. */
  maxQueue?: number;
  /** A queued record is written within this long when the store is healthy. Default 100, at most 200 ms. */
  windowMs?: number;
  /**
   * Records per insertBatch; a full batch is written at once without waiting for the window.
   * Default 250: SQLite writes run on the event loop at ~20 µs a record, so one batch holds it ~5 ms.
   */
  maxBatch?: number;
  /** First retry delay after a failed write, doubling up to retryMaxMs. Defaults 100 and 5,000 ms. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Told about every failed write (the records stay queued and are retried). */
  onWriteError?: (error: unknown) => void;
  /** Told about a record refused at append because it could not be stored. */
  onReject?: (record: LedgerRecord, problem: string) => void;
}

export interface LedgerWriterStats {
  /** Records waiting to be written. */
  queued: number;
  /** Age of the oldest queued record, ms; 0 when the queue is empty. */
  lagMs: number;
  written: number;
  /** Appends refused because the queue was full or the writer closed. */
  dropped: number;
  /** Appends refused because the record was invalid. */
  rejected: number;
  failedFlushes: number;
  /** The latest write error's message, or null when the last write succeeded. */
  lastError: string | null;
}

export const MAX_WINDOW_MS = 200;

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new RangeError(`ledger writer: ${name} must be an integer from 1 to ${max}, got ${value}`);
  return value;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes ledger records off the request path: `append` only queues (never waits, never throws on
 * a bad or surplus record), and batches are written every window, or at once when a batch fills.
 * One write is in flight at a time and records leave the queue only when their batch committed,
 * so a failing store delays records but neither loses nor reorders them. When the queue is full,
 * new records are dropped and counted: the request path never waits for the ledger.
 */
export class LedgerWriter {
  private readonly queue = new RecordQueue<LedgerRecord>();
  private readonly maxQueue: number;
  private readonly windowMs: number;
  private readonly maxBatch: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private windowTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private draining: Promise<void> | undefined;
  private closing: Promise<LedgerWriterStats> | undefined;
  private consecutiveFailures = 0;
  private counters = { written: 0, dropped: 0, rejected: 0, failedFlushes: 0 };
  private lastError: string | null = null;

  constructor(
    private readonly sink: LedgerSink,
    private readonly options: LedgerWriterOptions = {},
  ) {
    this.maxQueue = positiveInteger('maxQueue', options.maxQueue ?? 50_000);
    this.windowMs = positiveInteger('windowMs', options.windowMs ?? 100, MAX_WINDOW_MS);
    this.maxBatch = positiveInteger('maxBatch', options.maxBatch ?? 250);
    this.retryInitialMs = positiveInteger('retryInitialMs', options.retryInitialMs ?? 100);
    this.retryMaxMs = positiveInteger('retryMaxMs', options.retryMaxMs ?? 5000);
  }

  /** Queues a record; false when it was dropped (queue full, writer closed) or rejected (invalid). */
  append(record: LedgerRecord): boolean {
    if (this.closing !== undefined || this.queue.size >= this.maxQueue) {
      this.counters.dropped += 1;
      return false;
    }
    const problem = ledgerRecordProblem(record);
    if (problem !== undefined) {
      this.counters.rejected += 1;
      this.options.onReject?.(record, problem);
      return false;
    }
    this.queue.push(record, performance.now());
    this.schedule();
    return true;
  }

  stats(): LedgerWriterStats {
    const oldest = this.queue.oldestQueuedAt();
    return {
      queued: this.queue.size,
      lagMs: oldest === undefined ? 0 : Math.round(performance.now() - oldest),
      ...this.counters,
      lastError: this.lastError,
    };
  }

  /**
   * Stops accepting records and writes everything queued, retrying failures until `timeoutMs`
   * (default 10,000) has passed. The returned stats' `queued` is what could not be written.
   * Does not close the store.
   */
  close(options: { timeoutMs?: number } = {}): Promise<LedgerWriterStats> {
    this.closing ??= this.finish(options.timeoutMs ?? 10_000);
    return this.closing;
  }

  private schedule(): void {
    // A running drain or a pending retry will pick the record up.
    if (this.draining !== undefined || this.retryTimer !== undefined || this.closing !== undefined) return;
    if (this.queue.size >= this.maxBatch) {
      clearTimeout(this.windowTimer);
      this.windowTimer = undefined;
      this.immediate ??= setImmediate(() => this.start());
    } else {
      this.windowTimer ??= setTimeout(() => this.start(), this.windowMs);
    }
  }

  private start(): void {
    clearTimeout(this.windowTimer);
    clearImmediate(this.immediate);
    this.windowTimer = undefined;
    this.immediate = undefined;
    if (this.draining !== undefined || this.closing !== undefined) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.size > 0) this.schedule();
    });
  }

  /**
   * Writes what was due when it started, and any full batches; records appended meanwhile wait
   * for their own window, so a steady trickle is written in batches rather than one by one.
   */
  private async drain(): Promise<void> {
    let due = this.queue.size;
    while (due > 0 || this.queue.size >= this.maxBatch) {
      const written = await this.writeBatch();
      if (written === 0) {
        if (this.closing === undefined) this.retryTimer = setTimeout(() => this.retry(), this.backoffMs());
        return;
      }
      due -= written;
      // Give requests the event loop between batches (SQLite writes are synchronous).
      if (this.queue.size > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private retry(): void {
    this.retryTimer = undefined;
    this.start();
  }

  /** Writes one batch from the head; the number written, 0 when the write failed. */
  private async writeBatch(): Promise<number> {
    const batch = this.queue.peek(this.maxBatch);
    if (batch.length === 0) return 0;
    try {
      await this.sink.insertBatch(batch);
    } catch (error) {
      this.counters.failedFlushes += 1;
      this.consecutiveFailures += 1;
      this.lastError = error instanceof Error ? error.message : String(error);
      this.options.onWriteError?.(error);
      return 0;
    }
    this.queue.remove(batch.length);
    this.counters.written += batch.length;
    this.consecutiveFailures = 0;
    this.lastError = null;
    return batch.length;
  }

  /** Exponential, with ±20% jitter so replicas recovering together do not retry in step. */
  private backoffMs(): number {
    const base = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(30, this.consecutiveFailures - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private async finish(timeoutMs: number): Promise<LedgerWriterStats> {
    clearTimeout(this.windowTimer);
    clearTimeout(this.retryTimer);
    clearImmediate(this.immediate);
    this.windowTimer = this.retryTimer = this.immediate = undefined;
    const deadline = performance.now() + timeoutMs;
    await this.draining;
    while (this.queue.size > 0) {
      if ((await this.writeBatch()) > 0) continue;
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      await sleep(Math.min(this.backoffMs(), remaining));
    }
    return this.stats();
  }
}
