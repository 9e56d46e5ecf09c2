import type { RateLimitHeaders } from './rate-limiter.js';

/**
 * Renders the x-ratelimit-* response headers in OpenAI's format (reset as a duration like `1s`,
 * `6m0s`, `20ms`), which OpenAI-compatible clients already parse:
 * https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 */
export function rateLimitHeaderValues(headers: RateLimitHeaders): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [dimension, state] of [['requests', headers.requests], ['tokens', headers.tokens]] as const) {
    if (state === undefined) continue;
    values[`x-ratelimit-limit-${dimension}`] = String(state.limit);
    values[`x-ratelimit-remaining-${dimension}`] = String(state.remaining);
    values[`x-ratelimit-reset-${dimension}`] = formatResetDuration(state.resetMs);
  }
  return values;
}

/** `0s`, `20ms`, `1.5s`, `6m0s`, `1h2m3s`. */
export function formatResetDuration(milliseconds: number): string {
  const ms = Math.max(0, Math.ceil(milliseconds));
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const secondsText = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}
