/** Number formatting and ratios shared by the markdown and SVG reports. */
import type { SubjectResult } from './results.js';

export const MB = 1_000_000;

export function formatNumber(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatRatio(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '' : ` (${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×)`;
}

/** value / reference, or null when either is missing or the reference is too small to divide by. */
export function ratio(value: number | null | undefined, reference: number | null | undefined, minimumReference = 1e-9): number | null {
  if (value === null || value === undefined || reference === null || reference === undefined) return null;
  if (!Number.isFinite(value) || !Number.isFinite(reference) || Math.abs(reference) < minimumReference) return null;
  return value / reference;
}

/** The metrics the table and chart show, pulled out of one subject's result (null when not measured). */
export interface SubjectMetrics {
  requestsPerSecond: number | null;
  cpuMicrosPerRequest: number | null;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  addedTtfbP50Ms: number | null;
  addedTtfbP99Ms: number | null;
  peakRssBytes: number | null;
}

export function metricsOf(subject: SubjectResult | undefined): SubjectMetrics {
  return {
    requestsPerSecond: subject?.saturation?.requestsPerSecond ?? null,
    cpuMicrosPerRequest: subject?.saturation?.cpuMicrosPerRequest ?? null,
    latencyP50Ms: subject?.paced?.p50Ms ?? null,
    latencyP99Ms: subject?.paced?.p99Ms ?? null,
    addedTtfbP50Ms: subject?.ttfb?.addedP50Ms ?? null,
    addedTtfbP99Ms: subject?.ttfb?.addedP99Ms ?? null,
    peakRssBytes: subject?.memory?.peakRssBytes ?? null,
  };
}
