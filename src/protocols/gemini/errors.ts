/**
 * Gemini errors: `{"error": {"code": <http>, "message", "status": "<google.rpc.Code name>", "details": […]}}`
 * [conformance gemini/error-429-resource-exhausted.json]. https://ai.google.dev/gemini-api/docs/troubleshooting
 *
 * - INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE → invalid_request; but an invalid or expired API
 *   key is a 400 INVALID_ARGUMENT whose ErrorInfo reason is API_KEY_INVALID → authentication;
 * - UNAUTHENTICATED → authentication, PERMISSION_DENIED → permission, NOT_FOUND → not_found;
 * - RESOURCE_EXHAUSTED → rate_limit; `RetryInfo.retryDelay` ("34.4s") → retryAfter in whole seconds;
 * - INTERNAL → server_error, UNAVAILABLE → overloaded ("The model is overloaded"), DEADLINE_EXCEEDED → timeout.
 */
import type { StreamErrorInfo } from '../../canonical/types.js';
import { kindForStatus, type ErrorKind, type RenderableError, type UpstreamErrorInfo } from '../../errors/catalogue.js';
import { asErrorKind } from '../shared/error-kind.js';
import type { EncodedError } from '../codec.js';
import { field, isObject, type JsonObject } from './fields.js';
import type { GeminiErrorBody } from './wire-types.js';

const KIND_BY_STATUS_NAME: Record<string, ErrorKind> = {
  INVALID_ARGUMENT: 'invalid_request',
  FAILED_PRECONDITION: 'invalid_request',
  OUT_OF_RANGE: 'invalid_request',
  UNIMPLEMENTED: 'invalid_request',
  ALREADY_EXISTS: 'invalid_request',
  UNAUTHENTICATED: 'authentication',
  PERMISSION_DENIED: 'permission',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limit',
  ABORTED: 'server_error',
  CANCELLED: 'server_error',
  UNKNOWN: 'server_error',
  DATA_LOSS: 'server_error',
  INTERNAL: 'server_error',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
};

const STATUS_NAME_BY_KIND: Record<ErrorKind, string> = {
  invalid_request: 'INVALID_ARGUMENT',
  authentication: 'UNAUTHENTICATED',
  permission: 'PERMISSION_DENIED',
  not_found: 'NOT_FOUND',
  request_too_large: 'INVALID_ARGUMENT',
  rate_limit: 'RESOURCE_EXHAUSTED',
  overloaded: 'UNAVAILABLE',
  server_error: 'INTERNAL',
  timeout: 'DEADLINE_EXCEEDED',
  unavailable: 'UNAVAILABLE',
};

const AUTHENTICATION_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_SERVICE_BLOCKED', 'ACCESS_TOKEN_EXPIRED']);
const RETRYABLE_KINDS = new Set<ErrorKind>(['rate_limit', 'overloaded', 'server_error', 'timeout', 'unavailable']);

const RPC_TYPE = 'type.googleapis.com/google.rpc.';

/** The `{code, message, status, details}` object inside a body (object, JSON text, or a JSON-array stream). */
function findErrorObject(body: unknown): JsonObject | undefined {
  if (typeof body === 'string') {
    try {
      return findErrorObject(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(body)) return findErrorObject(body[0]);
  if (!isObject(body)) return undefined;
  const error = field(body, 'error');
  return isObject(error) ? error : undefined;
}

function details(error: JsonObject): JsonObject[] {
  const list = field(error, 'details');
  return Array.isArray(list) ? list.filter(isObject) : [];
}

function detailOfType(error: JsonObject, type: string): JsonObject | undefined {
  return details(error).find((detail) => detail['@type'] === RPC_TYPE + type);
}

/** "34.4s" (protobuf Duration) → "35": Retry-After takes whole seconds, rounded up. */
export function retryDelaySeconds(delay: unknown): string | undefined {
  if (typeof delay !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
  return match?.[1] === undefined ? undefined : String(Math.ceil(Number(match[1])));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function decodeGeminiError(status: number, body: unknown, headers: Record<string, string | undefined>): UpstreamErrorInfo {
  const error = findErrorObject(body);
  const statusName = error === undefined ? undefined : text(field(error, 'status'));
  const reason = error === undefined ? undefined : text(detailOfType(error, 'ErrorInfo')?.reason);
  let kind: ErrorKind = (statusName === undefined ? undefined : KIND_BY_STATUS_NAME[statusName]) ?? kindForStatus(status);
  if (reason !== undefined && AUTHENTICATION_REASONS.has(reason)) kind = 'authentication';
  const rawText = typeof body === 'string' ? body.slice(0, 500) : undefined;
  const info: UpstreamErrorInfo = {
    status,
    kind,
    message: (error === undefined ? undefined : text(field(error, 'message'))) ?? rawText ?? `Gemini returned HTTP ${status}`,
    retryable: RETRYABLE_KINDS.has(kind),
  };
  const providerCode = reason ?? statusName;
  if (providerCode !== undefined) info.providerCode = providerCode;
  const retryAfter =
    (error === undefined ? undefined : retryDelaySeconds(detailOfType(error, 'RetryInfo')?.retryDelay)) ??
    headers['retry-after'] ??
    headers['Retry-After'];
  if (retryAfter !== undefined) info.retryAfter = retryAfter;
  const violations = error === undefined ? undefined : detailOfType(error, 'BadRequest')?.fieldViolations;
  const firstViolation = Array.isArray(violations) ? violations[0] : undefined;
  if (isObject(firstViolation) && typeof firstViolation.field === 'string') info.param = firstViolation.field;
  return info;
}

/** An error object that arrived inside a 200 stream, as a canonical stream error. */
export function decodeGeminiStreamError(error: JsonObject): StreamErrorInfo {
  const code = field(error, 'code');
  const status = typeof code === 'number' ? code : 500;
  const info = decodeGeminiError(status, { error }, {});
  return { status, kind: info.kind, message: info.message };
}

function statusNameFor(kind: string, status: number): string {
  return STATUS_NAME_BY_KIND[asErrorKind(kind, status)];
}

/** Gemini clients retry 503, not Anthropic's 529: overload is rendered as 503 UNAVAILABLE. */
function geminiHttpStatus(kind: string, status: number): number {
  return kind === 'overloaded' ? 503 : status;
}

/** The `error` object of a Gemini error body. */
export function geminiErrorObject(status: number, kind: string, message: string): GeminiErrorBody['error'] {
  const httpStatus = geminiHttpStatus(kind, status);
  return { code: httpStatus, message, status: statusNameFor(kind, httpStatus) };
}

/**
 * Any error in Gemini's shape, with google.rpc details: ErrorInfo (the stable gateway or provider code
 * and the request id), BadRequest.fieldViolations (the field at fault) and RetryInfo (Retry-After).
 */
export function encodeGeminiError(error: RenderableError, requestId: string): EncodedError {
  const body: GeminiErrorBody = { error: geminiErrorObject(error.status, error.kind, error.message) };
  const errorDetails: Array<Record<string, unknown>> = [
    {
      '@type': `${RPC_TYPE}ErrorInfo`,
      reason: error.code ?? body.error.status,
      domain: 'switchyard',
      metadata: { requestId },
    },
  ];
  if (error.param !== undefined) {
    errorDetails.push({ '@type': `${RPC_TYPE}BadRequest`, fieldViolations: [{ field: error.param, description: error.message }] });
  }
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (error.retryAfter !== undefined) {
    errorDetails.push({ '@type': `${RPC_TYPE}RetryInfo`, retryDelay: `${error.retryAfter}s` });
    headers['retry-after'] = error.retryAfter;
  }
  body.error.details = errorDetails;
  return { status: body.error.code, body, headers };
}
