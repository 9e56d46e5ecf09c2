/**
 * `npm run bench:cross-protocol`: what translation costs. An Anthropic Messages client calls the
 * gateway (POST /v1/messages), which translates to OpenAI Chat for the provider emulator's
 * /openai/v1 and translates the answer back; the baseline is the parsing Node proxy
 * (subjects/servers/parse-proxy.ts), which parses the JSON body and re-serializes it, untranslated,
 * to the same emulator for an OpenAI Chat client. Direct calls to the emulator give the floor of
 * time to first byte. Subjects run in interleaved rounds (bench/ab/rounds.ts).
 * Writes bench/results/cross-protocol.{md,json,svg}. See bench/README.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import {
  anthropicMessagesBody,
  answerProblem,
  EMULATOR_OPENAI_HEADERS,
  openAiChatBody,
  readAnthropicMessage,
  readAnthropicStream,
  readOpenAiCompletion,
  readOpenAiStream,
  type AnswerReading,
} from '../ab/emulator-payloads.js';
import { parseRoundOptions, ROUND_OPTIONS_USAGE, type RoundOptions } from '../ab/options.js';
import { firstByte, requireClean, saturate, waitForQuieterMachine, type SaturationFigures } from '../ab/phases.js';
import { startEmulatorChild, startGatewayChild, startParseProxyChild } from '../ab/processes.js';
import { startOrchestrator, finishEnvironment, formatNumber, progressLogger, writeResultFiles } from '../ab/report-files.js';
import { runInterleaved, type RoundPhase, type RoundResult } from '../ab/rounds.js';
import { stopAllChildren } from '../lib/children.js';
import { httpRequest } from '../lib/http.js';
import type { Target } from '../load/protocol.js';
import { UsageError } from '../options.js';
import { buildCrossProtocolReport, type CrossProtocolMeasurement, type CrossProtocolSubject } from './report.js';

const USAGE = `Usage: npm run bench:cross-protocol -- [options]\n${ROUND_OPTIONS_USAGE}`;
const log = progressLogger('bench:cross-protocol');

/** A subject as this benchmark drives it: where to send, in which protocol, and how to read the answer. */
interface Runner {
  subject: CrossProtocolSubject;
  target: Target;
  /** Null for `direct`: its CPU is the emulator's, and only its time to first byte is measured. */
  pid: number | null;
  body: (stream: boolean) => string;
  read: (body: string, stream: boolean) => AnswerReading;
  streamEnd: string;
}

function openAiRunner(subject: CrossProtocolSubject, target: Target, pid: number | null): Runner {
  return {
    subject,
    target,
    pid,
    // The usage chunk is asked for: an Anthropic stream always carries usage, so both stream the same facts.
    body: (stream) => openAiChatBody(stream, true),
    read: (body, stream) => (stream ? readOpenAiStream(body) : readOpenAiCompletion(body)),
    streamEnd: 'data: [DONE]',
  };
}

async function checkRunner(runner: Runner, expectedText: string): Promise<void> {
  const url = `${runner.target.origin}${runner.target.path}`;
  const headers = { 'content-type': 'application/json', ...runner.target.headers };
  const problems: string[] = [];
  for (const stream of [false, true]) {
    const label = stream ? 'streaming' : 'non-streaming';
    const answer = await httpRequest(url, { method: 'POST', headers, body: runner.body(stream) });
    const problem = answer.status === 200 ? answerProblem(label, runner.read(answer.body, stream), expectedText, true) : `${label}: HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
    if (problem !== null) problems.push(problem);
  }
  if (problems.length > 0) throw new Error(`${runner.subject.id}: correctness check failed: ${problems.join('; ')}`);
}

/** The phases of a round; each runs for every subject back to back (bench/ab/rounds.ts). */
function crossProtocolPhases(options: RoundOptions, upstreamPid: number): RoundPhase<Runner, CrossProtocolMeasurement>[] {
  const load = { connections: options.connections, seconds: options.durationSeconds };
  const saturation = async (runner: Runner, stream: boolean): Promise<SaturationFigures | null> => {
    // `direct` is the emulator itself: only its time to first byte is measured.
    if (runner.pid === null) return null;
    const figures = await saturate(runner.target, runner.body(stream), { subject: runner.pid, upstream: upstreamPid }, load);
    requireClean(`${runner.subject.id} ${stream ? 'streaming' : 'non-streaming'} saturation`, figures);
    return figures;
  };
  return [
    {
      name: 'non-streaming saturation',
      run: async (runner, into) => {
        into.chat = await saturation(runner, false);
      },
    },
    {
      name: 'streaming saturation',
      run: async (runner, into) => {
        into.stream = await saturation(runner, true);
      },
    },
    {
      name: 'time to first byte',
      run: async (runner, into) => {
        into.ttfb = await firstByte(runner.target, runner.body(true), runner.streamEnd, { requests: options.ttfbRequests, warmup: options.ttfbWarmup });
        requireClean(`${runner.subject.id} time to first byte`, into.ttfb);
      },
    },
  ];
}

function describeRound(result: RoundResult<CrossProtocolMeasurement>): string {
  const proxy = result.measurements['parse-proxy'];
  const gateway = result.measurements['switchyard'];
  const direct = result.measurements['direct'];
  const ratio = (figure: (m: CrossProtocolMeasurement) => number | undefined): string => {
    const over = gateway === undefined ? undefined : figure(gateway);
    const under = proxy === undefined ? undefined : figure(proxy);
    return over === undefined || under === undefined ? '–' : `${(over / under).toFixed(3)}×`;
  };
  const ttfb = (m: CrossProtocolMeasurement | undefined): string => (m === undefined ? '–' : m.ttfb.p50Ms.toFixed(3));
  return [
    `non-streaming req/s parse-proxy ${formatNumber(proxy?.chat?.requestsPerSecond ?? Number.NaN)} | switchyard ${formatNumber(gateway?.chat?.requestsPerSecond ?? Number.NaN)} (${ratio((m) => m.chat?.requestsPerSecond)})`,
    `streaming req/s parse-proxy ${formatNumber(proxy?.stream?.requestsPerSecond ?? Number.NaN)} | switchyard ${formatNumber(gateway?.stream?.requestsPerSecond ?? Number.NaN)} (${ratio((m) => m.stream?.requestsPerSecond)})`,
    `TTFB p50 ms direct ${ttfb(direct)} | parse-proxy ${ttfb(proxy)} | switchyard ${ttfb(gateway)}`,
  ].join('; ');
}

async function main(): Promise<void> {
  const parsed = parseRoundOptions(process.argv.slice(2), {});
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { options } = parsed;
  const environment = startOrchestrator(log);

  const tempDir = await mkdtemp(join(os.tmpdir(), 'switchyard-bench-cross-protocol-'));
  let rounds: RoundResult<CrossProtocolMeasurement>[] = [];
  try {
    const emulator = await startEmulatorChild();
    const proxy = await startParseProxyChild(emulator.origin);
    const gateway = await startGatewayChild({ id: 'switchyard', emulatorOrigin: emulator.origin, tempDir });
    log(`emulator at ${emulator.origin}; parsing proxy pid ${proxy.pid}; gateway pid ${gateway.pid}`);
    const openAiPath = '/openai/v1/chat/completions';
    const runners: Runner[] = [
      openAiRunner({ id: 'direct', label: 'direct to the emulator (OpenAI Chat)' }, { origin: emulator.origin, path: openAiPath, headers: EMULATOR_OPENAI_HEADERS }, null),
      openAiRunner({ id: 'parse-proxy', label: 'parsing Node proxy (OpenAI Chat → OpenAI Chat)' }, { origin: proxy.origin, path: openAiPath, headers: EMULATOR_OPENAI_HEADERS }, proxy.pid),
      {
        subject: { id: 'switchyard', label: 'Switchyard (Anthropic Messages → OpenAI Chat)' },
        // No provider key from the client: the gateway's config holds the emulator's.
        target: { origin: gateway.origin, path: '/v1/messages', headers: { 'anthropic-version': '2023-06-01' } },
        pid: gateway.pid,
        body: anthropicMessagesBody,
        read: (body, stream) => (stream ? readAnthropicStream(body) : readAnthropicMessage(body)),
        streamEnd: 'event: message_stop',
      },
    ];

    const direct = await httpRequest(`${emulator.origin}${openAiPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...EMULATOR_OPENAI_HEADERS },
      body: openAiChatBody(false),
    });
    const expectedText = readOpenAiCompletion(direct.body).text;
    if (direct.status !== 200 || expectedText === '') throw new Error(`the emulator did not answer: HTTP ${direct.status}: ${direct.body.slice(0, 200)}`);
    for (const runner of runners) {
      await checkRunner(runner, expectedText);
      if (runner.pid !== null) {
        const warmup = { connections: options.connections, seconds: options.warmupSeconds };
        const pids = { subject: runner.pid, upstream: emulator.child.pid };
        await saturate(runner.target, runner.body(false), pids, warmup);
        await saturate(runner.target, runner.body(true), pids, warmup);
      }
      log(`${runner.subject.id}: correct answers${runner.pid === null ? '' : `, warmed up (${options.warmupSeconds} s + ${options.warmupSeconds} s)`}`);
    }

    rounds = await runInterleaved({
      rounds: options.rounds,
      subjects: runners,
      id: (runner) => runner.subject.id,
      phases: crossProtocolPhases(options, emulator.child.pid),
      beforeRound: (round) => waitForQuieterMachine(options.quietWaitSeconds, log, round),
      describeRound,
      log,
    });
  } finally {
    await stopAllChildren();
    await rm(tempDir, { recursive: true, force: true });
  }
  finishEnvironment(environment);
  const report = buildCrossProtocolReport({ environment, options, rounds });
  const paths = await writeResultFiles('cross-protocol', report);
  process.stdout.write(`${report.markdown}\n`);
  log(`written: ${paths.join(', ')}`);
}

main().catch(async (error: unknown) => {
  const usage = error instanceof UsageError;
  process.stderr.write(`[bench:cross-protocol] error: ${error instanceof Error ? (usage ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
  if (usage) process.stderr.write(`${USAGE}\n`);
  await stopAllChildren();
  process.exitCode = 1;
});
