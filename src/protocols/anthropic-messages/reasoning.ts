import type { ReasoningRequest } from '../../canonical/types.js';
import type { AnthropicModelProfile } from './model-profiles.js';
import { FieldReader } from '../shared/field-reader.js';
import type { AnthropicEffort } from './wire-types.js';

/**
 * Reasoning settings ⇄ Anthropic `thinking` / `output_config.effort`
 * (https://platform.claude.com/docs/en/build-with-claude/extended-thinking, …/adaptive-thinking,
 * …/effort). The mapping tables are documented for users in README.md.
 */

export type CanonicalEffort = NonNullable<ReasoningRequest['effort']>;

/** Anthropic's floor for `budget_tokens` ("Must be ≥1024 and less than `max_tokens`"). */
export const MIN_THINKING_BUDGET = 1024;

/** Effort → `budget_tokens` for models that only take a manual budget. */
export const EFFORT_BUDGETS: Readonly<Record<Exclude<CanonicalEffort, 'none'>, number>> = {
  minimal: 1_024,
  low: 4_096,
  medium: 16_384,
  high: 32_768,
  xhigh: 65_536,
};

/**
 * Canonical effort → `output_config.effort` for adaptive thinking. `minimal` has no Anthropic level and
 * reads as `low`; `xhigh` falls back to `max` (the next level up) on models without `xhigh`
 * (Opus/Sonnet 4.6), then to `high`.
 */
export function toAnthropicEffort(effort: Exclude<CanonicalEffort, 'none'>, profile: AnthropicModelProfile): AnthropicEffort {
  const wanted: AnthropicEffort = effort === 'minimal' ? 'low' : effort;
  const ladder: readonly AnthropicEffort[] = wanted === 'xhigh' ? ['xhigh', 'max', 'high'] : [wanted, 'high'];
  return ladder.find((level) => profile.efforts.includes(level)) ?? 'high';
}

/** A manual budget on a model that only thinks adaptively: the effort level whose budget covers it. */
export function effortForBudget(budgetTokens: number): Exclude<CanonicalEffort, 'none' | 'minimal'> {
  if (budgetTokens <= EFFORT_BUDGETS.low) return 'low';
  if (budgetTokens <= EFFORT_BUDGETS.medium) return 'medium';
  if (budgetTokens <= EFFORT_BUDGETS.high) return 'high';
  return 'xhigh';
}

/** `output_config.effort` → canonical effort. `max` has no canonical level above `xhigh`. */
export function fromAnthropicEffort(effort: AnthropicEffort): CanonicalEffort {
  return effort === 'max' ? 'xhigh' : effort;
}

const ANTHROPIC_EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;

/**
 * Decodes a request's `thinking` and `output_config.effort` into the canonical reasoning request:
 * - `{type:"enabled", budget_tokens}` → `budgetTokens`;
 * - `{type:"adaptive"}` → `effort` from `output_config.effort`, else `high` (Anthropic's default effort);
 * - `{type:"disabled"}` → `effort: "none"`;
 * - `{type:"between_tools"}` (interleaved thinking) → like adaptive;
 * - `output_config.effort` alone (it also shapes non-thinking output) → `effort`.
 * `display: summarized | omitted` → `includeThoughts: true | false`.
 */
export function decodeAnthropicReasoning(thinking: FieldReader | undefined, outputConfig: FieldReader | undefined): ReasoningRequest | undefined {
  const anthropicEffort = outputConfig?.has('effort') ? outputConfig.oneOf('effort', ANTHROPIC_EFFORTS) : undefined;
  const effort = anthropicEffort === undefined ? undefined : fromAnthropicEffort(anthropicEffort);
  if (thinking === undefined) return effort === undefined ? undefined : { effort };

  const type = thinking.oneOf('type', ['enabled', 'disabled', 'adaptive', 'between_tools'] as const);
  const reasoning: ReasoningRequest = {};
  if (type === 'enabled') {
    reasoning.budgetTokens = thinking.count('budget_tokens');
    if (effort !== undefined) reasoning.effort = effort;
  } else if (type === 'disabled') {
    reasoning.effort = 'none';
  } else {
    reasoning.effort = effort ?? 'high';
  }
  if (type !== 'disabled' && thinking.has('display')) {
    reasoning.includeThoughts = thinking.oneOf('display', ['summarized', 'omitted'] as const) === 'summarized';
  }
  return reasoning;
}
