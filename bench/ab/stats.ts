/**
 * Medians and ratios of interleaved rounds. A subject's ratio is taken round by round against the
 * baseline measured next to it in the same round, then the median of those ratios is reported: on a
 * busy machine a slow spell hits both halves of a round, and the median drops the rounds it spoiled.
 */

export function median(values: readonly number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((left, right) => left - right);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface RatioSummary {
  /** Median of the per-round ratios subject / baseline. */
  median: number;
  /** The lowest and highest per-round ratio: the spread the noise left. */
  min: number;
  max: number;
  perRound: number[];
}

/** subject[i] / baseline[i] for each round i, summarised. */
export function roundRatios(subject: readonly number[], baseline: readonly number[]): RatioSummary {
  const perRound = subject.map((value, index) => value / (baseline[index] ?? Number.NaN)).filter((value) => Number.isFinite(value));
  return {
    median: median(perRound),
    min: perRound.length === 0 ? Number.NaN : Math.min(...perRound),
    max: perRound.length === 0 ? Number.NaN : Math.max(...perRound),
    perRound,
  };
}

/** subject[i] − baseline[i] for each round i, summarised the same way (for latencies in ms). */
export function roundDifferences(subject: readonly number[], baseline: readonly number[]): RatioSummary {
  const perRound = subject.map((value, index) => value - (baseline[index] ?? Number.NaN)).filter((value) => Number.isFinite(value));
  return {
    median: median(perRound),
    min: perRound.length === 0 ? Number.NaN : Math.min(...perRound),
    max: perRound.length === 0 ? Number.NaN : Math.max(...perRound),
    perRound,
  };
}

/** Rounded for JSON and tables: `digits` decimals, NaN as null. */
export function rounded(value: number, digits = 2): number | null {
  if (!Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
