import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openLedgerStore } from './open-store.js';
import { ledgerRecordProblem, ledgerTokensFromUsage, type LedgerRecord } from './record.js';
import type { LedgerStore } from './store.js';
import { makeRecord, numberedRecords } from './testing/records.js';
import { LedgerWriter } from './writer.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LedgerWriter', () => {
  let store: LedgerStore;
  beforeEach(async () => {
    store = await openLedgerStore(':memory:');
  });
  afterEach(() => store.close());

  it('refuses invalid records alone and writes the valid ones', async () => {
    const problems: string[] = [];
    const writer = new LedgerWriter(store, { onReject: (_record, problem) => problems.push(problem) });
    const bad = [
      makeRecord({ input_tokens: -1 }),
      makeRecord({ cost_micros: 1.5 }),
      makeRecord({ attempt: 0 }),
      { ...makeRecord(), model: undefined } as unknown as LedgerRecord,
    ];
    assert.deepEqual([...bad.map((record) => writer.append(record)), writer.append(makeRecord())], [false, false, false, false, true]);
    assert.deepEqual(problems, [
      'input_tokens must be a non-negative integer',
      'cost_micros must be a non-negative integer or null',
      'attempt must be 1 or more',
      'model must be a string',
    ]);
    const stats = await writer.close();
    assert.equal(stats.rejected, 4);
    assert.equal(stats.written, 1);
  });

  it('writes a full batch at once and leaves a partial one for its window', async () => {
    const writer = new LedgerWriter(store, { windowMs: 200, maxBatch: 100 });
    for (const record of numberedRecords(99)) writer.append(record);
    await nextTurn();
    await nextTurn();
    assert.equal(writer.stats().written, 0);
    assert.equal(writer.stats().queued, 99);
    writer.append(makeRecord());
    await nextTurn();
    await nextTurn();
    assert.equal(writer.stats().written, 100);
    await writer.close();
  });

  it('reports the age of the oldest queued record as lag', async () => {
    const writer = new LedgerWriter(store, { windowMs: 200 });
    writer.append(makeRecord());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { lagMs, queued } = writer.stats();
    assert.equal(queued, 1);
    assert.ok(lagMs >= 15, `lag ${lagMs} ms`);
    assert.equal((await writer.close()).lagMs, 0);
  });

  it('gives up at the close deadline and reports what it could not write', async () => {
    await store.close();
    const writer = new LedgerWriter(store, { retryInitialMs: 10 });
    writer.append(makeRecord());
    const stats = await writer.close({ timeoutMs: 50 });
    assert.equal(stats.queued, 1);
    assert.equal(stats.written, 0);
    assert.ok(stats.failedFlushes >= 1);
    assert.match(stats.lastError ?? '', /not open/);
    store = await openLedgerStore(':memory:');
  });

  it('refuses a window over 200 ms and other nonsense options', () => {
    assert.throws(() => new LedgerWriter(store, { windowMs: 500 }), /windowMs must be an integer from 1 to 200/);
    assert.throws(() => new LedgerWriter(store, { maxQueue: 0 }), /maxQueue/);
    assert.throws(() => new LedgerWriter(store, { maxBatch: 1.5 }), /maxBatch/);
  });
});

describe('ledger records', () => {
  it('accepts fractional durations and rejects non-HTTP statuses', () => {
    assert.equal(ledgerRecordProblem(makeRecord({ latency_ms: 12.34, ttft_ms: 0.5 })), undefined);
    assert.equal(ledgerRecordProblem(makeRecord({ status: null, error_class: 'timeout' })), undefined);
    assert.equal(ledgerRecordProblem(makeRecord({ status: 42 })), 'status must be an HTTP status or null');
    assert.equal(ledgerRecordProblem(makeRecord({ streamed: 1 as unknown as boolean })), 'streamed must be a boolean');
  });

  it('takes its token fields from the canonical usage', () => {
    assert.deepEqual(ledgerTokensFromUsage({ inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, cacheWriteTokens: 3, reasoningTokens: 2 }), {
      input_tokens: 10,
      output_tokens: 5,
      cached_input_tokens: 4,
      cache_write_tokens: 3,
      cache_write_1h_tokens: 0,
      reasoning_tokens: 2,
    });
  });
});
