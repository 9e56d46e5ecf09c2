/** The shape of bench/results/latest.json: everything measured in one run. */
import type { CheckResult } from './correctness.js';
import type { PacedResult, SaturateResult, StreamsResult, TtfbResult } from './load/protocol.js';
import type { BenchOptions } from './options.js';

export interface SaturationMeasurement extends SaturateResult {
  /** CPU time (user + system) of the subject's process tree per 2xx answer. */
  cpuMicrosPerRequest: number;
  /** Subject CPU time / wall time of the run: near 100% means the subject, not the load side, was the limit. */
  subjectCpuBusyPercent: number;
  /** Requests the upstream received during the run (a subject answering without the upstream would show here). */
  upstreamRequests: number;
}

export interface TtfbMeasurement extends TtfbResult {
  /** Direct to the upstream, measured right before the subject. */
  directP50Ms: number;
  directP99Ms: number;
  /** Subject median minus the direct median. */
  addedP50Ms: number;
  /** Subject p99 minus the direct p99. */
  addedP99Ms: number;
}

export interface MemoryMeasurement {
  /** RSS right after start and the correctness check. */
  idleRssBytes: number;
  /** Peak RSS while the streams were open: kernel VmHWM after a reset, or the sampled maximum. */
  peakRssBytes: number;
  /** How the peak was taken. */
  peakSource: 'VmHWM' | 'sampled VmRSS';
  streams: StreamsResult;
  /** Most streams the upstream had open at once (proves they were concurrent end to end). */
  upstreamMaxOpen: number;
}

export interface SubjectResult {
  id: string;
  label: string;
  description: string;
  status: 'measured' | 'skipped' | 'failed';
  reason: string | null;
  check: CheckResult | null;
  memory: MemoryMeasurement | null;
  saturation: SaturationMeasurement | null;
  paced: PacedResult | null;
  ttfb: TtfbMeasurement | null;
  /** Phases that failed (the others still ran). */
  errors: string[];
  /** CPU other processes on the machine used during each phase, percent of one core (noise gauge). */
  foreignCpuPercent: Record<string, number>;
}

export interface RunEnvironment {
  startedAt: string;
  finishedAt: string;
  node: string;
  cpuModel: string;
  cores: number;
  pinned: boolean;
  pinning: string;
  openFileLimit: string;
  loadGenerator: string;
  options: BenchOptions;
}

export interface TargetVerdict {
  name: string;
  goal: string;
  measured: string;
  verdict: 'PASS' | 'FAIL' | 'NOT MEASURED';
}

export interface BenchReport {
  environment: RunEnvironment;
  referenceSubject: string;
  subjects: SubjectResult[];
  targets: TargetVerdict[];
}
