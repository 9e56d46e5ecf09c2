/**
 * Errors in Anthropic's shape, `{"type":"error","error":{"type","message"},"request_id"}`
 * [conformance anthropic/messages-error-400*.json], with the statuses the API uses
 * (https://docs.claude.com/en/api/errors): 400 invalid_request_error, 401 authentication_error,
 * 403 permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error (with
 * `retry-after`), 500 api_error, 529 overloaded_error. Every error carries a `request-id` header and
 * `x-should-retry`, which the official SDKs obey.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorError } from '../../errors.js';
import { jsonReply, type HttpReply } from '../../http.js';

/** The code the route handler sets when no key was sent at all (the wording differs from a bad key). */
export const MISSING_KEY_CODE = 'missing-api-key';

export interface AnthropicErrorPayload {
  type: 'error';
  error: { type: string; message: string };
  request_id: string;
}

export function anthropicErrorPayload(error: EmulatorError, requestId: string = newAnthropicRequestId()): AnthropicErrorPayload {
  const { type, message } = typeAndMessage(error);
  return { type: 'error', error: { type, message }, request_id: requestId };
}

export function renderAnthropicError(error: EmulatorError): HttpReply {
  const requestId = newAnthropicRequestId();
  const payload = anthropicErrorPayload(error, requestId);
  const headers: Record<string, string> = { 'request-id': requestId, 'x-should-retry': String(shouldRetry(error)) };
  if (error.retryAfterSeconds !== undefined && error.kind !== 'quota-exceeded') headers['retry-after'] = String(Math.ceil(error.retryAfterSeconds));
  return jsonReply(error.status, payload, headers);
}

/** `req_011C` + 20 letters and digits, like the real ids. */
export function newAnthropicRequestId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `req_011C${[...randomBytes(20)].map((byte) => alphabet[byte % alphabet.length]).join('')}`;
}

function shouldRetry(error: EmulatorError): boolean {
  if (error.kind === 'quota-exceeded') return false;
  return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
}

function typeAndMessage(error: EmulatorError): { type: string; message: string } {
  switch (error.kind) {
    case 'authentication':
      return { type: 'authentication_error', message: error.code === MISSING_KEY_CODE ? 'x-api-key header is required' : 'invalid x-api-key' };
    case 'permission':
      return { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' };
    case 'not-found':
      return { type: 'not_found_error', message: 'Not Found' };
    case 'method-not-allowed':
      return { type: 'invalid_request_error', message: 'Method Not Allowed' };
    case 'invalid-json':
      return { type: 'invalid_request_error', message: error.message };
    case 'invalid-request':
      return { type: 'invalid_request_error', message: error.message };
    case 'payload-too-large':
      return { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' };
    case 'model-not-found':
      return { type: 'not_found_error', message: `model: ${error.model ?? ''}` };
    case 'context-length-exceeded': {
      const input = error.inputTokens ?? 0;
      const limit = error.limit ?? 0;
      if (input > limit) return { type: 'invalid_request_error', message: `prompt is too long: ${input} tokens > ${limit} maximum` };
      return {
        type: 'invalid_request_error',
        message: `input length and \`max_tokens\` exceed context limit: ${input} + ${error.outputTokens ?? 0} > ${limit}, decrease input length or \`max_tokens\` and try again`,
      };
    }
    case 'output-limit-exceeded':
      return { type: 'invalid_request_error', message: `max_tokens: ${error.outputTokens ?? 0} > ${error.limit ?? 0}, which is the maximum allowed number of output tokens for ${error.model ?? 'this model'}` };
    case 'rate-limited':
      return {
        type: 'rate_limit_error',
        message: 'This request would exceed the rate limit for your organization (00000000-0000-4000-8000-000000000000) of 30,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.',
      };
    case 'quota-exceeded':
      // The spend-cap 429: no retry-after, since waiting a minute does not lift it.
      return { type: 'rate_limit_error', message: 'You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.' };
    case 'overloaded':
      return { type: 'overloaded_error', message: 'Overloaded' };
    case 'timeout':
      return { type: 'timeout_error', message: 'Request timed out' };
    case 'unavailable':
    case 'server-error':
      return { type: 'api_error', message: 'Internal server error' };
  }
}
