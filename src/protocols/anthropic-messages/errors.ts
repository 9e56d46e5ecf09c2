import { kindForStatus, type ErrorKind, type RenderableError, type UpstreamErrorInfo } from '../../errors/catalogue.js';
import type { EncodedError } from '../codec.js';
import { isRecord } from '../shared/field-reader.js';
import type { AnthropicErrorBody, AnthropicErrorType } from './wire-types.js';

/**
 * Anthropic error bodies `{"type":"error","error":{"type","message"},"request_id"}` ⇄ neutral error
 * info (https://docs.anthropic.com/en/api/errors). The table is documented in README.md.
 */

const KIND_BY_TYPE: Readonly<Record<string, ErrorKind>> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'authentication',
  permission_error: 'permission',
  not_found_error: 'not_found',
  request_too_large: 'request_too_large',
  rate_limit_error: 'rate_limit',
  api_error: 'server_error',
  timeout_error: 'timeout',
  overloaded_error: 'overloaded',
};

/** The HTTP status an error type has before a stream begins (used for `event: error` in a 200 stream). */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function kindForAnthropicErrorType(type: string | undefined, status: number): ErrorKind {
  return (type === undefined ? undefined : KIND_BY_TYPE[type]) ?? kindForStatus(status);
}

export function statusForAnthropicErrorType(type: string | undefined): number {
  return (type === undefined ? undefined : STATUS_BY_TYPE[type]) ?? 500;
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name && value !== undefined) return value.trim();
  return undefined;
}

/** `retry-after` (seconds), else `retry-after-ms` rounded up to whole seconds. */
function readRetryAfter(headers: Record<string, string | undefined>): string | undefined {
  const seconds = header(headers, 'retry-after');
  if (seconds !== undefined && seconds !== '') return seconds;
  const milliseconds = Number(header(headers, 'retry-after-ms'));
  return Number.isFinite(milliseconds) && milliseconds >= 0 ? String(Math.ceil(milliseconds / 1000)) : undefined;
}

/** A spend or usage cap answers 429 without `retry-after`; waiting seconds will not lift it. */
const SPEND_CAP_MESSAGE = /spend|billing|credit|usage limit|quota/i;

/**
 * Whether the same request may succeed later. Anthropic's own `x-should-retry` header decides when
 * present (its SDKs obey it). Else: 408, 409, 429, 5xx and 529 are transient, except a 429 without
 * `retry-after` whose message names a spend/usage cap; every other 4xx fails the same way again.
 */
function isRetryable(status: number, message: string, retryAfter: string | undefined, headers: Record<string, string | undefined>): boolean {
  const shouldRetry = header(headers, 'x-should-retry');
  if (shouldRetry === 'true') return true;
  if (shouldRetry === 'false') return false;
  if (status === 429) return retryAfter !== undefined || !SPEND_CAP_MESSAGE.test(message);
  return status === 408 || status === 409 || status >= 500;
}

/** Anthropic messages often start with the field path: "messages.1: `tool_use` ids were found …". */
function paramFromMessage(message: string): string | undefined {
  const match = /^([a-z_]+(?:\.[a-z0-9_]+)*): /.exec(message);
  return match?.[1];
}

export function decodeAnthropicError(status: number, body: unknown, headers: Record<string, string | undefined>): UpstreamErrorInfo {
  let type: string | undefined;
  let message: string | undefined;
  // The gateway hands over the raw body text; a JSON envelope in it is read like a parsed one.
  const parsed = typeof body === 'string' ? parseQuietly(body) : body;
  const error = isRecord(parsed) ? parsed.error : undefined;
  if (isRecord(error)) {
    if (typeof error.type === 'string') type = error.type;
    if (typeof error.message === 'string') message = error.message;
  }
  if (message === undefined) {
    // Not Anthropic's envelope (a proxy's HTML page, an empty body): keep what there is.
    const text = typeof body === 'string' ? body.trim() : '';
    message = text === '' ? `Anthropic returned HTTP ${status}` : text.slice(0, 1000);
  }
  const retryAfter = readRetryAfter(headers);
  const info: UpstreamErrorInfo = {
    status,
    kind: kindForAnthropicErrorType(type, status),
    message,
    retryable: isRetryable(status, message, retryAfter, headers),
  };
  if (type !== undefined) info.providerCode = type;
  const param = paramFromMessage(message);
  if (param !== undefined) info.param = param;
  if (retryAfter !== undefined) info.retryAfter = retryAfter;
  return info;
}

/** Neutral error kinds → Anthropic error type and HTTP status. */
export function anthropicErrorFor(error: Pick<RenderableError, 'kind' | 'status'>): { type: AnthropicErrorType; status: number } {
  switch (error.kind) {
    case 'invalid_request':
      // Anthropic uses invalid_request_error for every 4xx without its own type.
      return { type: 'invalid_request_error', status: error.status >= 400 && error.status < 500 ? error.status : 400 };
    case 'authentication':
      return { type: 'authentication_error', status: 401 };
    case 'permission':
      return { type: 'permission_error', status: 403 };
    case 'not_found':
      return { type: 'not_found_error', status: 404 };
    case 'request_too_large':
      return { type: 'request_too_large', status: 413 };
    case 'rate_limit':
      return { type: 'rate_limit_error', status: 429 };
    case 'overloaded':
      return { type: 'overloaded_error', status: 529 };
    case 'timeout':
      return { type: 'timeout_error', status: 504 };
    case 'server_error':
    case 'unavailable':
      return { type: 'api_error', status: error.status >= 500 && error.status < 600 ? error.status : 500 };
  }
}

export function anthropicErrorBody(type: AnthropicErrorType, message: string, requestId: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

export function encodeAnthropicError(error: RenderableError, requestId: string): EncodedError {
  const { type, status } = anthropicErrorFor(error);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
  if (error.retryAfter !== undefined) headers['retry-after'] = error.retryAfter;
  return { status, body: anthropicErrorBody(type, error.message, requestId), headers };
}

function parseQuietly(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
