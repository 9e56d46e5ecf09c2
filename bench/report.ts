/**
 * The report of one run: the markdown table (stdout and bench/results/latest.md), the JSON of every
 * measurement (latest.json), the bar chart (latest.svg), and PASS/FAIL for Switchyard's targets.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NOISY_PERCENT } from './metrics/machine.js';
import { renderChart } from './report-svg.js';
import { formatNumber, formatRatio, MB, metricsOf, ratio } from './report-format.js';
import type { BenchReport, RunEnvironment, SubjectResult, TargetVerdict } from './results.js';

const TARGET_SUBJECT = 'switchyard';

function targetsFor(subjects: SubjectResult[], referenceId: string): TargetVerdict[] {
  const gateway = subjects.find((subject) => subject.id === TARGET_SUBJECT);
  const reference = subjects.find((subject) => subject.id === referenceId);
  const notMeasured = (name: string, goal: string, why: string): TargetVerdict => ({ name, goal, measured: why, verdict: 'NOT MEASURED' });
  const why = gateway === undefined ? 'switchyard not run' : gateway.status !== 'measured' ? `switchyard ${gateway.status}` : '';
  const verdicts: TargetVerdict[] = [];

  const throughputGoal = '≥ 90% of the bare proxy\'s requests/s (same-protocol passthrough)';
  const gatewayRps = gateway?.saturation?.requestsPerSecond;
  const referenceRps = reference?.saturation?.requestsPerSecond;
  if (gatewayRps === undefined || referenceRps === undefined || referenceRps <= 0)
    verdicts.push(notMeasured('throughput', throughputGoal, why || 'bare proxy not measured'));
  else {
    const share = gatewayRps / referenceRps;
    verdicts.push({
      name: 'throughput',
      goal: throughputGoal,
      measured: `${formatNumber(gatewayRps, 0)} req/s = ${(share * 100).toFixed(1)}% of ${formatNumber(referenceRps, 0)}`,
      verdict: share >= 0.9 ? 'PASS' : 'FAIL',
    });
  }

  const ttfbGoal = 'added time to first byte within 0.5 ms of the bare proxy\'s (median)';
  const gatewayTtfb = gateway?.ttfb?.addedP50Ms;
  const referenceTtfb = reference?.ttfb?.addedP50Ms;
  if (gatewayTtfb === undefined || referenceTtfb === undefined)
    verdicts.push(notMeasured('time to first byte', ttfbGoal, why || 'bare proxy not measured'));
  else {
    const extra = gatewayTtfb - referenceTtfb;
    verdicts.push({
      name: 'time to first byte',
      goal: ttfbGoal,
      measured: `${extra >= 0 ? '+' : ''}${extra.toFixed(3)} ms vs the bare proxy (p99 ${formatNumber((gateway?.ttfb?.addedP99Ms ?? Number.NaN) - (reference?.ttfb?.addedP99Ms ?? Number.NaN), 3)} ms)`,
      verdict: extra <= 0.5 ? 'PASS' : 'FAIL',
    });
  }

  const memoryGoal = '< 150 MB peak RSS with 1,000 concurrent streams, all intact';
  const memory = gateway?.memory;
  if (memory === undefined || memory === null) verdicts.push(notMeasured('memory', memoryGoal, why || 'memory phase failed'));
  else {
    const intact = memory.streams.intact === memory.streams.opened;
    verdicts.push({
      name: 'memory',
      goal: memoryGoal,
      measured: `${formatNumber(memory.peakRssBytes / MB, 1)} MB with ${memory.streams.intact}/${memory.streams.opened} streams intact`,
      verdict: memory.peakRssBytes < 150 * MB && intact ? 'PASS' : 'FAIL',
    });
  }
  return verdicts;
}

export function buildReport(environment: RunEnvironment, referenceSubject: string, subjects: SubjectResult[]): BenchReport {
  return { environment, referenceSubject, subjects, targets: targetsFor(subjects, referenceSubject) };
}

function tableRow(subject: SubjectResult, reference: SubjectResult | undefined): string {
  if (subject.status !== 'measured') return `| ${subject.label} | ${subject.status} | | | | | | |`;
  const own = metricsOf(subject);
  const base = metricsOf(reference);
  const cell = (value: number | null, referenceValue: number | null, digits: number, scale = 1): string =>
    value === null ? '—' : `${formatNumber(value / scale, digits)}${formatRatio(ratio(value, referenceValue))}`;
  const ttfbCell = (value: number | null, referenceValue: number | null): string =>
    value === null || !Number.isFinite(value)
      ? '—'
      : // A ratio of two differences near zero (or of opposite signs) says nothing; show it only when both are clearly positive.
        `${value >= 0 ? '+' : ''}${value.toFixed(3)}${value > 0.01 && referenceValue !== null && referenceValue > 0.01 ? formatRatio(ratio(value, referenceValue)) : ''}`;
  return [
    '',
    ` ${subject.label} `,
    ` ${cell(own.requestsPerSecond, base.requestsPerSecond, 0)} `,
    ` ${cell(own.cpuMicrosPerRequest, base.cpuMicrosPerRequest, 0)} `,
    ` ${cell(own.latencyP50Ms, base.latencyP50Ms, 2)} `,
    ` ${cell(own.latencyP99Ms, base.latencyP99Ms, 2)} `,
    ` ${ttfbCell(own.addedTtfbP50Ms, base.addedTtfbP50Ms)} `,
    ` ${ttfbCell(own.addedTtfbP99Ms, base.addedTtfbP99Ms)} `,
    ` ${cell(own.peakRssBytes, base.peakRssBytes, 1, MB)} `,
    '',
  ].join('|');
}

function notes(report: BenchReport): string[] {
  const lines: string[] = [];
  for (const subject of report.subjects) {
    if (subject.status !== 'measured') {
      lines.push(`- **${subject.label}: ${subject.status}.** ${subject.reason ?? ''}`);
      continue;
    }
    const parts: string[] = [];
    const saturation = subject.saturation;
    if (saturation !== null) {
      parts.push(`subject CPU ${saturation.subjectCpuBusyPercent.toFixed(0)}% busy at saturation`);
      const failed = saturation.non2xx + saturation.errors + saturation.timeouts;
      if (failed > 0) parts.push(`${failed} failed requests at saturation`);
      if (subject.id !== 'direct' && saturation.upstreamRequests + 200 < saturation.ok)
        parts.push(`upstream saw only ${saturation.upstreamRequests} of ${saturation.ok} requests`);
    }
    if (subject.paced !== null) {
      parts.push(`latency phase answered ${subject.paced.achievedRate.toFixed(0)} req/s (closed-loop view p99 ${subject.paced.rawP99Ms.toFixed(2)} ms)`);
      if (subject.paced.failed > 0) parts.push(`${subject.paced.failed} failed at the fixed rate`);
    }
    if (subject.memory !== null) {
      const memory = subject.memory;
      parts.push(
        `${memory.streams.intact}/${memory.streams.opened} streams intact, ${memory.upstreamMaxOpen} open at once upstream, idle RSS ${(memory.idleRssBytes / 1e6).toFixed(1)} MB (${memory.peakSource})`,
      );
    }
    if (subject.ttfb !== null)
      parts.push(
        `TTFB p50 ${subject.ttfb.p50Ms.toFixed(3)} ms / p99 ${subject.ttfb.p99Ms.toFixed(3)} ms against direct ${subject.ttfb.directP50Ms.toFixed(3)} / ${subject.ttfb.directP99Ms.toFixed(3)} ms`,
      );
    if (subject.ttfb !== null && subject.ttfb.failures > 0) parts.push(`${subject.ttfb.failures} TTFB streams failed: ${subject.ttfb.firstFailure ?? ''}`);
    const noisy = Object.entries(subject.foreignCpuPercent).filter(([, percent]) => percent >= NOISY_PERCENT);
    if (noisy.length > 0)
      parts.push(`**noisy**: other processes used ${noisy.map(([phase, percent]) => `${percent}% of a core during ${phase}`).join(', ')}`);
    for (const error of subject.errors) parts.push(`phase error: ${error}`);
    lines.push(`- ${subject.label}: ${parts.join('; ')}.`);
  }
  return lines;
}

function noiseWarning(report: BenchReport): string[] {
  const worst = Math.max(0, ...report.subjects.flatMap((subject) => Object.values(subject.foreignCpuPercent)));
  if (worst < NOISY_PERCENT) return [];
  return [
    '',
    `> **Noisy run:** other processes used up to ${worst}% of a core during a measurement (see Notes). Absolute numbers are unreliable; ratios less so. Rerun on an idle machine.`,
  ];
}

export function renderMarkdown(report: BenchReport): string {
  const { environment } = report;
  const { options } = environment;
  const reference = report.subjects.find((subject) => subject.id === report.referenceSubject && subject.status === 'measured');
  const lines = [
    `# Switchyard benchmark — ${environment.startedAt.slice(0, 16).replace('T', ' ')} UTC${options.quick ? ' (quick run)' : ''}`,
    '',
    `${environment.cpuModel}, ${environment.cores} cores, Node ${environment.node}. ${environment.pinning}. Open-file limit ${environment.openFileLimit}.`,
    `Saturation: ${options.connections} connections, ${options.durationSeconds} s after ${options.warmupSeconds} s warm-up. Latency: open loop at ${options.pacedRate} req/s for ${options.pacedSeconds} s, measured from each request's scheduled send time. TTFB: ${options.ttfbRequests} sequential streams minus direct. Memory: ${options.streams} concurrent streams of 50 chunks, one every ${options.streamChunkIntervalMs} ms.`,
    ...noiseWarning(report),
    '',
    '| Subject | req/s | CPU µs/req | p50 @ fixed rate (ms) | p99 @ fixed rate (ms) | added TTFB p50 (ms) | added TTFB p99 (ms) | peak RSS, streams (MB) |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...report.subjects.map((subject) => tableRow(subject, reference)),
    '',
    reference === undefined
      ? '_No ratios: the bare proxy was not measured in this run (add `bare-proxy` to `--only`)._'
      : '(×) is the ratio to the bare Node proxy. req/s: higher is better; every other column: lower is better.',
    '',
    '## Targets (Switchyard)',
    '',
    '| Target | Goal | Measured | Verdict |',
    '|---|---|---|---|',
    ...report.targets.map((target) => `| ${target.name} | ${target.goal} | ${target.measured} | **${target.verdict}** |`),
    '',
    '## Notes',
    '',
    ...notes(report),
    '',
  ];
  return lines.join('\n');
}

export async function writeReport(report: BenchReport, repoRoot: string): Promise<{ markdown: string; files: string[] }> {
  const folder = join(repoRoot, 'bench', 'results');
  await mkdir(folder, { recursive: true });
  const markdown = renderMarkdown(report);
  const files = [join(folder, 'latest.md'), join(folder, 'latest.json'), join(folder, 'latest.svg')];
  const [markdownFile, jsonFile, svgFile] = files as [string, string, string];
  await writeFile(markdownFile, markdown);
  await writeFile(jsonFile, `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`);
  await writeFile(svgFile, renderChart(report));
  return { markdown, files };
}
