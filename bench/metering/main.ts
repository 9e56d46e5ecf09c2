/**
 * `npm run bench:metering`: what metering costs. The same gateway (createGateway + listen) serves
 * the same Chat traffic from the provider emulator with metering off, and on with a LedgerWriter
 * over SQLite (a temp file) and, when reachable, PostgreSQL (a schema of its own, dropped after).
 * Subjects run in interleaved rounds (bench/ab/rounds.ts); after the last round each metered
 * gateway is stopped gracefully and the rows in its ledger are counted against what it appended.
 * Writes bench/results/metering.{md,json,svg}. See bench/README.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import {
  answerProblem,
  EMULATOR_OPENAI_HEADERS,
  openAiChatBody,
  readOpenAiCompletion,
  readOpenAiStream,
} from '../ab/emulator-payloads.js';
import { parseRoundOptions, ROUND_OPTIONS_USAGE, type RoundOptions } from '../ab/options.js';
import { paced, requireClean, saturate, waitForQuieterMachine, type MeasuredPids } from '../ab/phases.js';
import { gatewayCounts, startEmulatorChild, startGatewayChild, stopGatewayGracefully, type RunningGateway } from '../ab/processes.js';
import { startOrchestrator, finishEnvironment, formatNumber, progressLogger, writeResultFiles } from '../ab/report-files.js';
import { runInterleaved, type RoundPhase, type RoundResult } from '../ab/rounds.js';
import { stopAllChildren } from '../lib/children.js';
import { httpRequest } from '../lib/http.js';
import type { Target } from '../load/protocol.js';
import { UsageError } from '../options.js';
import { dropPostgresSchema, postgresBackend, sqliteBackend, verifyLedger, type LedgerBackend, type LedgerVerification } from './ledgers.js';
import { buildMeteringReport, type MeteringMeasurement, type MeteringVariant } from './report.js';

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const USAGE = `Usage: npm run bench:metering -- [options]
${ROUND_OPTIONS_USAGE}
  --postgres URL       PostgreSQL server for the shared-ledger variant (default ${DEFAULT_POSTGRES_URL})
  --no-postgres        SQLite only`;

const log = progressLogger('bench:metering');

interface Subject {
  variant: MeteringVariant;
  gateway: RunningGateway;
  /** The gateway's and the emulator's pids, for CPU per request. */
  pids: MeasuredPids;
}

const targetOf = (gateway: RunningGateway): Target => ({ origin: gateway.origin, path: '/v1/chat/completions', headers: {} });

/** The same answer as straight from the emulator, and (metered) one ledger record per call. */
async function checkSubject(subject: Subject, expectedText: string): Promise<void> {
  const url = `${subject.gateway.origin}/v1/chat/completions`;
  const headers = { 'content-type': 'application/json' };
  const plain = await httpRequest(url, { method: 'POST', headers, body: openAiChatBody(false) });
  const stream = await httpRequest(url, { method: 'POST', headers, body: openAiChatBody(true) });
  const problems = [
    plain.status === 200 ? answerProblem('non-streaming', readOpenAiCompletion(plain.body), expectedText, true) : `non-streaming: HTTP ${plain.status}: ${plain.body.slice(0, 200)}`,
    // The client did not ask for stream usage: metering asks the upstream for it and must hide it again.
    stream.status === 200 ? answerProblem('streaming', readOpenAiStream(stream.body), expectedText, false) : `streaming: HTTP ${stream.status}: ${stream.body.slice(0, 200)}`,
  ].filter((problem): problem is string => problem !== null);
  if (subject.variant.metered) {
    let counts = await gatewayCounts(subject.gateway);
    for (let attempt = 0; attempt < 40 && counts.ledger !== null && counts.ledger.written < counts.appended; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      counts = await gatewayCounts(subject.gateway);
    }
    if (counts.appended !== counts.modelCalls) problems.push(`${counts.modelCalls} calls but ${counts.appended} ledger records`);
    if (counts.ledger === null || counts.ledger.written !== counts.appended) problems.push(`ledger records not written within 2 s: ${JSON.stringify(counts.ledger)}`);
  }
  if (problems.length > 0) throw new Error(`${subject.variant.id}: correctness check failed: ${problems.join('; ')}`);
}

/** The phases of a round; each runs for every subject back to back (bench/ab/rounds.ts). */
function meteringPhases(options: RoundOptions): RoundPhase<Subject, MeteringMeasurement>[] {
  const load = { connections: options.connections, seconds: options.durationSeconds };
  const checked = <Figures extends { failed: number }>(subject: Subject, label: string, figures: Figures): Figures => {
    requireClean(`${subject.variant.id} ${label}`, figures);
    return figures;
  };
  const target = (subject: Subject): Target => targetOf(subject.gateway);
  return [
    {
      name: 'non-streaming saturation',
      run: async (subject, into) => {
        into.chat = checked(subject, 'non-streaming saturation', await saturate(target(subject), openAiChatBody(false), subject.pids, load));
      },
    },
    {
      name: 'streaming saturation',
      run: async (subject, into) => {
        into.stream = checked(subject, 'streaming saturation', await saturate(target(subject), openAiChatBody(true), subject.pids, load));
      },
    },
    {
      name: 'non-streaming at a fixed rate',
      run: async (subject, into) => {
        into.chatPaced = checked(subject, 'non-streaming at a fixed rate', await paced(target(subject), openAiChatBody(false), { rate: options.chatRate, seconds: options.pacedSeconds }));
      },
    },
    {
      name: 'streaming at a fixed rate',
      run: async (subject, into) => {
        into.streamPaced = checked(subject, 'streaming at a fixed rate', await paced(target(subject), openAiChatBody(true), { rate: options.streamRate, seconds: options.pacedSeconds }));
      },
    },
    {
      name: 'ledger stats',
      run: async (subject, into) => {
        into.ledger = subject.variant.metered ? (await gatewayCounts(subject.gateway)).ledger : null;
      },
    },
  ];
}

function describeRound(result: RoundResult<MeteringMeasurement>, subjects: readonly Subject[]): string {
  const off = result.measurements['off'];
  const part = (name: string, figure: (measurement: MeteringMeasurement) => number, digits: number): string =>
    `${name} ${subjects
      .map(({ variant }) => {
        const measurement = result.measurements[variant.id];
        if (measurement === undefined) return `${variant.id} –`;
        const value = figure(measurement);
        const ratio = off === undefined || variant.id === 'off' ? '' : ` (${(value / figure(off)).toFixed(3)}×)`;
        return `${variant.id} ${formatNumber(value, digits)}${ratio}`;
      })
      .join(' | ')}`;
  const foreign = Object.values(result.measurements).map((measurement) => measurement.chat.foreignCpuPercent);
  return [
    part('chat req/s', (measurement) => measurement.chat.requestsPerSecond, 0),
    part('stream req/s', (measurement) => measurement.stream.requestsPerSecond, 0),
    part('chat p99 @rate ms', (measurement) => measurement.chatPaced.p99Ms, 2),
    `foreign CPU ${formatNumber(Math.max(...foreign), 0)}%`,
  ].join('; ');
}

async function main(): Promise<void> {
  const parsed = parseRoundOptions(process.argv.slice(2), { postgres: { type: 'string' }, 'no-postgres': { type: 'boolean' } });
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { options } = parsed;
  const environment = startOrchestrator(log);

  const tempDir = await mkdtemp(join(os.tmpdir(), 'switchyard-bench-metering-'));
  const postgresUrl = typeof parsed.extra.postgres === 'string' ? parsed.extra.postgres : DEFAULT_POSTGRES_URL;
  let postgres: LedgerBackend | undefined;
  let postgresSkipped: string | null = null;
  const verifications: LedgerVerification[] = [];
  let rounds: RoundResult<MeteringMeasurement>[] = [];
  // A second, identical gateway without metering: its ratio to the first is the noise floor (A/A).
  const variants: MeteringVariant[] = [
    { id: 'off', label: 'metering off', metered: false, backend: null },
    { id: 'off-control', label: 'metering off, second process (A/A control)', metered: false, backend: null },
  ];
  try {
    const backends: LedgerBackend[] = [sqliteBackend(tempDir)];
    if (parsed.extra['no-postgres'] === true) postgresSkipped = 'not asked for (--no-postgres)';
    else {
      const found = await postgresBackend(postgresUrl);
      if ('skipped' in found) postgresSkipped = found.skipped;
      else {
        postgres = found;
        backends.push(found);
      }
    }
    if (postgresSkipped !== null) log(`PostgreSQL variant skipped: ${postgresSkipped}`);
    for (const backend of backends) variants.push({ id: backend.id, label: `metering on, ${backend.label}`, metered: true, backend: backend.label });

    const emulator = await startEmulatorChild();
    log(`emulator at ${emulator.origin}`);
    const subjects: Subject[] = [];
    for (const variant of variants) {
      const backend = backends.find((candidate) => candidate.id === variant.id);
      const gateway = await startGatewayChild({
        id: variant.id,
        emulatorOrigin: emulator.origin,
        tempDir,
        ...(backend !== undefined && { ledger: backend.location }),
        ...(backend?.schema !== undefined && { schema: backend.schema }),
      });
      subjects.push({ variant, gateway, pids: { subject: gateway.pid, upstream: emulator.child.pid } });
      log(`${variant.label}: gateway pid ${gateway.pid} at ${gateway.origin}`);
    }

    const direct = await httpRequest(`${emulator.origin}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...EMULATOR_OPENAI_HEADERS },
      body: openAiChatBody(false),
    });
    const expectedText = readOpenAiCompletion(direct.body).text;
    if (direct.status !== 200 || expectedText === '') throw new Error(`the emulator did not answer: HTTP ${direct.status}: ${direct.body.slice(0, 200)}`);
    for (const subject of subjects) {
      await checkSubject(subject, expectedText);
      const target = targetOf(subject.gateway);
      const warmup = { connections: options.connections, seconds: options.warmupSeconds };
      await saturate(target, openAiChatBody(false), subject.pids, warmup);
      await saturate(target, openAiChatBody(true), subject.pids, warmup);
      log(`${subject.variant.id}: correct answers, warmed up (${options.warmupSeconds} s chat + ${options.warmupSeconds} s streams)`);
    }

    rounds = await runInterleaved({
      rounds: options.rounds,
      subjects,
      id: (subject) => subject.variant.id,
      phases: meteringPhases(options),
      beforeRound: (round) => waitForQuieterMachine(options.quietWaitSeconds, log, round),
      describeRound: (result) => describeRound(result, subjects),
      log,
    });

    for (const subject of subjects) {
      const backend = backends.find((candidate) => candidate.id === subject.variant.id);
      if (backend === undefined) continue;
      const counts = await stopGatewayGracefully(subject.gateway);
      const verification = await verifyLedger(backend, counts);
      verifications.push(verification);
      log(
        `${backend.id} ledger: ${formatNumber(verification.rowsInLedger)} rows for ${formatNumber(verification.appended)} records appended, ${verification.dropped} dropped, ${verification.unwritten} unwritten: ${verification.ok ? 'all written' : verification.problems.join('; ')}`,
      );
    }
  } finally {
    await stopAllChildren();
    if (postgres?.schema !== undefined) {
      await dropPostgresSchema(postgres.location, postgres.schema).then(
        () => log(`dropped PostgreSQL schema ${postgres?.schema ?? ''}`),
        (error: unknown) => log(`could not drop PostgreSQL schema ${postgres?.schema ?? ''}: ${String(error)}`),
      );
    }
    await rm(tempDir, { recursive: true, force: true });
  }
  finishEnvironment(environment);
  const report = buildMeteringReport({ environment, options, variants, rounds, verifications, postgresSkipped });
  const paths = await writeResultFiles('metering', report);
  process.stdout.write(`${report.markdown}\n`);
  log(`written: ${paths.join(', ')}`);
}

main().catch(async (error: unknown) => {
  const usage = error instanceof UsageError;
  process.stderr.write(`[bench:metering] error: ${error instanceof Error ? (usage ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
  if (usage) process.stderr.write(`${USAGE}\n`);
  await stopAllChildren();
  process.exitCode = 1;
});
