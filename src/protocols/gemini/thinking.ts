/**
 * `generationConfig.thinkingConfig` ↔ canonical reasoning request.
 * https://ai.google.dev/gemini-api/docs/thinking
 *
 * - Gemini 3 models take `thinkingLevel` (MINIMAL, LOW, MEDIUM, HIGH); 2.5 models take `thinkingBudget`
 *   (0 disables thinking where the model allows it, -1 is dynamic). Sending both is a 400, so an
 *   explicit budget wins over an effort.
 * - effort → Gemini 3 level: none → MINIMAL (Gemini 3 cannot switch thinking off), xhigh → HIGH.
 * - effort → 2.5 budget (documented here because Gemini has no effort knob for 2.5):
 *   none 0, minimal 512, low 1024, medium 8192, high 16384, xhigh 24576 (the 2.5 Flash maximum;
 *   2.5 Pro accepts 128–32768 and cannot disable thinking, so `none` fails there upstream).
 * - decode: `thinkingBudget` 0 → effort none, -1 → nothing (dynamic is the default), n > 0 →
 *   budgetTokens; `thinkingLevel` → effort (any case).
 */
import type { ReasoningRequest } from '../../canonical/types.js';
import {
  compact,
  invalidRequest,
  joinPath,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  type JsonObject,
} from './fields.js';

type Effort = NonNullable<ReasoningRequest['effort']>;

const LEVEL_FOR_EFFORT: Record<Effort, string> = {
  none: 'MINIMAL',
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  xhigh: 'HIGH',
};

export const THINKING_BUDGET_FOR_EFFORT: Record<Effort, number> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
};

const EFFORT_FOR_LEVEL: Record<string, Effort | undefined> = {
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  thinking_level_unspecified: undefined,
};

/** Gemini 3 and later take `thinkingLevel`; earlier models only `thinkingBudget`. */
export function usesThinkingLevel(model: string): boolean {
  const match = /gemini-(\d+)/i.exec(model);
  return match !== null && Number(match[1]) >= 3;
}

export function decodeThinkingConfig(config: JsonObject, path: string): ReasoningRequest | undefined {
  const budget = optionalInteger(config, 'thinkingBudget', path);
  const level = optionalString(config, 'thinkingLevel', path);
  const includeThoughts = optionalBoolean(config, 'includeThoughts', path);
  if (budget !== undefined && level !== undefined) {
    throw invalidRequest(joinPath(path, 'thinkingLevel'), 'cannot be combined with thinkingBudget');
  }
  const reasoning: ReasoningRequest = {};
  if (budget !== undefined) {
    if (budget === 0) reasoning.effort = 'none';
    else if (budget > 0) reasoning.budgetTokens = budget;
    else if (budget !== -1) throw invalidRequest(joinPath(path, 'thinkingBudget'), 'must be -1 (dynamic), 0 (off) or a positive token count');
  }
  if (level !== undefined) {
    const key = level.toLowerCase();
    if (!(key in EFFORT_FOR_LEVEL)) {
      throw invalidRequest(joinPath(path, 'thinkingLevel'), `must be one of MINIMAL, LOW, MEDIUM, HIGH, got ${JSON.stringify(level)}`);
    }
    const effort = EFFORT_FOR_LEVEL[key];
    if (effort !== undefined) reasoning.effort = effort;
  }
  if (includeThoughts !== undefined) reasoning.includeThoughts = includeThoughts;
  return Object.keys(reasoning).length > 0 ? reasoning : undefined;
}

export function encodeThinkingConfig(reasoning: ReasoningRequest, model: string): JsonObject | undefined {
  const config: JsonObject = {};
  if (reasoning.budgetTokens !== undefined) config.thinkingBudget = reasoning.budgetTokens;
  else if (reasoning.effort !== undefined) {
    if (usesThinkingLevel(model)) config.thinkingLevel = LEVEL_FOR_EFFORT[reasoning.effort];
    else config.thinkingBudget = THINKING_BUDGET_FOR_EFFORT[reasoning.effort];
  }
  if (reasoning.includeThoughts !== undefined) config.includeThoughts = reasoning.includeThoughts;
  return Object.keys(config).length > 0 ? compact(config) : undefined;
}

/** Reads `generationConfig.thinkingConfig` if present. */
export function readThinkingConfig(generationConfig: JsonObject, path: string): ReasoningRequest | undefined {
  const config = optionalObject(generationConfig, 'thinkingConfig', path);
  return config === undefined ? undefined : decodeThinkingConfig(config, joinPath(path, 'thinkingConfig'));
}
