/** The contract every benchmarked subject fulfils. */
import type { BenchOptions } from '../options.js';

export interface SubjectContext {
  /** Origin of the shared upstream, e.g. http://127.0.0.1:41234 */
  upstreamOrigin: string;
  upstreamPid: number;
  /** A fresh temp folder for this run (configs, logs). */
  tempDir: string;
  /** Repository root (where bin/switchyard.js and .bench-cache live). */
  repoRoot: string;
  options: BenchOptions;
  progress: (message: string) => void;
}

export interface RunningSubject {
  /** Origin clients send to, e.g. http://127.0.0.1:41235 */
  origin: string;
  /** Path of the chat endpoint on that origin. */
  path: string;
  /** Headers every request to this subject carries (auth, provider routing). */
  headers: Record<string, string>;
  /** The process whose CPU and memory are measured (its descendants are counted too). */
  pid: number;
  stop(): Promise<void>;
}

export interface SubjectDefinition {
  id: string;
  label: string;
  /** One line for the report: what this subject is. */
  description: string;
  /** Starts the subject; throws SubjectSkipped when it cannot run here (with the reason). */
  start(context: SubjectContext): Promise<RunningSubject>;
}

/** A subject that cannot run on this machine now (not installed, not built yet): reported, not fatal. */
export class SubjectSkipped extends Error {
  override readonly name = 'SubjectSkipped';
}
