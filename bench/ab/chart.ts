/**
 * A dependency-free SVG of interleaved results: panels of horizontal bars, each bar a median over
 * rounds with a whisker from the lowest to the highest round, a dashed reference line and the
 * target line. Bars that meet their target are blue, the others orange, controls grey.
 */

export interface ChartBar {
  label: string;
  /** The median across rounds. */
  value: number;
  /** Lowest and highest round: the whisker. */
  min: number;
  max: number;
  /** A control (A/A) bar: grey, never judged against the target. */
  neutral?: boolean;
}

export interface ChartPanel {
  title: string;
  /** Appended to the value printed after each bar: `×`, ` ms`. */
  unit: string;
  bars: ChartBar[];
  /** A dashed grey line, e.g. 1.0 for a ratio to the baseline. */
  reference?: { value: number; label: string };
  /** The red line bars must reach (or stay under); without it every bar is blue. */
  target?: { value: number; label: string; higherIsBetter: boolean };
}

const WIDTH = 760;
const LABEL_WIDTH = 230;
const ROW = 30;
const PLOT_WIDTH = 380;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function finite(values: number[]): number[] {
  return values.filter((value) => Number.isFinite(value));
}

function renderPanel(panel: ChartPanel, top: number): { svg: string; height: number } {
  const values = finite(panel.bars.flatMap((bar) => [bar.value, bar.max]));
  const scaleMax = Math.max((panel.target?.value ?? 0) * 1.15, (panel.reference?.value ?? 0) * 1.15, ...values.map((value) => value * 1.05), 1e-9);
  const x = (value: number): number => LABEL_WIDTH + (Math.max(0, value) / scaleMax) * PLOT_WIDTH;
  const plotTop = top + 28;
  const plotHeight = panel.bars.length * ROW;
  const parts = [`<text x="10" y="${top + 14}" font-size="14" font-weight="600">${escapeXml(panel.title)}</text>`];
  const verticalLine = (value: number, color: string, label: string, dash: string, labelRow: number): void => {
    const position = x(value).toFixed(1);
    parts.push(`<line x1="${position}" y1="${plotTop - 4}" x2="${position}" y2="${plotTop + plotHeight + 4}" stroke="${color}" stroke-dasharray="${dash}"/>`);
    parts.push(`<text x="${position}" y="${plotTop + plotHeight + 16 + labelRow * 13}" font-size="11" text-anchor="middle" fill="${color}">${escapeXml(label)}</text>`);
  };
  if (panel.reference !== undefined) verticalLine(panel.reference.value, '#9aa5b1', panel.reference.label, '4 3', 0);
  if (panel.target !== undefined) verticalLine(panel.target.value, '#c0392b', panel.target.label, '6 3', panel.reference === undefined ? 0 : 1);
  panel.bars.forEach((bar, index) => {
    const y = plotTop + index * ROW;
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 19}" font-size="12" text-anchor="end">${escapeXml(bar.label)}</text>`);
    if (!Number.isFinite(bar.value)) {
      parts.push(`<text x="${LABEL_WIDTH + 4}" y="${y + 19}" font-size="12" fill="#7b8794">not measured</text>`);
      return;
    }
    const { target } = panel;
    const meets = target === undefined || (target.higherIsBetter ? bar.value >= target.value : bar.value < target.value);
    const fill = bar.neutral === true ? '#9aa5b1' : meets ? '#2f80ed' : '#e8833a';
    const end = x(bar.value);
    parts.push(`<rect x="${LABEL_WIDTH}" y="${y + 6}" width="${Math.max(1, end - LABEL_WIDTH).toFixed(1)}" height="${ROW - 12}" fill="${fill}" rx="2"/>`);
    if (Number.isFinite(bar.min) && Number.isFinite(bar.max)) {
      const middle = y + ROW / 2;
      parts.push(`<line x1="${x(bar.min).toFixed(1)}" y1="${middle}" x2="${x(bar.max).toFixed(1)}" y2="${middle}" stroke="#1f2933" stroke-width="1.5"/>`);
      for (const edge of [bar.min, bar.max]) parts.push(`<line x1="${x(edge).toFixed(1)}" y1="${middle - 5}" x2="${x(edge).toFixed(1)}" y2="${middle + 5}" stroke="#1f2933" stroke-width="1.5"/>`);
    }
    const labelX = Math.max(end, Number.isFinite(bar.max) ? x(bar.max) : end) + 8;
    parts.push(`<text x="${labelX.toFixed(1)}" y="${y + 19}" font-size="12">${bar.value.toFixed(panel.unit === '×' ? 3 : 2)}${escapeXml(panel.unit)}</text>`);
  });
  const lines = (panel.reference === undefined ? 0 : 1) + (panel.target === undefined ? 0 : 1);
  return { svg: parts.join('\n'), height: 28 + plotHeight + 18 + lines * 13 };
}

export function renderChart(title: string, subtitle: string, panels: readonly ChartPanel[]): string {
  let top = 58;
  const bodies: string[] = [];
  for (const panel of panels) {
    const rendered = renderPanel(panel, top);
    bodies.push(rendered.svg);
    top += rendered.height;
  }
  const height = top + 8;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="10" y="42" font-size="12" fill="#52606d">${escapeXml(subtitle)}</text>`,
    ...bodies,
    '</svg>',
    '',
  ].join('\n');
}
