/**
 * Errors in Google's shape, `{"error":{"code":<int>,"message","status":"<CANONICAL>","details":[…]}}`
 * [conformance gemini/error-400-invalid-argument.json, error-429-resource-exhausted.json,
 * error-400-vertex-url.json], with each API's own wording where it is known:
 * - AI Studio without a key: 403 PERMISSION_DENIED ("unregistered callers"); an empty key: 400
 *   `API_KEY_INVALID`; Vertex without a token: 401 UNAUTHENTICATED `CREDENTIALS_MISSING`.
 * - 429 RESOURCE_EXHAUSTED carries `QuotaFailure` and `RetryInfo.retryDelay` in the body and no
 *   `Retry-After` header (Google sends none); Vertex's 429 has no details at all.
 * - 503 is "The model is overloaded", with `RetryInfo` only when the fault names `retry_after`.
 * Google has no 405 and no 413 of its own: a wrong method is 404 NOT_FOUND and an oversized body a
 * 400, as its front end answers them.
 */
import { emulatorError, type EmulatorError } from '../../errors.js';
import type { HttpReply } from '../../http.js';
import type { FieldViolation } from './wire-validate.js';
import type { GeminiFlavor } from './wire-schema.js';

export interface GoogleErrorDetail {
  '@type': string;
  [key: string]: unknown;
}

/** Where the request went; the messages that name a model or method need it. */
export interface GeminiRouteContext {
  flavor: GeminiFlavor;
  apiVersion: string;
  method: string;
  project?: string;
  location?: string;
}

export const GOOGLE_JSON = 'application/json; charset=UTF-8';
const TYPE = 'type.googleapis.com/google.rpc.';
const VERTEX_DOCS = 'Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini';

/** Details the renderer attaches to a decoder's error; kept beside the shared error type, not in it. */
const attachedDetails = new WeakMap<EmulatorError, GoogleErrorDetail[]>();

export function invalidArgument(message: string, details?: GoogleErrorDetail[]): EmulatorError {
  const error = emulatorError('invalid-request', 400, message);
  if (details !== undefined) attachedDetails.set(error, details);
  return error;
}

/** The JSON→proto parse failures, all of them, as Google lists them. */
export function payloadError(violations: readonly FieldViolation[]): EmulatorError {
  return invalidArgument(violations.map((violation) => violation.description).join('\n'), [{ '@type': `${TYPE}BadRequest`, fieldViolations: violations }]);
}

/** Semantic checks use Google's `* Request.field: problem` form. */
export function fieldError(field: string, problem: string): EmulatorError {
  return invalidArgument(`* GenerateContentRequest.${field}: ${problem}\n`);
}

/** Vertex prefixes most request errors this way. */
export function vertexInvalid(message: string): EmulatorError {
  return invalidArgument(`Unable to submit request because ${message} ${VERTEX_DOCS}`);
}

export function missingCredentials(flavor: GeminiFlavor, route: GeminiRouteContext): HttpReply {
  if (flavor === 'vertex') {
    return googleReply(401, 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.', [
      { '@type': `${TYPE}ErrorInfo`, reason: 'CREDENTIALS_MISSING', domain: 'googleapis.com', metadata: { method: `google.cloud.aiplatform.v1.PredictionService.${capitalise(route.method)}`, service: 'aiplatform.googleapis.com' } },
    ]);
  }
  return googleReply(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
}

export function invalidApiKey(): HttpReply {
  const message = 'API key not valid. Please pass a valid API key.';
  return googleReply(400, message, [
    { '@type': `${TYPE}ErrorInfo`, reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
    { '@type': `${TYPE}LocalizedMessage`, locale: 'en-US', message },
  ]);
}

export function renderGeminiError(error: EmulatorError, route: GeminiRouteContext): HttpReply {
  const { status, message, details } = describe(error, route);
  return googleReply(status, message, details ?? attachedDetails.get(error));
}

/** The in-stream error object (SSE event or array element); Google's SDKs raise it as an API error. */
export function geminiErrorObject(error: EmulatorError, route: GeminiRouteContext): { error: Record<string, unknown> } {
  const { status, message } = describe(error, route);
  return { error: { code: status, message, status: canonicalStatus(status) } };
}

function describe(error: EmulatorError, route: GeminiRouteContext): { status: number; message: string; details?: GoogleErrorDetail[] } {
  const vertex = route.flavor === 'vertex';
  const retry = error.retryAfterSeconds === undefined ? [] : [{ '@type': `${TYPE}RetryInfo`, retryDelay: `${error.retryAfterSeconds}s` }];
  switch (error.kind) {
    case 'authentication':
      return { status: error.status, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.' };
    case 'permission':
      return { status: error.status, message: 'The caller does not have permission' };
    case 'not-found':
    case 'method-not-allowed':
      return { status: 404, message: error.method === undefined ? error.message : 'Method not found.' };
    case 'invalid-json':
      return { status: 400, message: `Invalid JSON payload received. ${error.message.replace(/^The request body is not valid JSON:?\s*/, '').replace(/\.$/, '') || 'Unexpected end of input'}.` };
    case 'payload-too-large':
      return { status: 400, message: 'Request payload size exceeds the limit: 67108864 bytes.' };
    case 'model-not-found':
      return { status: 404, message: modelNotFound(error.model ?? '', route) };
    case 'context-length-exceeded':
      return { status: 400, message: `The input token count (${error.inputTokens ?? 0}) exceeds the maximum number of tokens allowed (${error.limit ?? 0}).` };
    case 'output-limit-exceeded':
      return { status: 400, message: `Unable to submit request because it has a maxOutputTokens value of ${error.outputTokens ?? 0} but the supported range is from 1 (inclusive) to ${(error.limit ?? 0) + 1} (exclusive). Update the value and try again.` };
    case 'rate-limited':
    case 'quota-exceeded':
      return vertex
        ? { status: error.status, message: 'Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.', details: [] }
        : quotaError(error, retry);
    case 'unavailable':
    case 'overloaded':
      return { status: error.status, message: vertex ? 'The service is currently unavailable.' : 'The model is overloaded. Please try again later.', details: retry };
    case 'timeout':
      return { status: error.status, message: 'Deadline expired before operation could complete.' };
    case 'server-error':
      return { status: error.status, message: vertex ? 'Internal error encountered.' : 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting' };
    case 'invalid-request':
      return { status: error.status, message: error.message };
  }
}

function quotaError(error: EmulatorError, retry: GoogleErrorDetail[]): { status: number; message: string; details: GoogleErrorDetail[] } {
  const daily = error.kind === 'quota-exceeded';
  const model = error.model ?? 'gemini';
  const quotaId = daily ? 'GenerateRequestsPerDayPerProjectPerModel' : 'GenerateContentInputTokensPerModelPerMinute';
  const violation = {
    quotaMetric: daily ? 'generativelanguage.googleapis.com/generate_content_requests' : 'generativelanguage.googleapis.com/generate_content_input_token_count',
    quotaId,
    quotaDimensions: { location: 'global', model },
    quotaValue: daily ? '10000' : '2000000',
  };
  const retryText = daily || retry.length === 0 ? '' : ` Please retry in ${error.retryAfterSeconds ?? 1}s.`;
  return {
    status: error.status,
    message: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.${retryText}`,
    // A daily quota will not come back in seconds: no RetryInfo, as with OpenAI's insufficient_quota.
    details: [
      { '@type': `${TYPE}QuotaFailure`, violations: [violation] },
      { '@type': `${TYPE}Help`, links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
      ...(daily ? [] : retry),
    ],
  };
}

function modelNotFound(model: string, route: GeminiRouteContext): string {
  if (route.flavor === 'vertex') {
    return `Publisher Model \`projects/${route.project ?? ''}/locations/${route.location ?? ''}/publishers/google/models/${model}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`;
  }
  return `models/${model} is not found for API version ${route.apiVersion}, or is not supported for ${route.method}. Call ListModels to see the list of available models and their supported methods.`;
}

export function googleReply(status: number, message: string, details?: GoogleErrorDetail[]): HttpReply {
  const error: Record<string, unknown> = { code: status, message, status: canonicalStatus(status) };
  if (details !== undefined && details.length > 0) error.details = details;
  // Google's front end pretty-prints error bodies, with a final newline.
  const text = `${JSON.stringify({ error }, null, 2)}\n`;
  return { status, headers: { 'content-type': GOOGLE_JSON, vary: 'Origin, X-Origin, Referer' }, body: text };
}

/** google.rpc.Code names by HTTP status, as Google's front end maps them. */
export function canonicalStatus(status: number): string {
  switch (status) {
    case 400: return 'INVALID_ARGUMENT';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'PERMISSION_DENIED';
    case 404: return 'NOT_FOUND';
    case 409: return 'ABORTED';
    case 412: return 'FAILED_PRECONDITION';
    case 429: return 'RESOURCE_EXHAUSTED';
    case 499: return 'CANCELLED';
    case 501: return 'UNIMPLEMENTED';
    case 503: case 529: return 'UNAVAILABLE';
    case 408: case 504: return 'DEADLINE_EXCEEDED';
    default: return status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
