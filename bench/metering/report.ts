/** bench/results/metering.{md,json,svg}: medians, per-round ratios to metering off, targets and the ledger check. */
import type { LedgerWriterStats } from '../../src/ledger/index.js';
import { renderChart, type ChartBar } from '../ab/chart.js';
import type { RoundOptions } from '../ab/options.js';
import type { PacedFigures, SaturationFigures } from '../ab/phases.js';
import { formatDelta, formatNumber, formatRatio, type Environment } from '../ab/report-files.js';
import { series, type RoundResult } from '../ab/rounds.js';
import { median, roundDifferences, roundRatios, type RatioSummary } from '../ab/stats.js';
import type { LedgerVerification } from './ledgers.js';

export interface MeteringVariant {
  /** `off` is the baseline; `off-control` is a second unmetered gateway, the A/A noise floor. */
  id: 'off' | 'off-control' | 'sqlite' | 'postgres';
  label: string;
  metered: boolean;
  backend: string | null;
}

export interface MeteringMeasurement {
  chat: SaturationFigures;
  stream: SaturationFigures;
  chatPaced: PacedFigures;
  streamPaced: PacedFigures;
  /** The writer's stats after the round's phases (null when metering is off). */
  ledger: LedgerWriterStats | null;
}

/** Metering may cost at most this share of requests/s. */
const MAX_COST = 0.05;
const MIN_RATIO = 1 - MAX_COST;
const TRAFFIC = [
  { id: 'chat', label: 'non-streaming', saturation: (m: MeteringMeasurement) => m.chat, paced: (m: MeteringMeasurement) => m.chatPaced },
  { id: 'stream', label: 'streaming', saturation: (m: MeteringMeasurement) => m.stream, paced: (m: MeteringMeasurement) => m.streamPaced },
] as const;

interface TrafficSummary {
  variant: MeteringVariant['id'];
  traffic: (typeof TRAFFIC)[number]['id'];
  requestsPerSecond: number;
  requestsPerSecondRatio: RatioSummary;
  cpuMicrosPerRequest: number;
  cpuRatio: RatioSummary;
  /** 1 / the CPU ratio: the req/s ratio when the gateway alone is the bottleneck. */
  cpuBoundRatio: number;
  subjectCpuPercent: number;
  upstreamCpuPercent: number;
  saturatedP50Ms: number;
  saturatedP99Ms: number;
  pacedRate: number;
  pacedP50Ms: number;
  pacedP99Ms: number;
  /** Round by round, this variant's p99 at the fixed rate minus metering off's. */
  pacedP99AddedMs: RatioSummary;
}

interface Target {
  name: string;
  goal: string;
  measured: string;
  verdict: 'PASS' | 'FAIL' | 'NOT MEASURED';
  /** For the req/s targets: the CPU-bound reading and its verdict. */
  cpuBound?: { measured: string; verdict: 'PASS' | 'FAIL' | 'NOT MEASURED' };
}

const verdictOf = (value: number, ok: boolean): Target['verdict'] => (!Number.isFinite(value) ? 'NOT MEASURED' : ok ? 'PASS' : 'FAIL');
const shortName = (id: MeteringVariant['id']): string => ({ off: 'off', 'off-control': 'off (A/A control)', sqlite: 'SQLite', postgres: 'PostgreSQL' })[id];

function summarize(rounds: readonly RoundResult<MeteringMeasurement>[], variant: MeteringVariant): TrafficSummary[] {
  return TRAFFIC.map((traffic) => {
    const of = (id: string, figure: (measurement: MeteringMeasurement) => number): number[] => series(rounds, id, figure);
    const rps = (m: MeteringMeasurement): number => traffic.saturation(m).requestsPerSecond;
    const cpu = (m: MeteringMeasurement): number => traffic.saturation(m).cpuMicrosPerRequest;
    const p99 = (m: MeteringMeasurement): number => traffic.paced(m).p99Ms;
    const cpuRatio = roundRatios(of(variant.id, cpu), of('off', cpu));
    return {
      variant: variant.id,
      traffic: traffic.id,
      requestsPerSecond: median(of(variant.id, rps)),
      requestsPerSecondRatio: roundRatios(of(variant.id, rps), of('off', rps)),
      cpuMicrosPerRequest: median(of(variant.id, cpu)),
      cpuRatio,
      cpuBoundRatio: 1 / cpuRatio.median,
      subjectCpuPercent: median(of(variant.id, (m) => traffic.saturation(m).subjectCpuPercent)),
      upstreamCpuPercent: median(of(variant.id, (m) => traffic.saturation(m).upstreamCpuPercent)),
      saturatedP50Ms: median(of(variant.id, (m) => traffic.saturation(m).p50Ms)),
      saturatedP99Ms: median(of(variant.id, (m) => traffic.saturation(m).p99Ms)),
      pacedRate: median(of(variant.id, (m) => traffic.paced(m).rate)),
      pacedP50Ms: median(of(variant.id, (m) => traffic.paced(m).p50Ms)),
      pacedP99Ms: median(of(variant.id, p99)),
      pacedP99AddedMs: roundDifferences(of(variant.id, p99), of('off', p99)),
    };
  });
}

function targets(summaries: readonly TrafficSummary[], variants: readonly MeteringVariant[], verifications: readonly LedgerVerification[]): Target[] {
  const list: Target[] = [];
  for (const variant of variants.filter((candidate) => candidate.metered)) {
    for (const traffic of TRAFFIC) {
      const summary = summaries.find((candidate) => candidate.variant === variant.id && candidate.traffic === traffic.id);
      const ratio = summary?.requestsPerSecondRatio.median ?? Number.NaN;
      const cpuBound = summary?.cpuBoundRatio ?? Number.NaN;
      list.push({
        name: `${shortName(variant.id)}, ${traffic.label}`,
        goal: `metering costs < ${MAX_COST * 100}% of req/s (ratio ≥ ${MIN_RATIO})`,
        measured: `${formatRatio(ratio)} (cost ${((1 - ratio) * 100).toFixed(1)}%)`,
        verdict: verdictOf(ratio, ratio >= MIN_RATIO),
        cpuBound: { measured: `${formatRatio(cpuBound)} (cost ${((1 - cpuBound) * 100).toFixed(1)}%)`, verdict: verdictOf(cpuBound, cpuBound >= MIN_RATIO) },
      });
    }
    const verification = verifications.find((candidate) => candidate.backend === variant.id);
    list.push({
      name: `${shortName(variant.id)}, ledger complete`,
      goal: 'every record written: none dropped, rejected or left queued; rows = records appended',
      measured: verification === undefined ? '–' : `${formatNumber(verification.rowsInLedger)} rows / ${formatNumber(verification.appended)} appended`,
      verdict: verification === undefined ? 'NOT MEASURED' : verification.ok ? 'PASS' : 'FAIL',
    });
  }
  return list;
}

function maxQueued(rounds: readonly RoundResult<MeteringMeasurement>[], id: string): { queued: number; lagMs: number } {
  const stats = rounds.map((round) => round.measurements[id]?.ledger).filter((ledger): ledger is LedgerWriterStats => ledger !== null && ledger !== undefined);
  return { queued: Math.max(0, ...stats.map((ledger) => ledger.queued)), lagMs: Math.max(0, ...stats.map((ledger) => ledger.lagMs)) };
}

function summaryTable(summaries: readonly TrafficSummary[], variants: readonly MeteringVariant[]): string[] {
  const spread = (summary: RatioSummary): string => `${formatRatio(summary.median)} (${summary.min.toFixed(3)}–${summary.max.toFixed(3)})`;
  return [
    '| traffic | metering | req/s | × off (rounds min–max) | CPU µs/req | × off (rounds min–max) | 1 / CPU × | gateway CPU | emulator CPU | p50 / p99 saturated (ms) | p50 / p99 at a fixed rate (ms) | p99 added at that rate (ms) |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...TRAFFIC.flatMap((traffic) =>
      variants.map((variant) => {
        const row = summaries.find((candidate) => candidate.variant === variant.id && candidate.traffic === traffic.id);
        if (row === undefined) return `| ${traffic.label} | ${shortName(variant.id)} | – |`;
        const baseline = variant.id === 'off';
        return `| ${traffic.label} | ${shortName(variant.id)} | ${formatNumber(row.requestsPerSecond)} | ${baseline ? '1.000×' : spread(row.requestsPerSecondRatio)} | ${formatNumber(row.cpuMicrosPerRequest)} | ${baseline ? '1.000×' : spread(row.cpuRatio)} | ${baseline ? '1.000×' : formatRatio(row.cpuBoundRatio)} | ${formatNumber(row.subjectCpuPercent)}% | ${formatNumber(row.upstreamCpuPercent)}% | ${formatNumber(row.saturatedP50Ms, 1)} / ${formatNumber(row.saturatedP99Ms, 1)} | ${formatNumber(row.pacedP50Ms, 2)} / ${formatNumber(row.pacedP99Ms, 2)} @ ${formatNumber(row.pacedRate)} req/s | ${baseline ? '–' : formatDelta(row.pacedP99AddedMs.median)} |`;
      }),
    ),
  ];
}

function ledgerTable(rounds: readonly RoundResult<MeteringMeasurement>[], verifications: readonly LedgerVerification[]): string[] {
  return [
    '| ledger | model calls | records appended | rows in the ledger | written | dropped | rejected | unwritten at close | failed flushes | most queued after a round | verdict |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    ...verifications.map((verification) => {
      const queued = maxQueued(rounds, verification.backend);
      return `| ${shortName(verification.backend)} | ${formatNumber(verification.modelCalls)} | ${formatNumber(verification.appended)} | ${formatNumber(verification.rowsInLedger)} | ${formatNumber(verification.written)} | ${verification.dropped} | ${verification.rejected} | ${verification.unwritten} | ${verification.failedFlushes} | ${formatNumber(queued.queued)} (oldest ${queued.lagMs} ms) | ${verification.ok ? 'all written' : `**${verification.problems.join('; ')}**`} |`;
    }),
  ];
}

function roundTable(rounds: readonly RoundResult<MeteringMeasurement>[], variants: readonly MeteringVariant[]): string[] {
  return [
    `| round | order | ${variants.map((variant) => `${shortName(variant.id)}: req/s non-streaming / streaming (CPU µs/req)`).join(' | ')} | foreign CPU, max (% of a core) |`,
    `|--:|---|${variants.map(() => '--:').join('|')}|--:|`,
    ...rounds.map((round) => {
      const cells = variants.map((variant) => {
        const m = round.measurements[variant.id];
        return m === undefined
          ? '–'
          : `${formatNumber(m.chat.requestsPerSecond)} / ${formatNumber(m.stream.requestsPerSecond)} (${formatNumber(m.chat.cpuMicrosPerRequest)} / ${formatNumber(m.stream.cpuMicrosPerRequest)})`;
      });
      const foreign = Object.values(round.measurements).flatMap((m) => [m.chat.foreignCpuPercent, m.stream.foreignCpuPercent, m.chatPaced.foreignCpuPercent, m.streamPaced.foreignCpuPercent]);
      return `| ${round.round} | ${round.order.join(' → ')} | ${cells.join(' | ')} | ${formatNumber(Math.max(...foreign))} |`;
    }),
  ];
}

function chart(summaries: readonly TrafficSummary[], rounds: number, environment: Environment): string {
  const compared = summaries.filter((summary) => summary.variant !== 'off');
  const label = (summary: TrafficSummary): string => `${shortName(summary.variant)} · ${summary.traffic === 'chat' ? 'non-streaming' : 'streaming'}`;
  const bars = (pick: (summary: TrafficSummary) => RatioSummary): ChartBar[] =>
    compared.map((summary) => ({ label: label(summary), value: pick(summary).median, min: pick(summary).min, max: pick(summary).max, neutral: summary.variant === 'off-control' }));
  return renderChart('Metering on vs off: the same gateway, the same traffic', `Median of ${rounds} interleaved rounds, whiskers min–max; busy 2-core machine, ${environment.startedAt.slice(0, 10)}`, [
    {
      title: 'Requests/s, ratio to metering off (higher is better)',
      unit: '×',
      bars: bars((summary) => summary.requestsPerSecondRatio),
      reference: { value: 1, label: '1.0 = metering off' },
      target: { value: MIN_RATIO, label: `target ≥ ${MIN_RATIO}`, higherIsBetter: true },
    },
    {
      title: 'Gateway CPU per request, ratio to metering off (lower is better)',
      unit: '×',
      bars: bars((summary) => summary.cpuRatio),
      reference: { value: 1, label: '1.0 = metering off' },
      target: { value: 1 / MIN_RATIO, label: `same target, CPU-bound: ≤ ${(1 / MIN_RATIO).toFixed(3)}`, higherIsBetter: false },
    },
  ]);
}

export function buildMeteringReport(input: {
  environment: Environment;
  options: RoundOptions;
  variants: readonly MeteringVariant[];
  rounds: readonly RoundResult<MeteringMeasurement>[];
  verifications: readonly LedgerVerification[];
  postgresSkipped: string | null;
}): { markdown: string; json: unknown; svg: string } {
  const { environment, options, variants, rounds, verifications } = input;
  const summaries = variants.flatMap((variant) => summarize(rounds, variant));
  const targetList = targets(summaries, variants, verifications);
  const foreign = rounds.flatMap((round) => Object.values(round.measurements).flatMap((m) => [m.chat.foreignCpuPercent, m.stream.foreignCpuPercent]));
  const gatewayCpu = summaries.map((summary) => summary.subjectCpuPercent);
  const busyNote = `Taken on a busy machine: 2 shared cores with other work running (load average ${environment.loadAverageAtStart} at the start, ${environment.loadAverageAtEnd} at the end; other processes used a median ${formatNumber(median(foreign))}% and at most ${formatNumber(Math.max(...foreign))}% of a core during the saturation phases). Absolute numbers are unreliable; read the ratios, and the A/A control row for how much of a ratio is noise.`;
  const markdown = [
    '# Metering overhead',
    '',
    `Run ${environment.startedAt} – ${environment.finishedAt}. ${environment.cpuModel}, ${environment.cores} cores, Node ${environment.node}; ${environment.pinning}.`,
    '',
    `> ${busyNote}`,
    '',
    'The same gateway (`createGateway` + `listen`, silent logger) in front of the provider emulator (`time_scale: 0`, a 50-token answer),',
    'with metering off and on: a `LedgerWriter` (defaults: 100 ms window, batches of 250) over a SQLite file in a temp folder',
    `and over PostgreSQL in a schema of its own${input.postgresSkipped === null ? '' : ` (**PostgreSQL not measured: ${input.postgresSkipped}**)`}.`,
    'A second unmetered gateway process is measured like the others: its ratio to the first (A/A) shows the noise floor.',
    'Streaming requests do not ask for `stream_options.include_usage`, so metering has the gateway ask the upstream for usage and strip it again: its whole cost.',
    `${options.rounds} interleaved rounds; in each, every phase runs for every subject back to back, in an order that reverses every round. Phases: ${options.durationSeconds} s of saturation with ${options.connections} connections (autocannon)`,
    `for each kind of traffic, then ${options.pacedSeconds} s open loop at ${options.chatRate} req/s (non-streaming) and ${options.streamRate} req/s (streaming), latency from each request's due time.`,
    'Medians over rounds; ratios are taken round by round against metering off in the same round, then the median (min–max across rounds in brackets).',
    '',
    ...summaryTable(summaries, variants),
    '',
    '"1 / CPU ×" is the requests/s ratio to expect where the gateway alone is the bottleneck (its CPU per request decides its throughput).',
    `Here it was not: the gateway used a median ${formatNumber(median(gatewayCpu))}% of its core at saturation, because other work took CPU from both sides.`,
    'The measured req/s ratio then understates what metering costs a saturated gateway; the CPU ratio does not depend on which side was short of CPU.',
    '',
    '![metering overhead](metering.svg)',
    '',
    '## Targets',
    '',
    '| target | goal | req/s ratio measured | verdict | CPU-bound (1 / CPU ratio) | verdict |',
    '|---|---|---|---|---|---|',
    ...targetList.map((target) => `| ${target.name} | ${target.goal} | ${target.measured} | **${target.verdict}** | ${target.cpuBound?.measured ?? ''} | ${target.cpuBound === undefined ? '' : `**${target.cpuBound.verdict}**`} |`),
    '',
    '## Every record written',
    '',
    'After the last round each metered gateway is stopped with SIGTERM (drain, then `writer.close()`), and the orchestrator',
    "counts the ledger's rows itself (`store.query({}, 'none')`). Model calls include the correctness check and the warm-up.",
    '',
    ...ledgerTable(rounds, verifications),
    '',
    '## Rounds',
    '',
    ...roundTable(rounds, variants),
    '',
    '## Notes',
    '',
    '- "gateway CPU" and "emulator CPU" are each process\'s CPU over the saturation run, in % of one core: near 100% means that side was the bottleneck.',
    '- PostgreSQL runs on the same two cores, unpinned: its work counts as foreign CPU and competes with both the gateway and the load side; its own CPU is not in the gateway\'s CPU per request.',
    "- SQLite writes run on the gateway's event loop (about 20–35 µs a record here), so they are in the gateway's CPU per request.",
    '- Latency at saturation is mostly queueing behind the other connections; the fixed-rate p50/p99 is the per-request view.',
    '',
  ].join('\n');
  const json = { environment, options, variants, postgresSkipped: input.postgresSkipped, summaries, targets: targetList, ledger: verifications, rounds };
  return { markdown, json, svg: chart(summaries, rounds.length, environment) };
}
