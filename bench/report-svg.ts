/**
 * The chart of one run as a dependency-free SVG: two panels of horizontal bars, requests/s and peak
 * RSS under 1,000 streams, each as a ratio to the bare Node proxy (the dashed line at 1.0).
 */
import { NOISY_PERCENT } from './metrics/machine.js';
import { formatNumber, MB, metricsOf, ratio } from './report-format.js';
import type { BenchReport, SubjectResult } from './results.js';

const WIDTH = 1000;
const ROW = 34;
const LABEL_WIDTH = 190;
const PANEL_GAP = 40;
const PANEL_WIDTH = (WIDTH - LABEL_WIDTH - PANEL_GAP - 30) / 2;
const TOP = 70;
const COLORS: Record<string, string> = {
  direct: '#9aa5b1',
  'bare-proxy': '#52606d',
  'parse-proxy': '#7b8794',
  switchyard: '#2f80ed',
  portkey: '#e4572e',
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Bar {
  subject: SubjectResult;
  ratio: number | null;
  caption: string;
}

function panel(title: string, bars: Bar[], left: number): string {
  const finite = bars.map((bar) => bar.ratio).filter((value): value is number => value !== null && Number.isFinite(value));
  const scaleMax = Math.max(1.2, ...finite);
  // The longest bar takes 62% of the panel; the rest is room for its label.
  const x = (value: number): number => left + (value / scaleMax) * PANEL_WIDTH * 0.62;
  const height = bars.length * ROW;
  const parts = [
    `<text x="${left}" y="${TOP - 16}" font-size="14" font-weight="600">${escapeXml(title)}</text>`,
    // The reference line goes first so bars and labels are drawn over it.
    `<line x1="${x(1).toFixed(1)}" y1="${TOP - 4}" x2="${x(1).toFixed(1)}" y2="${TOP + height + 4}" stroke="#9aa5b1" stroke-dasharray="4 3"/>`,
    `<text x="${x(1).toFixed(1)}" y="${TOP + height + 18}" font-size="11" text-anchor="middle" fill="#52606d">1.0 = bare proxy</text>`,
  ];
  bars.forEach((bar, index) => {
    const y = TOP + index * ROW;
    if (bar.ratio === null || !Number.isFinite(bar.ratio)) {
      parts.push(`<text x="${left + 4}" y="${y + 20}" font-size="12" fill="#7b8794">${escapeXml(bar.caption)}</text>`);
      return;
    }
    const color = COLORS[bar.subject.id] ?? '#7b8794';
    const width = Math.max(1, x(bar.ratio) - left);
    parts.push(`<rect x="${left}" y="${y + 6}" width="${width.toFixed(1)}" height="${ROW - 12}" fill="${color}" rx="2"/>`);
    parts.push(
      `<text x="${(left + width + 6).toFixed(1)}" y="${y + 21}" font-size="12">${bar.ratio.toFixed(2)}× <tspan fill="#52606d">${escapeXml(bar.caption)}</tspan></text>`,
    );
  });
  return parts.join('\n');
}

export function renderChart(report: BenchReport): string {
  const reference = metricsOf(report.subjects.find((subject) => subject.id === report.referenceSubject && subject.status === 'measured'));
  const subjects = report.subjects;
  const throughput: Bar[] = subjects.map((subject) => {
    const value = metricsOf(subject).requestsPerSecond;
    return {
      subject,
      ratio: ratio(value, reference.requestsPerSecond),
      caption: value === null ? `(${subject.status})` : `${formatNumber(value, 0)} req/s`,
    };
  });
  const memory: Bar[] = subjects.map((subject) => {
    const value = metricsOf(subject).peakRssBytes;
    return {
      subject,
      ratio: ratio(value, reference.peakRssBytes),
      caption: value === null ? `(${subject.status})` : `${formatNumber(value / MB, 0)} MB`,
    };
  });
  const height = TOP + subjects.length * ROW + 60;
  const labels = subjects
    .map((subject, index) => `<text x="${LABEL_WIDTH - 10}" y="${TOP + index * ROW + 21}" font-size="13" text-anchor="end">${escapeXml(subject.label)}</text>`)
    .join('\n');
  const date = report.environment.startedAt.slice(0, 16).replace('T', ' ');
  const noisy = report.subjects.some((subject) => Object.values(subject.foreignCpuPercent).some((percent) => percent >= NOISY_PERCENT));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" fill="#1f2933">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="16" y="26" font-size="16" font-weight="700">Switchyard benchmark: ratios to a bare Node proxy <tspan dx="6" font-size="12" font-weight="400" fill="#52606d">${escapeXml(date)} UTC${report.environment.options.quick ? ', quick run' : ''}</tspan>${noisy ? '<tspan dx="10" font-size="12" font-weight="700" fill="#d64545">NOISY: the machine was busy</tspan>' : ''}</text>
${labels}
${panel('Requests/s at saturation (higher is better)', throughput, LABEL_WIDTH)}
${panel(`Peak RSS, ${report.environment.options.streams} open streams (lower is better)`, memory, LABEL_WIDTH + PANEL_WIDTH + PANEL_GAP)}
<text x="16" y="${height - 12}" font-size="11" fill="#52606d">${escapeXml(`${report.environment.cpuModel}, Node ${report.environment.node}; ${report.environment.pinning}`)}</text>
</svg>
`;
}
