/**
 * How busy the machine is with work that is not ours. The benchmark shares its two cores with
 * whatever else runs (a build, a test suite); that work steals time from the subject and skews every
 * number, so each subject waits for a quiet machine first and the report says how much foreign CPU
 * ran during each measurement.
 */
import { readFileSync } from 'node:fs';
import { processTree } from './proc.js';

const TICKS_PER_SECOND = 100;

/** Foreign CPU (percent of one core) above which a measurement is flagged as noisy. */
export const NOISY_PERCENT = 10;

/** Busy CPU time of the whole machine (user + nice + system + irq + softirq), microseconds. */
function machineBusyMicros(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = (fields[0] ?? 0) + (fields[1] ?? 0) + (fields[2] ?? 0) + (fields[5] ?? 0) + (fields[6] ?? 0);
    return (busy / TICKS_PER_SECOND) * 1_000_000;
  } catch {
    return 0;
  }
}

/** CPU of this orchestrator, its live descendants, and the children it already reaped (cutime/cstime). */
function ownMicros(): number {
  let ticks = 0;
  for (const pid of processTree(process.pid)) {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // utime(11) stime(12) cutime(13) cstime(14), counted after the state field.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // exited between listing and reading
    }
  }
  return (ticks / TICKS_PER_SECOND) * 1_000_000;
}

export interface ForeignCpuWindow {
  /** Foreign CPU since the window opened, as percent of one core. */
  stop(): number;
}

/** Opens a window; stop() returns other processes' CPU during it, in percent of one core. */
export function watchForeignCpu(): ForeignCpuWindow {
  const startedAt = performance.now();
  const machineStart = machineBusyMicros();
  const ownStart = ownMicros();
  return {
    stop: () => {
      const wallMicros = (performance.now() - startedAt) * 1000;
      const foreign = machineBusyMicros() - machineStart - (ownMicros() - ownStart);
      return wallMicros > 0 ? Math.max(0, (foreign / wallMicros) * 100) : 0;
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Waits (1 s samples, at most `maxWaitMs`) until other processes use less than `thresholdPercent`
 * of a core. Returns the last sample, so the caller can say how busy it still was.
 */
export async function waitForQuietMachine(thresholdPercent: number, maxWaitMs: number, onWait: (percent: number) => void): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let percent = 0;
  let told = false;
  for (let sample = 0; sample < 600; sample += 1) {
    const window = watchForeignCpu();
    await sleep(1000);
    percent = window.stop();
    if (percent < thresholdPercent || Date.now() >= deadline) return percent;
    if (!told) {
      onWait(percent);
      told = true;
    }
  }
  return percent;
}
