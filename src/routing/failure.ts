/**
 * Failures classed by blame, because each class calls for a different move: the caller's own 4xx
 * returns at once; a provider's 401/403 takes that deployment out of rotation; 429 and 529 cool it
 * down for Retry-After; 5xx, timeouts and broken connections count against its breaker and retry
 * with backoff; context-length-exceeded escalates to a model with a larger window.
 */
import type { ErrorKind, GatewayError, UpstreamErrorInfo } from '../errors/catalogue.js';

export type FailureClass = 'caller' | 'credentials' | 'rate_limited' | 'overloaded' | 'server' | 'timeout' | 'connection' | 'context_length' | 'bad_response';

/** Whether the deployment is to blame, for its circuit breaker. */
export function countsAgainstDeployment(failure: FailureClass): boolean {
  return failure === 'server' || failure === 'timeout' || failure === 'connection' || failure === 'overloaded' || failure === 'bad_response';
}

const CONTEXT_LENGTH = /context[_ ]length|context window|prompt is too long|maximum context|too many (input )?tokens|exceeds the maximum number of tokens|input token count/i;

/** A provider's error response (status and decoded body). */
export function classifyUpstreamError(info: UpstreamErrorInfo): FailureClass {
  if (info.status === 401 || info.status === 403) return 'credentials';
  if ((info.status === 400 || info.status === 413) && (CONTEXT_LENGTH.test(info.providerCode ?? '') || CONTEXT_LENGTH.test(info.message))) return 'context_length';
  if (info.status === 429) return 'rate_limited';
  if (info.status === 529 || info.kind === 'overloaded') return 'overloaded';
  if (info.status === 408 || info.status === 504) return 'timeout';
  if (info.status >= 500) return 'server';
  return 'caller';
}

/** A failure the gateway saw itself (transport, timeouts, unreadable answers). */
export function classifyGatewayError(error: GatewayError): FailureClass {
  switch (error.code) {
    case 'upstream_timeout':
      return 'timeout';
    case 'upstream_unreachable':
      return 'connection';
    case 'upstream_credentials':
      return 'credentials';
    case 'upstream_bad_response':
      return 'bad_response';
    default:
      return 'caller';
  }
}

/** An error event inside a 200 stream, before any content (Anthropic `overloaded_error`, Responses `response.failed`). */
export function classifyStreamError(error: { status: number; kind: string }): FailureClass {
  return classifyUpstreamError({ status: error.status, kind: error.kind as ErrorKind, message: '', retryable: true });
}

const DELAY_SECONDS = /^\s*\d+(?:\.\d+)?\s*$/;
/** Every HTTP-date form carries a clock time; V8's Date.parse alone accepts junk (`later 2` is February 2001). */
const CLOCK_TIME = /\b\d{2}:\d{2}:\d{2}\b/;

/** Retry-After as milliseconds (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (DELAY_SECONDS.test(value)) return Number(value) * 1_000;
  if (!CLOCK_TIME.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with equal jitter: half the step fixed, half random, so retries spread without collapsing to zero. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
