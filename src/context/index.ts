/**
 * Context-window policies over the canonical request: does it fit the chosen model's reliable
 * window, and if not, refuse, ask for a larger model, slide the window over the conversation, or
 * cut the middle out of long texts. Pure: the request is never modified; a new one is returned
 * when the policy changed something. See README.md.
 */
import type { CanonicalRequest } from '../canonical/types.js';
import { estimateRequestTokens } from '../routing/token-estimate.js';
import { budgetFor, count, describeBudget, withinContextWindow, type Budget } from './budget.js';
import { slideWindow } from './slide.js';
import { truncateMiddle } from './truncate-middle.js';
import type { ContextLimits, ContextOutcome, ContextPolicy } from './types.js';

export { cutPoints, turnStarts } from './turns.js';
export type { ContextAction, ContextLimits, ContextOutcome, ContextPolicy } from './types.js';

export interface ContextOptions {
  /** The request's estimated input tokens, when already known (the workload profile has it). */
  inputTokens?: number;
}

export function applyContextPolicy(request: CanonicalRequest, limits: ContextLimits, policy: ContextPolicy, options: ContextOptions = {}): ContextOutcome {
  const budget = budgetFor(request, limits);
  const original = options.inputTokens ?? estimateRequestTokens(request);
  const base = { originalInputTokens: original, limitTokens: budget.limit };
  if (original <= budget.limit) {
    return { ...base, request, action: 'none', fits: true, withinContextWindow: true, inputTokens: original, detail: `input ~${count(original)} tokens is within ${describeBudget(budget)}` };
  }
  const needs = { reliableContext: original, contextWindow: original + budget.reservedOutput };
  const over = `input is ~${count(original)} tokens (estimated), over ${describeBudget(budget)}`;

  switch (policy.mode) {
    case 'refuse':
      return { ...base, request, action: 'refuse', fits: false, withinContextWindow: withinContextWindow(original, budget), inputTokens: original, needs, detail: over };
    case 'escalate':
      return {
        ...base, request, action: 'escalate', fits: false, withinContextWindow: withinContextWindow(original, budget), inputTokens: original, needs,
        detail: `${over}; needs a model reliable to ${count(needs.reliableContext)} input tokens`,
      };
    case 'slide': {
      const slid = slideWindow(request, original, budget.limit, policy.keepLastTurns);
      const what = `dropped the oldest ${slid.droppedMessages} message(s), input ~${count(original)} → ~${count(slid.inputTokens)} tokens`;
      return {
        ...base, ...outcome(slid.request, 'slide', slid.inputTokens, budget, needs), droppedMessages: slid.droppedMessages,
        detail: slid.fits ? `${what}, within ${describeBudget(budget)}` : `${slid.droppedMessages > 0 ? what : over}; still over ${describeBudget(budget)}: ${slid.blocked ?? 'nothing more can be dropped'}`,
      };
    }
    case 'truncate-middle': {
      const cut = truncateMiddle(request, original, budget.limit);
      const what = `omitted ~${count(cut.omittedTokens)} tokens from the middle of ${cut.partsCut} text part(s), input ~${count(original)} → ~${count(cut.inputTokens)} tokens`;
      return {
        ...base, ...outcome(cut.request, 'truncate-middle', cut.inputTokens, budget, needs), omittedTokens: cut.omittedTokens,
        detail: cut.fits ? `${what}, within ${describeBudget(budget)}` : `${cut.partsCut > 0 ? what : over}; still over ${describeBudget(budget)}: no more user or tool-result text long enough to cut`,
      };
    }
  }
}

function outcome(request: CanonicalRequest, action: 'slide' | 'truncate-middle', inputTokens: number, budget: Budget, needs: ContextOutcome['needs']): Omit<ContextOutcome, 'detail' | 'originalInputTokens' | 'limitTokens'> {
  const fits = inputTokens <= budget.limit;
  return { request, action, fits, withinContextWindow: withinContextWindow(inputTokens, budget), inputTokens, ...(!fits && { needs }) };
}
