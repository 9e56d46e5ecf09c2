/** The environment line, progress output, number formats and result files of the interleaved benchmarks. */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { childOpenFileLimit, installCleanupHandlers, LOAD_CORE, repoRoot, SUBJECT_CORE, tasksetAvailable } from '../lib/children.js';

export interface Environment {
  startedAt: string;
  finishedAt: string;
  node: string;
  cpuModel: string;
  cores: number;
  pinning: string;
  openFileLimit: string;
  /** 1-minute load average at the start and at the end (other work on the machine shows here). */
  loadAverageAtStart: number;
  loadAverageAtEnd: number;
}

export function describeEnvironment(): Environment {
  const pinned = tasksetAvailable();
  return {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    node: process.version,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    pinning: pinned
      ? `subjects on core ${SUBJECT_CORE}; emulator, load generators and orchestrator on core ${LOAD_CORE} (taskset)`
      : 'taskset not found: processes ran unpinned',
    openFileLimit: childOpenFileLimit(),
    loadAverageAtStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    loadAverageAtEnd: Number.NaN,
  };
}

/**
 * What every interleaved benchmark does first: children are stopped however it ends, the
 * orchestrator moves to the load core, and the environment is logged and returned.
 */
export function startOrchestrator(log: (line: string) => void): Environment {
  installCleanupHandlers();
  const environment = describeEnvironment();
  if (tasksetAvailable()) spawnSync('taskset', ['-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  log(`${environment.cpuModel}, ${environment.cores} cores, Node ${environment.node}; ${environment.pinning}; load average ${environment.loadAverageAtStart}`);
  return environment;
}

export function finishEnvironment(environment: Environment): void {
  environment.finishedAt = new Date().toISOString();
  environment.loadAverageAtEnd = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}

/** Progress goes to stderr, one line at a time, so stdout stays the report. */
export function progressLogger(prefix: string): (line: string) => void {
  return (line) => {
    process.stderr.write(`[${prefix}] ${line}\n`);
  };
}

/** `1,234` / `1.23`: thousands separators, fixed decimals; NaN as an en dash. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(3)}×` : '–';
}

/** `+0.12` / `−0.05` ms. */
export function formatDelta(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '–';
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
}

/** Writes bench/results/<name>.{md,json,svg}; returns the paths. */
export async function writeResultFiles(name: string, files: { markdown: string; json: unknown; svg: string }): Promise<string[]> {
  const folder = join(repoRoot(), 'bench', 'results');
  await mkdir(folder, { recursive: true });
  const paths = ['md', 'json', 'svg'].map((extension) => join(folder, `${name}.${extension}`));
  const [markdownPath, jsonPath, svgPath] = paths as [string, string, string];
  await writeFile(markdownPath, files.markdown);
  await writeFile(jsonPath, `${JSON.stringify(files.json, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`);
  await writeFile(svgPath, files.svg);
  return paths;
}
