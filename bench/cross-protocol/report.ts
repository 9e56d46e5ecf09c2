/** bench/results/cross-protocol.{md,json,svg}: the gateway translating Anthropic ↔ OpenAI beside the parsing proxy. */
import { renderChart } from '../ab/chart.js';
import type { RoundOptions } from '../ab/options.js';
import type { FirstByteFigures, SaturationFigures } from '../ab/phases.js';
import { formatDelta, formatNumber, formatRatio, type Environment } from '../ab/report-files.js';
import { series, type RoundResult } from '../ab/rounds.js';
import { median, roundDifferences, roundRatios, type RatioSummary } from '../ab/stats.js';

export interface CrossProtocolSubject {
  id: 'direct' | 'parse-proxy' | 'switchyard';
  label: string;
}

export interface CrossProtocolMeasurement {
  /** Null for `direct` (only its time to first byte is measured). */
  chat: SaturationFigures | null;
  stream: SaturationFigures | null;
  ttfb: FirstByteFigures;
}

/** The gateway keeps at least this share of the parsing proxy's requests/s… */
const MIN_RATIO = 0.8;
/** …and adds less than this to the time to first byte, ms. */
const MAX_ADDED_TTFB_MS = 1;

const TRAFFIC = [
  { id: 'chat', label: 'non-streaming', figures: (m: CrossProtocolMeasurement) => m.chat },
  { id: 'stream', label: 'streaming', figures: (m: CrossProtocolMeasurement) => m.stream },
] as const;

interface TrafficSummary {
  subject: CrossProtocolSubject['id'];
  traffic: (typeof TRAFFIC)[number]['id'];
  requestsPerSecond: number;
  ratio: RatioSummary;
  cpuMicrosPerRequest: number;
  cpuRatio: RatioSummary;
  subjectCpuPercent: number;
  upstreamCpuPercent: number;
  p50Ms: number;
  p99Ms: number;
}

interface TtfbSummary {
  subject: CrossProtocolSubject['id'];
  p50Ms: number;
  p99Ms: number;
  addedOverDirectP50: RatioSummary;
  addedOverDirectP99: RatioSummary;
  addedOverProxyP50: RatioSummary;
}

export function buildCrossProtocolReport(input: {
  environment: Environment;
  options: RoundOptions;
  rounds: readonly RoundResult<CrossProtocolMeasurement>[];
}): { markdown: string; json: unknown; svg: string } {
  const { environment, options, rounds } = input;
  const subjects: CrossProtocolSubject['id'][] = ['direct', 'parse-proxy', 'switchyard'];
  const of = (id: string, figure: (m: CrossProtocolMeasurement) => number): number[] => series(rounds, id, figure);

  const traffic: TrafficSummary[] = (['parse-proxy', 'switchyard'] as const).flatMap((subject) =>
    TRAFFIC.map((kind) => {
      const pick = (field: keyof SaturationFigures) => (m: CrossProtocolMeasurement): number => kind.figures(m)?.[field] ?? Number.NaN;
      return {
        subject,
        traffic: kind.id,
        requestsPerSecond: median(of(subject, pick('requestsPerSecond'))),
        ratio: roundRatios(of(subject, pick('requestsPerSecond')), of('parse-proxy', pick('requestsPerSecond'))),
        cpuMicrosPerRequest: median(of(subject, pick('cpuMicrosPerRequest'))),
        cpuRatio: roundRatios(of(subject, pick('cpuMicrosPerRequest')), of('parse-proxy', pick('cpuMicrosPerRequest'))),
        subjectCpuPercent: median(of(subject, pick('subjectCpuPercent'))),
        upstreamCpuPercent: median(of(subject, pick('upstreamCpuPercent'))),
        p50Ms: median(of(subject, pick('p50Ms'))),
        p99Ms: median(of(subject, pick('p99Ms'))),
      };
    }),
  );
  const p50 = (m: CrossProtocolMeasurement): number => m.ttfb.p50Ms;
  const p99 = (m: CrossProtocolMeasurement): number => m.ttfb.p99Ms;
  const ttfb: TtfbSummary[] = subjects.map((subject) => ({
    subject,
    p50Ms: median(of(subject, p50)),
    p99Ms: median(of(subject, p99)),
    addedOverDirectP50: roundDifferences(of(subject, p50), of('direct', p50)),
    addedOverDirectP99: roundDifferences(of(subject, p99), of('direct', p99)),
    addedOverProxyP50: roundDifferences(of(subject, p50), of('parse-proxy', p50)),
  }));

  const gatewayTraffic = (kind: string): TrafficSummary | undefined => traffic.find((row) => row.subject === 'switchyard' && row.traffic === kind);
  const gatewayTtfb = ttfb.find((row) => row.subject === 'switchyard');
  const verdict = (ok: boolean, value: number): string => (!Number.isFinite(value) ? 'NOT MEASURED' : ok ? 'PASS' : 'FAIL');
  const targets = [
    ...TRAFFIC.flatMap((kind) => {
      const ratio = gatewayTraffic(kind.id)?.ratio.median ?? Number.NaN;
      const cpuBound = 1 / (gatewayTraffic(kind.id)?.cpuRatio.median ?? Number.NaN);
      return [
        { name: `req/s, ${kind.label}, measured`, goal: `≥ ${MIN_RATIO * 100}% of the parsing proxy`, measured: `${formatRatio(ratio)} (${(ratio * 100).toFixed(1)}%)`, verdict: verdict(ratio >= MIN_RATIO, ratio) },
        {
          name: `req/s, ${kind.label}, CPU-bound (1 / CPU ratio)`,
          goal: `≥ ${MIN_RATIO * 100}% of the parsing proxy`,
          measured: `${formatRatio(cpuBound)} (${(cpuBound * 100).toFixed(1)}%)`,
          verdict: verdict(cpuBound >= MIN_RATIO, cpuBound),
        },
      ];
    }),
    ...([
      ['time to first byte p50, added over the parsing proxy', gatewayTtfb?.addedOverProxyP50.median ?? Number.NaN],
      ['time to first byte p50, added over direct', gatewayTtfb?.addedOverDirectP50.median ?? Number.NaN],
    ] as const).map(([name, added]) => ({ name, goal: `< ${MAX_ADDED_TTFB_MS} ms`, measured: `${formatDelta(added, 3)} ms`, verdict: verdict(added < MAX_ADDED_TTFB_MS, added) })),
  ];

  const foreign = rounds.flatMap((round) => Object.values(round.measurements).flatMap((m) => [m.chat?.foreignCpuPercent ?? Number.NaN, m.stream?.foreignCpuPercent ?? Number.NaN, m.ttfb.foreignCpuPercent]));
  const finiteForeign = foreign.filter((value) => Number.isFinite(value));
  const busyNote = `Taken on a busy machine: 2 shared cores with other work running (load average ${environment.loadAverageAtStart} at the start, ${environment.loadAverageAtEnd} at the end; other processes used a median ${formatNumber(median(finiteForeign))}% and at most ${formatNumber(Math.max(...finiteForeign))}% of a core during the phases). Read the ratios, not the absolute numbers.`;
  const labelOf = (id: string): string => ({ direct: 'direct to the emulator', 'parse-proxy': 'parsing Node proxy (OpenAI → OpenAI)', switchyard: 'Switchyard (Anthropic → OpenAI)' })[id] ?? id;

  const markdown = [
    '# Cross-protocol: Anthropic Messages client → Switchyard → OpenAI Chat upstream',
    '',
    `Run ${environment.startedAt} – ${environment.finishedAt}. ${environment.cpuModel}, ${environment.cores} cores, Node ${environment.node}; ${environment.pinning}.`,
    '',
    `> ${busyNote}`,
    '',
    'Switchyard (`createGateway` + `listen`, silent logger, no ledger) takes `POST /v1/messages` and translates it to OpenAI Chat for the provider',
    "emulator's `/openai/v1` (`time_scale: 0`, a 50-token answer), then translates the answer or the stream back to Anthropic's format. The",
    'baseline is the parsing Node proxy (`bench/subjects/servers/parse-proxy.ts`): it parses the OpenAI Chat body and re-serializes it, untranslated,',
    'to the same emulator (and parses and re-serializes non-streaming answers; streams are piped). Both ask for the same answer, so the emulator',
    'does the same work; the OpenAI client asks for the stream usage chunk, which an Anthropic stream always carries.',
    `${options.rounds} interleaved rounds; in each, every phase runs for every subject back to back, in an order that reverses every round. Phases: ${options.durationSeconds} s of saturation`,
    `with ${options.connections} connections (autocannon) for each kind of traffic, then ${options.ttfbRequests} sequential streams on one keep-alive connection for the time to first body byte.`,
    'Medians over rounds; ratios and differences are taken round by round against the parsing proxy (or direct) in the same round, then the median (min–max in brackets).',
    '',
    '| subject | traffic | req/s | × parsing proxy (rounds min–max) | CPU µs/req | × (rounds min–max) | 1 / CPU × | subject CPU | emulator CPU | p50 / p99 saturated (ms) |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...traffic.map(
      (row) =>
        `| ${labelOf(row.subject)} | ${TRAFFIC.find((kind) => kind.id === row.traffic)?.label ?? row.traffic} | ${formatNumber(row.requestsPerSecond)} | ${row.subject === 'parse-proxy' ? '1.000×' : `${formatRatio(row.ratio.median)} (${row.ratio.min.toFixed(3)}–${row.ratio.max.toFixed(3)})`} | ${formatNumber(row.cpuMicrosPerRequest)} | ${row.subject === 'parse-proxy' ? '1.000×' : `${formatRatio(row.cpuRatio.median)} (${row.cpuRatio.min.toFixed(3)}–${row.cpuRatio.max.toFixed(3)})`} | ${row.subject === 'parse-proxy' ? '1.000×' : formatRatio(1 / row.cpuRatio.median)} | ${formatNumber(row.subjectCpuPercent)}% | ${formatNumber(row.upstreamCpuPercent)}% | ${formatNumber(row.p50Ms, 1)} / ${formatNumber(row.p99Ms, 1)} |`,
    ),
    '',
    '| subject | TTFB p50 (ms) | TTFB p99 (ms) | added over direct, p50 (ms) | added over direct, p99 (ms) | added over the parsing proxy, p50 (ms) |',
    '|---|--:|--:|--:|--:|--:|',
    ...ttfb.map(
      (row) =>
        `| ${labelOf(row.subject)} | ${formatNumber(row.p50Ms, 3)} | ${formatNumber(row.p99Ms, 3)} | ${row.subject === 'direct' ? '–' : `${formatDelta(row.addedOverDirectP50.median, 3)} (${formatDelta(row.addedOverDirectP50.min, 3)} … ${formatDelta(row.addedOverDirectP50.max, 3)})`} | ${row.subject === 'direct' ? '–' : formatDelta(row.addedOverDirectP99.median, 3)} | ${row.subject === 'switchyard' ? `${formatDelta(row.addedOverProxyP50.median, 3)} (${formatDelta(row.addedOverProxyP50.min, 3)} … ${formatDelta(row.addedOverProxyP50.max, 3)})` : '–'} |`,
    ),
    '',
    '"1 / CPU ×" is the requests/s ratio to expect where each proxy alone is the bottleneck (its CPU per request decides its throughput).',
    `Here neither was: the subjects used a median ${formatNumber(median(traffic.map((row) => row.subjectCpuPercent)))}% of their core at saturation, because other work took CPU from both sides,`,
    'so the measured req/s ratio understates the difference; the CPU ratio does not depend on which side was short of CPU.',
    '',
    '![cross-protocol](cross-protocol.svg)',
    '',
    '## Targets',
    '',
    '| target | goal | measured | verdict |',
    '|---|---|---|---|',
    ...targets.map((target) => `| ${target.name} | ${target.goal} | ${target.measured} | **${target.verdict}** |`),
    '',
    '## Rounds',
    '',
    '| round | order | parsing proxy req/s (non-streaming / streaming) | Switchyard req/s | TTFB p50 ms (direct / proxy / Switchyard) | foreign CPU, max (% of a core) |',
    '|--:|---|--:|--:|--:|--:|',
    ...rounds.map((round) => {
      const m = round.measurements;
      const pair = (id: string): string => `${formatNumber(m[id]?.chat?.requestsPerSecond ?? Number.NaN)} / ${formatNumber(m[id]?.stream?.requestsPerSecond ?? Number.NaN)}`;
      const roundForeign = Object.values(m).flatMap((x) => [x.chat?.foreignCpuPercent ?? 0, x.stream?.foreignCpuPercent ?? 0, x.ttfb.foreignCpuPercent]);
      return `| ${round.round} | ${round.order.join(' → ')} | ${pair('parse-proxy')} | ${pair('switchyard')} | ${subjects.map((id) => formatNumber(m[id]?.ttfb.p50Ms ?? Number.NaN, 3)).join(' / ')} | ${formatNumber(Math.max(...roundForeign))} |`;
    }),
    '',
    '## Notes',
    '',
    '- "subject CPU" is the proxy\'s or gateway\'s CPU over the saturation run, in % of one core: near 100% means it was the bottleneck. The emulator shares the other core with the load generator.',
    '- Time to first byte is the first body byte: for Switchyard, `message_start`, written once the upstream\'s first chunk has been translated.',
    '- Added TTFB is a difference of medians taken in the same round; values near zero, even negative, are noise.',
    '',
  ].join('\n');

  const svg = renderChart('Anthropic Messages → Switchyard → OpenAI Chat, beside a parsing proxy', `Median of ${rounds.length} interleaved rounds, whiskers min–max; busy 2-core machine, ${environment.startedAt.slice(0, 10)}`, [
    {
      title: 'Requests/s, ratio to the parsing proxy (higher is better)',
      unit: '×',
      bars: TRAFFIC.flatMap((kind) => {
        const row = gatewayTraffic(kind.id);
        const cpu = row?.cpuRatio;
        return [
          { label: `${kind.label}, measured`, value: row?.ratio.median ?? Number.NaN, min: row?.ratio.min ?? Number.NaN, max: row?.ratio.max ?? Number.NaN },
          // 1 / CPU ratio: the whisker flips (the highest CPU ratio is the lowest throughput).
          { label: `${kind.label}, CPU-bound`, value: 1 / (cpu?.median ?? Number.NaN), min: 1 / (cpu?.max ?? Number.NaN), max: 1 / (cpu?.min ?? Number.NaN) },
        ];
      }),
      reference: { value: 1, label: '1.0 = parsing proxy' },
      target: { value: MIN_RATIO, label: `target ≥ ${MIN_RATIO}`, higherIsBetter: true },
    },
    {
      title: 'Time to first byte added, p50 (ms, lower is better)',
      unit: ' ms',
      bars: [
        { label: 'Switchyard over the parsing proxy', summary: gatewayTtfb?.addedOverProxyP50 },
        { label: 'Switchyard over direct', summary: gatewayTtfb?.addedOverDirectP50 },
        { label: 'parsing proxy over direct', summary: ttfb.find((row) => row.subject === 'parse-proxy')?.addedOverDirectP50 },
      ].map(({ label, summary }) => ({ label, value: summary?.median ?? Number.NaN, min: summary?.min ?? Number.NaN, max: summary?.max ?? Number.NaN })),
      target: { value: MAX_ADDED_TTFB_MS, label: `target < ${MAX_ADDED_TTFB_MS} ms`, higherIsBetter: false },
    },
  ]);

  const json = { environment, options, summaries: { traffic, ttfb }, targets, rounds };
  return { markdown, json, svg };
}
