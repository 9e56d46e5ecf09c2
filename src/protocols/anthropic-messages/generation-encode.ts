import type { CanonicalRequest } from '../../canonical/types.js';
import { FALLBACK_PROFILE, type AnthropicModelProfile } from './model-profiles.js';
import { EFFORT_BUDGETS, MIN_THINKING_BUDGET, effortForBudget, toAnthropicEffort } from './reasoning.js';
import { unsupported } from '../shared/field-reader.js';
import type { AnthropicEffort, AnthropicThinkingConfig } from './wire-types.js';

/**
 * The generation settings of an Anthropic request: `max_tokens`, `thinking`, `output_config.effort`
 * and sampling. They depend on each other (a thinking budget must stay below `max_tokens`; thinking
 * forbids custom sampling) and on the target model, so they are decided together here.
 */
export interface GenerationSettings {
  max_tokens: number;
  thinking?: AnthropicThinkingConfig;
  effort?: AnthropicEffort;
  temperature?: number;
  top_p?: number;
  top_k?: number;
}

export interface GenerationContext {
  profile: AnthropicModelProfile;
  upstreamModel: string;
  /**
   * False when thinking must stay off whatever was asked: forced tool use (Anthropic: "Thinking may
   * not be enabled when tool_choice forces tool use"), or a final assistant tool_use turn with no
   * thinking block to replay (history from another provider; else a 400 "Expected `thinking` or
   * `redacted_thinking`, but found `tool_use`", PROTOCOLS.md trap 10).
   */
  thinkingAllowed: boolean;
}

/** Answer room kept beside an effort-derived budget, so the thinking cannot eat the whole reply. */
const MIN_ANSWER_TOKENS = 1024;

export function encodeGenerationSettings(request: CanonicalRequest, context: GenerationContext): GenerationSettings {
  const { profile } = context;
  const known = profile !== FALLBACK_PROFILE;
  // A request written for a bigger model is capped to this model's limit rather than refused: the
  // model could not produce more anyway. Unknown models are trusted with what the caller asked.
  const limit = known ? profile.maxOutputTokens : Number.POSITIVE_INFINITY;
  const requested = request.maxOutputTokens === undefined ? undefined : Math.min(request.maxOutputTokens, limit);
  const settings: GenerationSettings = { max_tokens: requested ?? profile.maxOutputTokens };

  planThinking(request, context, settings, requested, limit);
  encodeSampling(request, profile, settings);
  return settings;
}

function planThinking(
  request: CanonicalRequest,
  context: GenerationContext,
  settings: GenerationSettings,
  requested: number | undefined,
  limit: number,
): void {
  const reasoning = request.reasoning;
  const { profile } = context;
  if (reasoning === undefined || profile.thinking === 'none') return;
  const wantsNone = reasoning.effort === 'none' || reasoning.budgetTokens === 0;
  if (wantsNone) {
    // Adaptive-only models have no off switch ("disabled" is a 400 there): leave it to the model default.
    if (profile.thinking !== 'adaptive-only') settings.thinking = { type: 'disabled' };
    return;
  }
  if (!context.thinkingAllowed) return;

  const display = profile.thinkingDisplay && reasoning.includeThoughts !== undefined ? (reasoning.includeThoughts ? 'summarized' : 'omitted') : undefined;
  const useAdaptive =
    profile.thinking === 'adaptive-only' || (profile.thinking === 'budget-or-adaptive' && reasoning.budgetTokens === undefined);

  if (useAdaptive) {
    const effort = reasoning.effort ?? (reasoning.budgetTokens !== undefined ? effortForBudget(reasoning.budgetTokens) : 'high');
    settings.thinking = display === undefined ? { type: 'adaptive' } : { type: 'adaptive', display };
    if (effort !== 'none') settings.effort = toAnthropicEffort(effort, profile);
    return;
  }

  let budget: number;
  if (reasoning.budgetTokens !== undefined) {
    // The caller's budget is kept (only raised to Anthropic's floor); max_tokens makes room for it
    // rather than the budget being cut (LiteLLM #18939 overwrote the user's value).
    budget = Math.max(MIN_THINKING_BUDGET, reasoning.budgetTokens);
    if (settings.max_tokens <= budget) {
      settings.max_tokens = Math.min(limit, budget + (requested ?? MIN_ANSWER_TOKENS));
      if (settings.max_tokens <= budget) {
        unsupported(
          'reasoning.budgetTokens',
          `a thinking budget of ${reasoning.budgetTokens} tokens must stay below the output limit of ${context.upstreamModel} (${limit} tokens)`,
        );
      }
    }
  } else {
    const effort = reasoning.effort ?? 'medium';
    if (effort === 'none') return;
    budget = Math.min(EFFORT_BUDGETS[effort], settings.max_tokens - MIN_ANSWER_TOKENS);
    if (budget < MIN_THINKING_BUDGET) {
      budget = MIN_THINKING_BUDGET;
      settings.max_tokens = Math.min(limit, settings.max_tokens + MIN_THINKING_BUDGET);
      // A model too small for the minimum budget simply answers without thinking.
      if (settings.max_tokens <= budget) return;
    }
  }
  settings.thinking = display === undefined ? { type: 'enabled', budget_tokens: budget } : { type: 'enabled', budget_tokens: budget, display };
}

/**
 * Sampling parameters, dropped (never refused: they tune randomness, not what the answer means) when the
 * target cannot take them:
 * - with thinking on, Anthropic accepts temperature only at 1, no top_k, and top_p only in [0.95, 1];
 * - adaptive-only models (Opus 4.7+, the 5 family) reject all three;
 * - since Opus 4.1 / the 4.5 family temperature and top_p are exclusive: temperature is kept;
 * - temperature is clamped to Anthropic's range [0, 1] (OpenAI's goes to 2).
 */
function encodeSampling(request: CanonicalRequest, profile: AnthropicModelProfile, settings: GenerationSettings): void {
  if (profile.sampling === 'none') return;
  const thinkingOn = settings.thinking !== undefined && settings.thinking.type !== 'disabled';
  if (request.temperature !== undefined) {
    const temperature = Math.min(1, Math.max(0, request.temperature));
    if (!thinkingOn || temperature === 1) settings.temperature = temperature;
  }
  if (request.topK !== undefined && !thinkingOn) settings.top_k = request.topK;
  if (request.topP !== undefined && (!thinkingOn || request.topP >= 0.95)) {
    const exclusive = profile.sampling === 'temperature-or-top-p' && settings.temperature !== undefined;
    if (!exclusive) settings.top_p = request.topP;
  }
}
