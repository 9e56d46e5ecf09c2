import { GatewayError } from '../errors/catalogue.js';
import type { TaskLimits } from '../limits/index.js';

/**
 * `x-switchyard-task-budget: tokens=200000, usd=1.50`: a ceiling for the whole task (trace), set by
 * the agent that runs it. Either part may be left out.
 */
export function parseTaskBudgetHeader(value: string): TaskLimits {
  const limits: TaskLimits = {};
  for (const part of value.split(/[,;]/)) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const match = /^(tokens|usd)\s*=\s*(\d+(?:\.\d+)?)$/i.exec(trimmed);
    if (match === null) throw invalid(value, `"${trimmed}" is not tokens=N or usd=X`);
    const amount = Number(match[2]);
    if (match[1]!.toLowerCase() === 'tokens') {
      if (!Number.isInteger(amount)) throw invalid(value, 'tokens must be a whole number');
      limits.maxTokens = amount;
    } else {
      limits.maxMicros = Math.round(amount * 1_000_000);
    }
  }
  if (limits.maxTokens === undefined && limits.maxMicros === undefined) throw invalid(value, 'it sets neither tokens nor usd');
  return limits;
}

function invalid(value: string, why: string): GatewayError {
  return new GatewayError('invalid_request', `x-switchyard-task-budget "${value}" is not valid: ${why}. Write e.g. "tokens=200000, usd=1.50".`, { param: 'x-switchyard-task-budget' });
}

/** The remaining part of each cap, for `x-switchyard-task-budget-remaining`. */
export function formatTaskRemaining(limits: TaskLimits, used: { tokens: number; micros: number }): string {
  const parts: string[] = [];
  if (limits.maxTokens !== undefined) parts.push(`tokens=${Math.max(0, limits.maxTokens - used.tokens)}`);
  if (limits.maxMicros !== undefined) parts.push(`usd=${(Math.max(0, limits.maxMicros - used.micros) / 1_000_000).toFixed(6)}`);
  return parts.join(', ');
}
