/**
 * What the orchestrator passes to each load-generator child (as one JSON argument) and what the
 * child prints back (one JSON line on stdout). Load generators run in their own processes, pinned
 * beside the upstream, so the orchestrator never competes with the subject for a core.
 */

/** Where and how to send the chat request. */
export interface Target {
  /** e.g. http://127.0.0.1:4000 (no trailing slash). */
  origin: string;
  /** e.g. /v1/chat/completions */
  path: string;
  headers: Record<string, string>;
}

export interface SaturateConfig {
  target: Target;
  body: string;
  connections: number;
  durationSeconds: number;
}

export interface SaturateResult {
  durationSeconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

export interface PacedConfig {
  target: Target;
  body: string;
  rate: number;
  warmupSeconds: number;
  seconds: number;
  connections: number;
}

export interface PacedResult {
  sent: number;
  ok: number;
  failed: number;
  achievedRate: number;
  /** Latency from the intended send time (coordinated-omission aware). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Latency from the actual send time (what a closed-loop tool would report). */
  rawP50Ms: number;
  rawP99Ms: number;
  /** Worst delay of the sender itself behind its schedule (a check that the generator kept up). */
  maxSenderLagMs: number;
}

export interface TtfbConfig {
  target: Target;
  body: string;
  warmup: number;
  requests: number;
  /**
   * Text a complete stream contains (e.g. `data: [DONE]`, `event: message_stop`). When given, a
   * stream counts as intact when it has it; when absent, it must be the bench upstream's exact
   * 50-chunk stream (lib/openai-stream.ts).
   */
  streamEnd?: string;
}

export interface TtfbResult {
  samples: number;
  failures: number;
  firstFailure: string | null;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export interface StreamsConfig {
  target: Target;
  body: string;
  streams: number;
  /** Streams opened per 10 ms while ramping up (avoids a SYN burst past the listen backlog). */
  rampPer10Ms: number;
  timeoutMs: number;
}

export interface StreamsResult {
  opened: number;
  completed: number;
  intact: number;
  failures: number;
  firstFailure: string | null;
  maxConcurrent: number;
  durationMs: number;
}
