/**
 * Child processes of the benchmark: spawned pinned to a core with `taskset`, each in its own process
 * group, tracked in one registry and all killed at the end, on error and on SIGINT/SIGTERM.
 * A child is started as `sh -c 'ulimit -n <hard>; exec taskset -c N node ...'`, so its pid is node's.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The core of each side: the subject alone on one, upstream + load generator on the other. */
export const SUBJECT_CORE = 1;
export const LOAD_CORE = 0;

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or null when killed by a signal). */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /** The last few KB of stderr, for error messages. */
  stderrTail(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** Arguments after `node`. */
  nodeArgs: string[];
  core: number;
  cwd?: string;
  env?: Record<string, string>;
  /** 'pipe' to read lines (upstream, load generators); 'ignore' for subjects that log per request. */
  stdout: 'pipe' | 'ignore';
}

const running = new Set<Child>();
let tasksetChecked: boolean | undefined;

/** Whether `taskset` (util-linux) can pin processes here. */
export function tasksetAvailable(): boolean {
  tasksetChecked ??= spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
  return tasksetChecked;
}

/** The open-file limit children get (the hard limit; 1,000 streams need ~2,100 descriptors in a proxy). */
export function childOpenFileLimit(): string {
  const result = spawnSync('sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; ulimit -n'], { encoding: 'utf8' });
  return result.stdout.trim();
}

/** Root of the repository (the folder whose package.json is named "switchyard"). */
export function repoRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    if (existsSync(join(folder, 'package.json')) && existsSync(join(folder, 'bench'))) return folder;
    folder = dirname(folder);
  }
  return process.cwd();
}

/**
 * `node` arguments that run a script of this benchmark given its path under bench/ without extension
 * (e.g. 'load/saturate'): the compiled .js next to this file, or the .ts through tsx in development.
 */
export function benchScript(relative: string): string[] {
  const here = fileURLToPath(import.meta.url);
  const benchFolder = resolve(dirname(here), '..');
  if (here.endsWith('.ts')) return ['--import', 'tsx', join(benchFolder, `${relative}.ts`)];
  return [join(benchFolder, `${relative}.js`)];
}

export function spawnChild(options: SpawnOptions): Child {
  const pin = tasksetAvailable() ? `exec taskset -c ${options.core} "$@"` : 'exec "$@"';
  const script = `ulimit -n "$(ulimit -Hn)" 2>/dev/null; ${pin}`;
  const child = spawn('sh', ['-c', script, 'sh', process.execPath, ...options.nodeArgs], {
    cwd: options.cwd ?? repoRoot(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.stdout, 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${options.name}`);
  const pid = child.pid;
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  let exited = false;
  const exitedPromise = new Promise<number | null>((resolveExit) => {
    child.on('exit', (code) => {
      exited = true;
      resolveExit(code);
    });
  });
  const handle: Child = {
    name: options.name,
    pid,
    process: child,
    exited: exitedPromise,
    hasExited: () => exited,
    stderrTail: () => stderr.trim(),
    stop: async () => {
      running.delete(handle);
      if (exited) return;
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 2000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
  running.add(handle);
  void exitedPromise.then(() => running.delete(handle));
  return handle;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Stops every child still running (bounded: SIGKILL after 2 s each). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

/** Synchronous last resort for process exit: SIGKILL every child group still registered. */
function killAllNow(): void {
  for (const child of running) signalGroup(child.pid, 'SIGKILL');
  running.clear();
}

export function installCleanupHandlers(): void {
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stdout.write(`\n[bench] ${signal}: stopping all child processes\n`);
      void stopAllChildren().finally(() => process.exit(130));
    });
  }
}

/** The first stdout line of a child that parses as JSON, or an error on exit/timeout. */
export function readJsonLine(child: Child, timeoutMs: number): Promise<unknown> {
  return new Promise((resolveLine, reject) => {
    const stream = child.process.stdout;
    if (stream === null) {
      reject(new Error(`${child.name} has no stdout pipe`));
      return;
    }
    let buffer = '';
    const cleanup = (): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      child.process.off('exit', onExit);
    };
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line.startsWith('{')) {
          try {
            const value: unknown = JSON.parse(line);
            cleanup();
            resolveLine(value);
            return;
          } catch {
            // not our line; keep reading
          }
        }
        newline = buffer.indexOf('\n');
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`${child.name} exited (code ${String(code)}) before printing its result: ${child.stderrTail()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${child.name} printed no result within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    stream.on('data', onData);
    child.process.on('exit', onExit);
  });
}
