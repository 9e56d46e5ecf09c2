/**
 * The input budget a model gives a request: its reliable context (where quality holds), and never
 * more than the context window less the output the request reserves, since providers refuse a
 * prompt whose input plus output cap exceeds the window.
 */
import type { CanonicalRequest } from '../canonical/types.js';
import type { ContextLimits } from './types.js';

export interface Budget {
  /** Input tokens allowed. */
  limit: number;
  contextWindow: number;
  reliableContext: number;
  reservedOutput: number;
  model: string | undefined;
}

export function budgetFor(request: CanonicalRequest, limits: ContextLimits): Budget {
  const reservedOutput = Math.max(0, limits.reservedOutputTokens ?? request.maxOutputTokens ?? 0);
  const reliableContext = Math.min(limits.reliableContext ?? limits.contextWindow, limits.contextWindow);
  return {
    limit: Math.max(0, Math.min(reliableContext, limits.contextWindow - reservedOutput)),
    contextWindow: limits.contextWindow,
    reliableContext,
    reservedOutput,
    model: limits.model,
  };
}

export function withinContextWindow(inputTokens: number, budget: Budget): boolean {
  return inputTokens + budget.reservedOutput <= budget.contextWindow;
}

/** "the 120,000-token input budget of claude-x (reliable context 120,000 of a 200,000-token window, 8,192 reserved for output)" */
export function describeBudget(budget: Budget): string {
  const of = budget.model === undefined ? '' : ` of ${budget.model}`;
  const parts = [
    budget.reliableContext < budget.contextWindow ? `reliable context ${count(budget.reliableContext)} of a ${count(budget.contextWindow)}-token window` : `a ${count(budget.contextWindow)}-token window`,
    ...(budget.reservedOutput > 0 ? [`${count(budget.reservedOutput)} reserved for output`] : []),
  ];
  return `the ${count(budget.limit)}-token input budget${of} (${parts.join(', ')})`;
}

export function count(tokens: number): string {
  return tokens.toLocaleString('en-US');
}
