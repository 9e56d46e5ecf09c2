/**
 * Load child: open-loop latency at a fixed rate (default 500 req/s). Request i is due at
 * start + i / rate whether or not earlier ones have answered, and its latency is measured from that
 * due time, so a stall shows up in the percentiles instead of silently slowing the sender
 * (coordinated omission). Latency from the actual send time is reported beside it.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { summarize } from '../metrics/stats.js';
import { runLoadChild } from './child-main.js';
import type { PacedConfig, PacedResult } from './protocol.js';

async function paced(config: PacedConfig): Promise<PacedResult> {
  const pool = new Pool(config.target.origin, {
    connections: config.connections,
    pipelining: 1,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const headers = { 'content-type': 'application/json', ...config.target.headers };
  const intervalMs = 1000 / config.rate;
  const warmupCount = Math.round(config.rate * config.warmupSeconds);
  const total = warmupCount + Math.round(config.rate * config.seconds);
  let measuredSent = 0;
  let firstSentAt = Number.NaN;
  let lastDoneAt = Number.NaN;
  const fromSchedule: number[] = [];
  const fromSend: number[] = [];
  let ok = 0;
  let failed = 0;
  let maxSenderLagMs = 0;
  let settled = 0;

  const send = async (index: number, dueAt: number): Promise<void> => {
    const sentAt = performance.now();
    try {
      const response = await pool.request({ path: config.target.path, method: 'POST', headers, body: config.body });
      await response.body.text();
      const doneAt = performance.now();
      if (response.statusCode !== 200) failed += 1;
      else if (index >= warmupCount) {
        ok += 1;
        lastDoneAt = Number.isNaN(lastDoneAt) ? doneAt : Math.max(lastDoneAt, doneAt);
        fromSchedule.push(doneAt - dueAt);
        fromSend.push(doneAt - sentAt);
      }
    } catch {
      failed += 1;
    }
  };

  const start = performance.now() + 5;
  let next = 0;
  await new Promise<void>((resolveAll) => {
    const onSettled = (): void => {
      settled += 1;
      if (settled === total) resolveAll();
    };
    const pump = (): void => {
      const now = performance.now();
      while (next < total) {
        const dueAt = start + next * intervalMs;
        if (dueAt > now) break;
        maxSenderLagMs = Math.max(maxSenderLagMs, now - dueAt);
        if (next >= warmupCount) {
          measuredSent += 1;
          if (Number.isNaN(firstSentAt)) firstSentAt = now;
        }
        void send(next, dueAt).finally(onSettled);
        next += 1;
      }
      if (next < total) setTimeout(pump, Math.max(0, start + next * intervalMs - performance.now()));
    };
    pump();
  });
  await pool.close();
  const measured = summarize(fromSchedule);
  const raw = summarize(fromSend);
  const spanSeconds = (lastDoneAt - firstSentAt) / 1000;
  return {
    sent: measuredSent,
    ok,
    failed,
    // Answers per second over the measured window: below the target rate means the subject fell behind.
    achievedRate: spanSeconds > 0 ? ok / spanSeconds : 0,
    p50Ms: measured.p50,
    p99Ms: measured.p99,
    maxMs: measured.max,
    rawP50Ms: raw.p50,
    rawP99Ms: raw.p99,
    maxSenderLagMs,
  };
}

runLoadChild(paced);
