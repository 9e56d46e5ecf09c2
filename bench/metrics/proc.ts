/**
 * Process metrics from /proc (Linux): CPU time and resident memory of a subject, counted over the
 * process and its descendants (a gateway that forks workers pays for them too).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux for x86 and arm64). */
const TICKS_PER_SECOND = 100;

function readStat(pid: number): { parent: number; cpuTicks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After the name: state(0) ppid(1) ... utime(11) stime(12).
    return { parent: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** The pid and every live descendant of it. */
export function processTree(root: number): number[] {
  const childrenOf = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [root];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat === null) continue;
    const siblings = childrenOf.get(stat.parent) ?? [];
    siblings.push(Number(entry));
    childrenOf.set(stat.parent, siblings);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0 && tree.length < 1000) {
    const pid = queue.shift();
    if (pid === undefined) break;
    tree.push(pid);
    queue.push(...(childrenOf.get(pid) ?? []));
  }
  return tree;
}

/** User + system CPU time of the process tree, in microseconds. */
export function cpuMicros(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) ticks += readStat(pid)?.cpuTicks ?? 0;
  return (ticks / TICKS_PER_SECOND) * 1_000_000;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** Resident set size of the tree now, in bytes. */
export function rssBytes(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + statusKb(pid, 'VmRSS') * 1024, 0);
}

/** Kernel-tracked peak RSS (VmHWM) of the tree, in bytes. */
export function peakRssBytes(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + statusKb(pid, 'VmHWM') * 1024, 0);
}

/** Resets VmHWM to the current RSS (writing 5 to clear_refs); false when the kernel refuses. */
export function resetPeakRss(root: number): boolean {
  let all = true;
  for (const pid of processTree(root)) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      all = false;
    }
  }
  return all;
}

/**
 * Samples VmRSS every `intervalMs` until stopped; returns the largest sample in bytes. The process
 * tree is listed once at the start, so a sample costs a few small file reads.
 */
export function startRssSampler(root: number, intervalMs: number): { stop: () => number } {
  const tree = processTree(root);
  const sample = (): number => tree.reduce((sum, pid) => sum + statusKb(pid, 'VmRSS') * 1024, 0);
  let max = sample();
  const timer = setInterval(() => {
    max = Math.max(max, sample());
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(max, rssBytes(root));
    },
  };
}
