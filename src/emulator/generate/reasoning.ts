/**
 * Hidden reasoning: how many tokens a reasoning model "thinks" before answering. Counts grow with
 * the effort and come in multiples of 64, as OpenAI reports them. Only reasoning-capable models
 * think, and only when the caller asked for an effort (absent or `none` means no reasoning).
 */
import type { CatalogModel } from '../catalog.js';
import type { SeededRandom } from '../random.js';

const EFFORT_RANGES: Record<string, [number, number]> = {
  minimal: [0, 1],
  low: [1, 4],
  medium: [3, 12],
  high: [8, 32],
  xhigh: [16, 64],
};

export function reasoningTokensFor(model: CatalogModel, effort: string | undefined, random: SeededRandom): number {
  if (!model.reasoning || effort === undefined) return 0;
  const range = EFFORT_RANGES[effort];
  if (range === undefined) return 0;
  return random.integer(range[0], range[1]) * 64;
}
