/**
 * The timed phases of one subject, in order: memory under 1,000 slow streams (first, on a fresh
 * process), saturation with CPU per request, latency at a fixed rate, time to first byte.
 * A failing phase is recorded and the next one still runs.
 */
import { chatRequestBody } from './fixtures.js';
import { getJson, postJson } from './lib/http.js';
import { runPaced, runSaturate, runStreams, runTtfb } from './load/run-load.js';
import type { Target, TtfbResult } from './load/protocol.js';
import { NOISY_PERCENT, watchForeignCpu } from './metrics/machine.js';
import { cpuMicros, peakRssBytes, resetPeakRss, rssBytes, startRssSampler } from './metrics/proc.js';
import type { BenchOptions } from './options.js';
import type { MemoryMeasurement, SaturationMeasurement, SubjectResult, TtfbMeasurement } from './results.js';
import type { RunningSubject } from './subjects/types.js';

export interface PhaseContext {
  upstreamOrigin: string;
  options: BenchOptions;
  /** The upstream itself, for the direct half of each TTFB pair. */
  directTarget: Target;
  progress: (message: string) => void;
}

const targetOf = (subject: RunningSubject): Target => ({ origin: subject.origin, path: subject.path, headers: subject.headers });

async function upstreamRequests(upstreamOrigin: string): Promise<number> {
  const stats = (await getJson(`${upstreamOrigin}/__bench/stats`)) as { requests?: number; streamsMaxOpen?: number };
  return stats.requests ?? 0;
}

export async function measureMemory(subject: RunningSubject, context: PhaseContext): Promise<MemoryMeasurement> {
  const { options } = context;
  await postJson(`${context.upstreamOrigin}/__bench/config`, { chunkIntervalMs: options.streamChunkIntervalMs, reset: true });
  try {
    const idleRssBytes = rssBytes(subject.pid);
    const hwmReset = resetPeakRss(subject.pid);
    const sampler = startRssSampler(subject.pid, 50);
    const streams = await runStreams({
      target: targetOf(subject),
      body: chatRequestBody(true),
      streams: options.streams,
      rampPer10Ms: 50,
      timeoutMs: options.streamChunkIntervalMs * 60 + 30_000,
    });
    const sampled = sampler.stop();
    const hwm = hwmReset ? peakRssBytes(subject.pid) : 0;
    const stats = (await getJson(`${context.upstreamOrigin}/__bench/stats`)) as { streamsMaxOpen?: number };
    return {
      idleRssBytes,
      peakRssBytes: Math.max(hwm, sampled),
      peakSource: hwmReset ? 'VmHWM' : 'sampled VmRSS',
      streams,
      upstreamMaxOpen: stats.streamsMaxOpen ?? 0,
    };
  } finally {
    await postJson(`${context.upstreamOrigin}/__bench/config`, { chunkIntervalMs: 0, reset: true });
  }
}

export async function measureSaturation(subject: RunningSubject, context: PhaseContext): Promise<SaturationMeasurement> {
  const { options } = context;
  const base = { target: targetOf(subject), body: chatRequestBody(false), connections: options.connections };
  await runSaturate({ ...base, durationSeconds: options.warmupSeconds });
  const upstreamBefore = await upstreamRequests(context.upstreamOrigin);
  const cpuBefore = cpuMicros(subject.pid);
  const result = await runSaturate({ ...base, durationSeconds: options.durationSeconds });
  const cpuSpent = cpuMicros(subject.pid) - cpuBefore;
  const upstreamAfter = await upstreamRequests(context.upstreamOrigin);
  return {
    ...result,
    cpuMicrosPerRequest: result.ok > 0 ? cpuSpent / result.ok : Number.NaN,
    subjectCpuBusyPercent: result.durationSeconds > 0 ? (cpuSpent / (result.durationSeconds * 1_000_000)) * 100 : Number.NaN,
    // The two control calls themselves are not counted by the upstream (they are not chat requests).
    upstreamRequests: upstreamAfter - upstreamBefore,
  };
}

export function measureTtfb(target: Target, options: BenchOptions): Promise<TtfbResult> {
  return runTtfb({ target, body: chatRequestBody(true), warmup: options.ttfbWarmup, requests: options.ttfbRequests });
}

export async function measureSubject(subject: RunningSubject, result: SubjectResult, context: PhaseContext): Promise<void> {
  const { options, progress } = context;
  const phase = async (name: string, run: () => Promise<void>): Promise<void> => {
    const foreign = watchForeignCpu();
    try {
      await run();
    } catch (error) {
      const message = `${name}: ${error instanceof Error ? error.message : String(error)}`;
      result.errors.push(message);
      progress(`  ! ${message}`);
    }
    const percent = foreign.stop();
    result.foreignCpuPercent[name] = Math.round(percent);
    if (percent >= NOISY_PERCENT) progress(`    (other processes used ${percent.toFixed(0)}% of a core during this phase: numbers are noisy)`);
  };
  await phase('memory', async () => {
    progress(`  memory: ${options.streams} concurrent slow streams (one chunk / ${options.streamChunkIntervalMs} ms)`);
    result.memory = await measureMemory(subject, context);
    const memory = result.memory;
    progress(
      `    peak RSS ${(memory.peakRssBytes / 1048576).toFixed(1)} MB (idle ${(memory.idleRssBytes / 1048576).toFixed(1)} MB), ${memory.streams.intact}/${options.streams} streams intact, ${memory.upstreamMaxOpen} open at once upstream`,
    );
  });
  await phase('saturation', async () => {
    progress(`  saturation: ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s`);
    result.saturation = await measureSaturation(subject, context);
    const saturation = result.saturation;
    progress(
      `    ${saturation.requestsPerSecond.toFixed(0)} req/s, ${saturation.cpuMicrosPerRequest.toFixed(0)} µs CPU/request, subject CPU ${saturation.subjectCpuBusyPercent.toFixed(0)}%, ${saturation.non2xx + saturation.errors + saturation.timeouts} errors`,
    );
  });
  await phase('latency', async () => {
    progress(`  latency: open loop at ${options.pacedRate} req/s for ${options.pacedSeconds} s (+1 s warm-up)`);
    result.paced = await runPaced({
      target: targetOf(subject),
      body: chatRequestBody(false),
      rate: options.pacedRate,
      warmupSeconds: 1,
      seconds: options.pacedSeconds,
      connections: 64,
    });
    const paced = result.paced;
    progress(`    p50 ${paced.p50Ms.toFixed(2)} ms, p99 ${paced.p99Ms.toFixed(2)} ms, ${paced.achievedRate.toFixed(0)} req/s answered, ${paced.failed} failed`);
  });
  await phase('ttfb', async () => {
    // Direct and subject are measured back to back, so "added" compares like with like.
    progress(`  time to first byte: ${options.ttfbRequests} sequential streams direct, then ${options.ttfbRequests} through the subject`);
    const direct = await measureTtfb(context.directTarget, options);
    const ttfb = await measureTtfb(targetOf(subject), options);
    const measurement: TtfbMeasurement = {
      ...ttfb,
      directP50Ms: direct.p50Ms,
      directP99Ms: direct.p99Ms,
      addedP50Ms: ttfb.p50Ms - direct.p50Ms,
      addedP99Ms: ttfb.p99Ms - direct.p99Ms,
    };
    result.ttfb = measurement;
    progress(
      `    p50 ${ttfb.p50Ms.toFixed(3)} ms (direct ${direct.p50Ms.toFixed(3)}, added ${measurement.addedP50Ms.toFixed(3)}), p99 ${ttfb.p99Ms.toFixed(3)} ms (direct ${direct.p99Ms.toFixed(3)}), ${ttfb.failures} failures`,
    );
  });
}
