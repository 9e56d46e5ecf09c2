/**
 * The timed phases of an interleaved round, each run by a load-generator child pinned beside the
 * emulator (load/*.ts), and each reporting how much CPU other processes took meanwhile:
 * - saturation: autocannon, closed loop: requests/s, p50/p99, and the subject's CPU per request;
 * - paced: an open-loop sender at a fixed rate: p50/p99 from each request's due time;
 * - first byte: sequential streams on one keep-alive connection: time to the first body byte.
 */
import { runPaced, runSaturate, runTtfb } from '../load/run-load.js';
import type { Target } from '../load/protocol.js';
import { NOISY_PERCENT, waitForQuietMachine, watchForeignCpu } from '../metrics/machine.js';
import { cpuMicros } from '../metrics/proc.js';

export interface SaturationFigures {
  requestsPerSecond: number;
  /** Closed-loop latency (autocannon): mostly queueing behind the other connections. */
  p50Ms: number;
  p99Ms: number;
  ok: number;
  /** Non-2xx answers, errors and timeouts. */
  failed: number;
  /** The subject's user + system CPU per 2xx answer, its descendants included. */
  cpuMicrosPerRequest: number;
  /** The subject's CPU over the run, percent of one core: near 100 means it was the bottleneck. */
  subjectCpuPercent: number;
  /** The emulator's CPU over the run, percent of one core (it shares its core with the load generator). */
  upstreamCpuPercent: number;
  foreignCpuPercent: number;
}

export interface PacedFigures {
  rate: number;
  achievedRate: number;
  /** From each request's due time (coordinated-omission aware). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  failed: number;
  foreignCpuPercent: number;
}

export interface FirstByteFigures {
  p50Ms: number;
  p99Ms: number;
  samples: number;
  failures: number;
  firstFailure: string | null;
  foreignCpuPercent: number;
}

/** The processes whose CPU a saturation run measures. */
export interface MeasuredPids {
  subject: number;
  upstream: number;
}

export async function saturate(target: Target, body: string, pids: MeasuredPids, load: { connections: number; seconds: number }): Promise<SaturationFigures> {
  const foreign = watchForeignCpu();
  const cpuBefore = cpuMicros(pids.subject);
  const upstreamBefore = cpuMicros(pids.upstream);
  const result = await runSaturate({ target, body, connections: load.connections, durationSeconds: load.seconds });
  const cpuSpent = cpuMicros(pids.subject) - cpuBefore;
  const upstreamSpent = cpuMicros(pids.upstream) - upstreamBefore;
  const wallMicros = result.durationSeconds * 1_000_000;
  return {
    requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.latencyP50Ms,
    p99Ms: result.latencyP99Ms,
    ok: result.ok,
    failed: result.non2xx + result.errors + result.timeouts,
    cpuMicrosPerRequest: result.ok > 0 ? cpuSpent / result.ok : Number.NaN,
    subjectCpuPercent: wallMicros > 0 ? (cpuSpent / wallMicros) * 100 : Number.NaN,
    upstreamCpuPercent: wallMicros > 0 ? (upstreamSpent / wallMicros) * 100 : Number.NaN,
    foreignCpuPercent: foreign.stop(),
  };
}

export async function paced(target: Target, body: string, load: { rate: number; seconds: number }): Promise<PacedFigures> {
  const foreign = watchForeignCpu();
  const result = await runPaced({ target, body, rate: load.rate, warmupSeconds: 0.5, seconds: load.seconds, connections: 64 });
  return {
    rate: load.rate,
    achievedRate: result.achievedRate,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    maxMs: result.maxMs,
    failed: result.failed,
    foreignCpuPercent: foreign.stop(),
  };
}

export async function firstByte(target: Target, body: string, streamEnd: string, load: { requests: number; warmup: number }): Promise<FirstByteFigures> {
  const foreign = watchForeignCpu();
  const result = await runTtfb({ target, body, streamEnd, requests: load.requests, warmup: load.warmup });
  return {
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    samples: result.samples,
    failures: result.failures,
    firstFailure: result.firstFailure,
    foreignCpuPercent: foreign.stop(),
  };
}

/** Throws when a phase had failed requests: a subject that errors must not look fast. */
export function requireClean(label: string, figures: { failed?: number; failures?: number; firstFailure?: string | null }): void {
  const failed = figures.failed ?? figures.failures ?? 0;
  if (failed > 0) throw new Error(`${label}: ${failed} failed requests${figures.firstFailure ? ` (first: ${figures.firstFailure})` : ''}`);
}

/**
 * Before a round: waits (at most `maxSeconds`) until other processes use less than NOISY_PERCENT of
 * a core, and says so when they still do. Interleaving, not waiting, is what keeps ratios fair; the
 * wait only spares a round the worst of a burst.
 */
export async function waitForQuieterMachine(maxSeconds: number, log: (line: string) => void, round: number): Promise<void> {
  if (maxSeconds <= 0) return;
  const percent = await waitForQuietMachine(NOISY_PERCENT, maxSeconds * 1000, () => undefined);
  if (percent >= NOISY_PERCENT) log(`round ${round}: other processes still use ${percent.toFixed(0)}% of a core after waiting up to ${maxSeconds} s; measuring anyway`);
}
