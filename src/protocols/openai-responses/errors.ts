import { kindForStatus, type ErrorKind, type RenderableError, type UpstreamErrorInfo } from '../../errors/catalogue.js';
import type { EncodedError } from '../codec.js';

/**
 * OpenAI's error dialect, shared by Chat Completions and Responses (no Responses-specific imports, so
 * this file can move to src/protocols/openai-common/ as is).
 *
 * Body: `{"error":{"message","type","param","code"}}`, `code` and `param` may be null
 * [conformance openai/chat-error-400-*, responses-error-400]. The request id travels in the
 * `x-request-id` header, where OpenAI puts it and where the official SDKs read it (`error.requestID`);
 * the body stays exactly OpenAI's shape so strict clients parse it.
 */

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The error `type` an OpenAI client expects for each neutral kind. */
export function openAiErrorType(kind: ErrorKind): string {
  switch (kind) {
    case 'invalid_request':
    case 'request_too_large':
      return 'invalid_request_error';
    case 'authentication':
      return 'authentication_error';
    case 'permission':
      return 'permission_error';
    case 'not_found':
      return 'not_found_error';
    case 'rate_limit':
      return 'rate_limit_error';
    case 'overloaded':
    case 'server_error':
    case 'timeout':
    case 'unavailable':
      return 'server_error';
  }
}

/**
 * The HTTP status an OpenAI client sees. OpenAI has no 529: an overloaded provider (Anthropic 529)
 * becomes 503, OpenAI's own "overloaded" status; a timeout is 504.
 */
export function openAiStatus(error: { status: number; kind: ErrorKind }): number {
  if (error.kind === 'overloaded' || error.status === 529) return 503;
  if (error.kind === 'timeout') return 504;
  if (error.status < 400 || error.status > 599) return error.kind === 'invalid_request' ? 400 : 500;
  return error.status;
}

/** The message, with an explicit "overloaded" when the provider's own text does not say so. */
export function openAiErrorMessage(error: { kind: ErrorKind; message: string }): string {
  if (error.kind === 'overloaded' && !/overload/i.test(error.message)) {
    return `The upstream provider is overloaded; retry later.${error.message === '' ? '' : ` (${error.message})`}`;
  }
  return error.message;
}

const defaultCodes: Partial<Record<ErrorKind, string>> = { overloaded: 'overloaded', timeout: 'timeout' };

const streamCodes: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request',
  authentication: 'invalid_api_key',
  permission: 'permission_denied',
  not_found: 'not_found',
  request_too_large: 'request_too_large',
  rate_limit: 'rate_limit_exceeded',
  overloaded: 'overloaded',
  server_error: 'server_error',
  timeout: 'timeout',
  unavailable: 'server_error',
};

/**
 * The `code` of an error reported inside a stream, where no HTTP status travels: always set, chosen
 * so that `classifyOpenAiErrorCode` gives the kind back.
 */
export function openAiStreamErrorCode(kind: ErrorKind): string {
  return streamCodes[kind];
}

export function encodeOpenAiErrorBody(error: RenderableError): OpenAiErrorBody {
  return {
    error: {
      message: openAiErrorMessage(error),
      type: openAiErrorType(error.kind),
      param: error.param ?? null,
      code: error.code ?? defaultCodes[error.kind] ?? null,
    },
  };
}

/** Any gateway or upstream error as an OpenAI error response. */
export function encodeOpenAiError(error: RenderableError, requestId: string): EncodedError {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
  if (error.retryAfter !== undefined) headers['retry-after'] = error.retryAfter;
  return { status: openAiStatus(error), body: encodeOpenAiErrorBody(error), headers };
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return value;
  }
  return undefined;
}

/** `retry-after` as sent, else OpenAI's `retry-after-ms` rounded up to whole seconds. */
function retryAfterFrom(headers: Record<string, string | undefined>): string | undefined {
  const seconds = header(headers, 'retry-after');
  if (seconds !== undefined) return seconds;
  const milliseconds = Number(header(headers, 'retry-after-ms'));
  return Number.isFinite(milliseconds) && milliseconds >= 0 ? String(Math.ceil(milliseconds / 1000)) : undefined;
}

interface ErrorFields {
  message?: string;
  type?: string;
  param?: string;
  code?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : undefined;
}

/** The error envelope of a body, tolerating OpenAI-compatible servers that flatten or stringify it. */
export function readOpenAiErrorFields(body: unknown): ErrorFields {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      return body.trim() === '' ? {} : { message: body.trim().slice(0, 500) };
    }
  }
  if (!isObject(parsed)) return {};
  const inner = parsed['error'];
  if (typeof inner === 'string') return { message: inner };
  const record = isObject(inner) ? inner : parsed;
  const fields: ErrorFields = {};
  const message = stringField(record, 'message');
  const type = stringField(record, 'type');
  const param = stringField(record, 'param');
  const code = stringField(record, 'code');
  if (message !== undefined) fields.message = message;
  if (type !== undefined) fields.type = type;
  if (param !== undefined) fields.param = param;
  if (code !== undefined) fields.code = code;
  return fields;
}

/** Errors that fail the same way however often they are retried, whatever their status. */
const permanentCodes = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'account_deactivated']);

/**
 * A provider's OpenAI-style error response as neutral info. Retry rules follow the OpenAI SDKs:
 * 408, 409, 429 and 5xx are retryable, except `insufficient_quota` (a 429 that only billing fixes);
 * an explicit `x-should-retry` header wins.
 */
export function decodeOpenAiError(status: number, body: unknown, headers: Record<string, string | undefined>): UpstreamErrorInfo {
  const fields = readOpenAiErrorFields(body);
  const providerCode = fields.code ?? fields.type;
  const permanent = [fields.code, fields.type].some((value) => value !== undefined && permanentCodes.has(value));
  let retryable = !permanent && (status === 408 || status === 409 || status === 429 || status >= 500);
  const shouldRetry = header(headers, 'x-should-retry');
  if (shouldRetry === 'true') retryable = true;
  if (shouldRetry === 'false') retryable = false;
  const info: UpstreamErrorInfo = {
    status,
    kind: kindForStatus(status),
    message: fields.message ?? `The provider returned HTTP ${status} without an error message.`,
    retryable,
  };
  if (providerCode !== undefined) info.providerCode = providerCode;
  if (fields.param !== undefined) info.param = fields.param;
  const retryAfter = retryAfterFrom(headers);
  if (retryAfter !== undefined) info.retryAfter = retryAfter;
  return info;
}

/**
 * The status and kind of an error reported inside a 200 stream (a Responses `error` event or a
 * failed response), which carries a code and type but no HTTP status.
 */
export function classifyOpenAiErrorCode(code: string | undefined, type: string | undefined): { status: number; kind: ErrorKind } {
  for (const value of [code, type]) {
    switch (value) {
      case 'rate_limit_exceeded':
      case 'rate_limit_error':
      case 'insufficient_quota':
      case 'requests':
      case 'tokens':
        return { status: 429, kind: 'rate_limit' };
      case 'overloaded':
      case 'server_overloaded':
      case 'overloaded_error':
        return { status: 503, kind: 'overloaded' };
      case 'timeout':
      case 'vector_store_timeout':
        return { status: 504, kind: 'timeout' };
      case 'authentication_error':
      case 'invalid_api_key':
        return { status: 401, kind: 'authentication' };
      case 'permission_error':
      case 'permission_denied':
        return { status: 403, kind: 'permission' };
      case 'not_found_error':
      case 'not_found':
      case 'model_not_found':
        return { status: 404, kind: 'not_found' };
      case 'request_too_large':
        return { status: 413, kind: 'request_too_large' };
      case 'invalid_request_error':
      case 'invalid_prompt':
      case 'context_length_exceeded':
        return { status: 400, kind: 'invalid_request' };
      case 'server_error':
        return { status: 500, kind: 'server_error' };
      default:
        if (value !== undefined && /^(invalid|unsupported|image|empty_image|failed_to_download)/.test(value)) {
          return { status: 400, kind: 'invalid_request' };
        }
    }
  }
  return { status: 500, kind: 'server_error' };
}

export { asErrorKind } from '../shared/error-kind.js';
