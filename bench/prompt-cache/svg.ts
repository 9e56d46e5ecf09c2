/** The plot: cumulative input cost per turn, caching off against automatic caching, for both clients. */
import { resultFor, type RunResult } from './checks.js';

const WIDTH = 860;
const HEIGHT = 420;
const PLOT = { left: 70, right: 250, top: 56, bottom: 52 };

interface Line {
  id: RunResult['variant']['id'];
  label: string;
  color: string;
  dash: string;
  width: number;
}

const LINES: Line[] = [
  { id: 'anthropic-off', label: 'cache: off (Anthropic SDK)', color: '#d0563b', dash: '', width: 3 },
  { id: 'openai-off', label: 'cache: off (OpenAI SDK)', color: '#7a2412', dash: '6 5', width: 1.5 },
  { id: 'anthropic-auto', label: 'cache: auto (Anthropic SDK)', color: '#4a7bd0', dash: '', width: 3 },
  { id: 'openai-auto', label: 'cache: auto (OpenAI SDK)', color: '#17306b', dash: '6 5', width: 1.5 },
];

/** A round axis maximum: 1, 2, 2.5 or 5 times a power of ten, at or above `value`. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

export function cumulativeCostSvg(results: readonly RunResult[]): string {
  const series = LINES.map((line) => ({ line, dollars: resultFor(results, line.id).totals.cumulativeInputNanos.map((nanos) => nanos / 1e9) }));
  const turns = Math.max(...series.map(({ dollars }) => dollars.length));
  const top = niceCeiling(Math.max(...series.flatMap(({ dollars }) => dollars)));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (turn: number): number => PLOT.left + ((turn - 1) / Math.max(1, turns - 1)) * plotWidth;
  const y = (dollars: number): number => PLOT.top + plotHeight - (dollars / top) * plotHeight;
  const parts: string[] = [];
  parts.push(`<text x="${PLOT.left}" y="22" font-size="15" font-weight="bold">Cumulative input cost of a ${turns}-turn coding-agent session through the gateway</text>`);
  parts.push(`<text x="${PLOT.left}" y="40" font-size="12" fill="#555">Claude Sonnet 4.6 prices on the provider emulator; route cache: off against cache: auto</text>`);
  for (let step = 0; step <= 5; step++) {
    const value = (top / 5) * step;
    parts.push(`<line x1="${PLOT.left}" x2="${PLOT.left + plotWidth}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${PLOT.left - 8}" y="${(y(value) + 4).toFixed(1)}" font-size="12" text-anchor="end">$${value.toFixed(2)}</text>`);
  }
  for (let turn = 1; turn <= turns; turn++) {
    if (turn !== 1 && turn % 5 !== 0) continue;
    parts.push(`<line x1="${x(turn).toFixed(1)}" x2="${x(turn).toFixed(1)}" y1="${PLOT.top + plotHeight}" y2="${PLOT.top + plotHeight + 5}" stroke="#333"/>`);
    parts.push(`<text x="${x(turn).toFixed(1)}" y="${PLOT.top + plotHeight + 19}" font-size="12" text-anchor="middle">${turn}</text>`);
  }
  parts.push(`<line x1="${PLOT.left}" x2="${PLOT.left + plotWidth}" y1="${PLOT.top + plotHeight}" y2="${PLOT.top + plotHeight}" stroke="#333"/>`);
  parts.push(`<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.top + plotHeight}" stroke="#333"/>`);
  parts.push(`<text x="${PLOT.left + plotWidth / 2}" y="${HEIGHT - 10}" font-size="12" text-anchor="middle">turn (request) of the session</text>`);
  for (const { line, dollars } of series) {
    const points = dollars.map((value, index) => `${x(index + 1).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${line.color}" stroke-width="${line.width}"${line.dash === '' ? '' : ` stroke-dasharray="${line.dash}"`}/>`);
  }
  const offTotal = series[0]!.dollars.at(-1) ?? 0;
  const autoTotal = series[2]!.dollars.at(-1) ?? 0;
  if (offTotal > autoTotal) {
    const at = x(turns) - 1;
    parts.push(`<line x1="${at.toFixed(1)}" x2="${at.toFixed(1)}" y1="${y(offTotal).toFixed(1)}" y2="${y(autoTotal).toFixed(1)}" stroke="#333" stroke-dasharray="2 3"/>`);
    parts.push(`<text x="${(at - 6).toFixed(1)}" y="${y((offTotal + autoTotal) / 2).toFixed(1)}" font-size="12" text-anchor="end">saved $${(offTotal - autoTotal).toFixed(2)} (${(((offTotal - autoTotal) / offTotal) * 100).toFixed(1)}%)</text>`);
  }
  series.forEach(({ line, dollars }, index) => {
    const legendY = PLOT.top + 10 + index * 44;
    const legendX = PLOT.left + plotWidth + 16;
    parts.push(`<line x1="${legendX}" x2="${legendX + 24}" y1="${legendY}" y2="${legendY}" stroke="${line.color}" stroke-width="${line.width}"${line.dash === '' ? '' : ` stroke-dasharray="${line.dash}"`}/>`);
    parts.push(`<text x="${legendX + 30}" y="${legendY + 4}" font-size="11">${line.label}</text>`);
    parts.push(`<text x="${legendX + 30}" y="${legendY + 19}" font-size="11" fill="#555">total $${(dollars.at(-1) ?? 0).toFixed(4)}</text>`);
  });
  const same = (first: Line['id'], second: Line['id']): boolean => resultFor(results, first).totals.cumulativeInputNanos.join() === resultFor(results, second).totals.cumulativeInputNanos.join();
  if (same('anthropic-off', 'openai-off') && same('anthropic-auto', 'openai-auto')) {
    const noteY = PLOT.top + 10 + LINES.length * 44;
    parts.push(`<text x="${PLOT.left + plotWidth + 16}" y="${noteY}" font-size="10" fill="#555">Each dashed line lies on its solid</text>`);
    parts.push(`<text x="${PLOT.left + plotWidth + 16}" y="${noteY + 14}" font-size="10" fill="#555">one: the translated session</text>`);
    parts.push(`<text x="${PLOT.left + plotWidth + 16}" y="${noteY + 28}" font-size="10" fill="#555">costs the same, turn by turn.</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif"><rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>${parts.join('')}</svg>\n`;
}
