import type { StreamErrorInfo } from '../../canonical/types.js';
import { kindForStatus, type ErrorKind, type RenderableError, type UpstreamErrorInfo } from '../../errors/catalogue.js';
import { asErrorKind } from '../shared/error-kind.js';

/**
 * The OpenAI error body, shared by Chat Completions and Responses (no Chat-specific imports here):
 * `{"error": {"message", "type", "param", "code"}}` with `param` and `code` null when absent.
 * Reference: https://platform.openai.com/docs/guides/error-codes
 */

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface EncodedOpenAIError {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
}

const typeForKind: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  rate_limit: 'rate_limit_error',
  overloaded: 'server_error',
  server_error: 'server_error',
  timeout: 'server_error',
  unavailable: 'server_error',
};

/**
 * Any gateway or upstream error as OpenAI renders it. Statuses an OpenAI client understands:
 * overloaded (an Anthropic 529) becomes 503 and says the provider is overloaded; a timeout is 504.
 * `retry-after` is set when the error carries one, `x-request-id` when a request id is given (the
 * OpenAI SDKs expose that header as `error.requestID`).
 */
export function encodeOpenAIError(error: RenderableError, requestId?: string): EncodedOpenAIError {
  const status = openAIStatus(error);
  let message = error.message === '' ? `HTTP ${status}` : error.message;
  const prefix = messagePrefix[error.kind];
  if (prefix !== undefined && !message.startsWith(prefix)) message = `${prefix} ${message}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfter !== undefined && error.retryAfter !== '') headers['retry-after'] = error.retryAfter;
  if (requestId !== undefined && requestId !== '') headers['x-request-id'] = requestId;
  return {
    status,
    body: {
      error: {
        message,
        type: typeForKind[error.kind],
        param: error.param ?? null,
        code: error.code ?? defaultCode(error.kind),
      },
    },
    headers,
  };
}

/** Said first, so an OpenAI client (which only sees a 503 or 504) knows what happened upstream. */
const messagePrefix: Partial<Record<ErrorKind, string>> = {
  overloaded: 'The provider is overloaded; try again later.',
  timeout: 'The provider timed out.',
};

function openAIStatus(error: RenderableError): number {
  if (error.kind === 'overloaded') return 503;
  if (error.kind === 'timeout') return 504;
  if (Number.isInteger(error.status) && error.status >= 400 && error.status <= 599) return error.status;
  return defaultStatus[error.kind];
}

const defaultStatus: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  request_too_large: 413,
  rate_limit: 429,
  overloaded: 503,
  server_error: 500,
  timeout: 504,
  unavailable: 502,
};

function defaultCode(kind: ErrorKind): string | null {
  if (kind === 'overloaded') return 'overloaded';
  if (kind === 'timeout') return 'timeout';
  return null;
}

/** 429 codes that mean "out of money", not "slow down": retrying fails the same way. */
const quotaCodes = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'access_terminated']);

/**
 * An OpenAI-protocol provider's error response into neutral error info, for retry logic and for
 * rendering in the caller's dialect. Reads the OpenAI envelope and the variants OpenAI-compatible
 * servers send (vLLM's top-level `{object:"error", message, type, code}`, `{"error":"text"}`, a one-item
 * array); a non-JSON body (an HTML 502 page from a proxy) becomes a short message with the status.
 * Retryable: 408, 409, 429 (but not `insufficient_quota`), 5xx; an `x-should-retry` header from
 * OpenAI overrides, except for quota errors.
 */
export function decodeOpenAIError(status: number, body: unknown, headers: Record<string, string | undefined>): UpstreamErrorInfo {
  const parsed = parseBody(body);
  const envelope = errorEnvelope(parsed);
  const providerCode = stringField(envelope, 'code') ?? stringField(envelope, 'type');
  const type = stringField(envelope, 'type');
  const message = stringField(envelope, 'message') ?? (typeof envelope?.error === 'string' ? envelope.error : undefined) ?? fallbackMessage(status, parsed);
  const isQuota = quotaCodes.has(providerCode ?? '') || quotaCodes.has(type ?? '');
  const info: UpstreamErrorInfo = { status, kind: kindForStatus(status), message, retryable: isRetryable(status, isQuota, header(headers, 'x-should-retry')) };
  if (providerCode !== undefined) info.providerCode = providerCode;
  const param = stringField(envelope, 'param');
  if (param !== undefined) info.param = param;
  const retryAfter = retryAfterSeconds(headers);
  if (retryAfter !== undefined) info.retryAfter = retryAfter;
  return info;
}

function isRetryable(status: number, isQuota: boolean, shouldRetry: string | undefined): boolean {
  if (isQuota) return false;
  if (shouldRetry === 'true') return true;
  if (shouldRetry === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

type Parsed = { json: unknown } | { text: string };

function parseBody(body: unknown): Parsed {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = new TextDecoder().decode(body);
  if (text === undefined) return { json: body };
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return { text };
  }
}

function errorEnvelope(parsed: Parsed): Record<string, unknown> | undefined {
  if (!('json' in parsed)) return undefined;
  const json = Array.isArray(parsed.json) ? (parsed.json[0] as unknown) : parsed.json;
  if (!isObject(json)) return undefined;
  return isObject(json.error) ? json.error : json;
}

function fallbackMessage(status: number, parsed: Parsed): string {
  if ('text' in parsed) {
    // An HTML page from a proxy or load balancer: keep its title or first words, never the whole page.
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(parsed.text)?.[1];
    const words = (title ?? parsed.text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim().slice(0, 200);
    return `The provider returned HTTP ${status} with a non-JSON body${words === '' ? '' : `: ${words}`}`;
  }
  return `The provider returned HTTP ${status}`;
}

function retryAfterSeconds(headers: Record<string, string | undefined>): string | undefined {
  const value = header(headers, 'retry-after');
  if (value !== undefined && value !== '') return value;
  const milliseconds = Number(header(headers, 'retry-after-ms'));
  return Number.isFinite(milliseconds) && milliseconds > 0 ? String(Math.ceil(milliseconds / 1000)) : undefined;
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value?.trim();
  return undefined;
}

function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A canonical stream error as the payload of an OpenAI in-stream error event. Chat has no error
 * event; `data: {"error":{…}}` is the de-facto convention (the OpenAI SDKs throw an APIError on it).
 */
export function encodeOpenAIStreamError(error: StreamErrorInfo): OpenAIErrorBody {
  const kind = asErrorKind(error.kind, error.status);
  return encodeOpenAIError({ status: error.status, kind, message: error.message, ...(error.code !== undefined && { code: error.code }) }).body;
}

/** Statuses for the error types OpenAI-protocol servers put in stream error payloads (no HTTP status there). */
const statusForType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
  tokens: 429,
  requests: 429,
  server_error: 500,
  api_error: 500,
  overloaded_error: 529,
  timeout: 504,
};

/**
 * An error payload inside a 200 stream (`{"error":{message,type,code}}`, or the event itself) into
 * a canonical stream error. Overloaded is reported as 529, as the canonical model asks.
 */
export function decodeOpenAIStreamError(payload: unknown): StreamErrorInfo {
  const envelope = errorEnvelope({ json: payload }) ?? {};
  const type = stringField(envelope, 'type') ?? stringField(envelope, 'code');
  const code = stringField(envelope, 'code');
  const message = stringField(envelope, 'message') ?? 'The provider reported an error in the stream';
  const numeric = [envelope.status, envelope.code].find((value): value is number => typeof value === 'number' && value >= 400 && value <= 599);
  let status = numeric ?? statusForType[code ?? ''] ?? statusForType[type ?? ''] ?? 500;
  if (/overloaded/i.test(`${type ?? ''} ${code ?? ''} ${message}`) && status >= 500) status = 529;
  return { status, kind: kindForStatus(status), message };
}
