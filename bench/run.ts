/**
 * `npm run bench`: Switchyard's speed and memory beside baselines on this machine, as ratios to a
 * bare Node proxy. Starts the upstream, runs every subject through a correctness check and the timed
 * phases (measure.ts), then writes bench/results/latest.{md,json,svg}. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { checkSubject } from './correctness.js';
import {
  benchScript,
  childOpenFileLimit,
  installCleanupHandlers,
  LOAD_CORE,
  readJsonLine,
  repoRoot,
  spawnChild,
  stopAllChildren,
  SUBJECT_CORE,
  tasksetAvailable,
} from './lib/children.js';
import { measureSubject, type PhaseContext } from './measure.js';
import { NOISY_PERCENT, waitForQuietMachine } from './metrics/machine.js';
import { parseOptions, USAGE, UsageError } from './options.js';
import { buildReport, writeReport } from './report.js';
import type { RunEnvironment, SubjectResult } from './results.js';
import { REFERENCE_SUBJECT, SUBJECTS } from './subjects/index.js';
import { SubjectSkipped, type RunningSubject, type SubjectContext } from './subjects/types.js';

const progress = (message: string): void => {
  process.stdout.write(`[bench] ${message}\n`);
};

function describeEnvironment(options: RunEnvironment['options']): RunEnvironment {
  const pinned = tasksetAvailable();
  return {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    node: process.version,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    pinned,
    pinning: pinned
      ? `subject on core ${SUBJECT_CORE}; upstream, load generators and orchestrator on core ${LOAD_CORE} (taskset)`
      : 'taskset not found: processes ran unpinned (numbers are noisier)',
    openFileLimit: childOpenFileLimit(),
    loadGenerator: 'autocannon 9 (saturation), undici Pool open-loop sender (latency), node:http (TTFB, streams)',
    options,
  };
}

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parsed;
  installCleanupHandlers();
  const unknown = (options.only ?? []).filter((id) => !SUBJECTS.some((subject) => subject.id === id));
  if (unknown.length > 0) throw new UsageError(`unknown subject(s) ${unknown.join(', ')}; known: ${SUBJECTS.map((subject) => subject.id).join(', ')}`);
  const selected = SUBJECTS.filter((subject) => options.only === null || options.only.includes(subject.id));

  const environment = describeEnvironment(options);
  // The orchestrator sleeps most of the time, but keep it off the subject's core all the same.
  if (environment.pinned) spawnSync('taskset', ['-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  progress(`${environment.cpuModel}, ${environment.cores} cores, Node ${environment.node}; ${environment.pinning}; open files ${environment.openFileLimit}`);
  if (!environment.pinned) progress('WARNING: taskset not found; running unpinned');
  progress(`subjects: ${selected.map((subject) => subject.id).join(', ')}${options.quick ? ' (quick)' : ''}`);

  const tempDir = await mkdtemp(join(os.tmpdir(), 'switchyard-bench-'));
  const root = repoRoot();
  const results: SubjectResult[] = [];
  try {
    const upstream = spawnChild({ name: 'upstream', nodeArgs: benchScript('upstream'), core: LOAD_CORE, stdout: 'pipe' });
    const { port } = (await readJsonLine(upstream, 15_000)) as { port: number };
    const upstreamOrigin = `http://127.0.0.1:${port}`;
    progress(`upstream listening on ${upstreamOrigin} (pid ${upstream.pid})`);

    const subjectContext: SubjectContext = { upstreamOrigin, upstreamPid: upstream.pid, tempDir, repoRoot: root, options, progress };
    const phaseContext: PhaseContext = {
      upstreamOrigin,
      options,
      directTarget: { origin: upstreamOrigin, path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-bench' } },
      progress,
    };
    for (const [index, definition] of selected.entries()) {
      progress(`subject ${index + 1}/${selected.length}: ${definition.label}`);
      const result: SubjectResult = {
        id: definition.id,
        label: definition.label,
        description: definition.description,
        status: 'failed',
        reason: null,
        check: null,
        memory: null,
        saturation: null,
        paced: null,
        ttfb: null,
        errors: [],
        foreignCpuPercent: {},
      };
      results.push(result);
      let running: RunningSubject | null = null;
      const quietWaitMs = options.quick ? 10_000 : 60_000;
      const foreign = await waitForQuietMachine(NOISY_PERCENT, quietWaitMs, (percent) =>
        progress(`  other processes use ${percent.toFixed(0)}% of a core; waiting up to ${quietWaitMs / 1000} s for a quieter machine`),
      );
      if (foreign >= NOISY_PERCENT) progress(`  still ${foreign.toFixed(0)}% foreign CPU; measuring anyway (flagged in the report)`);
      try {
        running = await definition.start(subjectContext);
        progress(`  started (pid ${running.pid}); correctness check`);
        result.check = await checkSubject(running, upstreamOrigin);
        if (!result.check.ok) {
          result.reason = `correctness check failed: ${result.check.problems.join('; ')}`;
          progress(`  FAILED ${result.reason} (not timed)`);
          continue;
        }
        await measureSubject(running, result, phaseContext);
        result.status = 'measured';
      } catch (error) {
        result.status = error instanceof SubjectSkipped ? 'skipped' : 'failed';
        result.reason = error instanceof Error ? error.message : String(error);
        progress(`  ${result.status.toUpperCase()}: ${result.reason}`);
      } finally {
        await running?.stop();
      }
      if (upstream.hasExited()) throw new Error(`the upstream exited: ${upstream.stderrTail()}`);
    }
  } finally {
    await stopAllChildren();
    await rm(tempDir, { recursive: true, force: true });
  }
  environment.finishedAt = new Date().toISOString();
  const report = buildReport(environment, REFERENCE_SUBJECT, results);
  const { markdown, files } = await writeReport(report, root);
  process.stdout.write(`\n${markdown}\n`);
  progress(`written: ${files.join(', ')}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    // A usage mistake needs its message; anything else its stack (BENCH_DEBUG=1 shows stacks always).
    const usage = error instanceof UsageError;
    const detail = error instanceof Error ? (usage && process.env['BENCH_DEBUG'] !== '1' ? error.message : (error.stack ?? error.message)) : String(error);
    process.stderr.write(`[bench] error: ${detail}\n`);
    await stopAllChildren();
    process.exitCode = 1;
  },
);
