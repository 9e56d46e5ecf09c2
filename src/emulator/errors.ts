/**
 * Errors in neutral terms. The core and the server decide *that* something failed and why; each
 * protocol module renders it in its provider's real error shape and wording.
 */
import type { FaultSpec } from './faults.js';

export type EmulatorErrorKind =
  | 'authentication'
  | 'permission'
  | 'not-found'
  | 'method-not-allowed'
  | 'invalid-json'
  | 'invalid-request'
  | 'payload-too-large'
  | 'model-not-found'
  | 'context-length-exceeded'
  | 'output-limit-exceeded'
  | 'rate-limited'
  | 'quota-exceeded'
  | 'server-error'
  | 'unavailable'
  | 'overloaded'
  | 'timeout';

export interface EmulatorError {
  kind: EmulatorErrorKind;
  status: number;
  /** Default wording; protocol renderers may use their provider's instead. */
  message: string;
  /** The request field at fault, in the caller's protocol's terms. */
  param?: string;
  /** A provider error code the decoder already knows (e.g. `invalid_type`). */
  code?: string;
  retryAfterSeconds?: number;
  model?: string;
  method?: string;
  path?: string;
  /** Token figures for context / output limit errors. */
  limit?: number;
  requestedTokens?: number;
  inputTokens?: number;
  outputTokens?: number;
}

export function emulatorError(kind: EmulatorErrorKind, status: number, message: string, details: Partial<EmulatorError> = {}): EmulatorError {
  return { ...details, kind, status, message };
}

/** The error an injected `status` fault produces. */
export function faultError(fault: FaultSpec, model: string): EmulatorError {
  const status = fault.status ?? 500;
  const retryAfterSeconds = fault.retryAfter;
  const details: Partial<EmulatorError> = { model };
  if (retryAfterSeconds !== undefined) details.retryAfterSeconds = retryAfterSeconds;
  if (fault.code !== undefined) details.code = fault.code;
  switch (status) {
    case 400: return emulatorError('invalid-request', status, 'Injected fault: bad request.', details);
    case 401: return emulatorError('authentication', status, 'Injected fault: authentication failed.', details);
    case 403: return emulatorError('permission', status, 'Injected fault: permission denied.', details);
    case 404: return emulatorError('not-found', status, 'Injected fault: not found.', details);
    case 408: case 504: return emulatorError('timeout', status, 'Injected fault: request timed out.', details);
    case 413: return emulatorError('payload-too-large', status, 'Injected fault: payload too large.', details);
    case 429:
      if (fault.code === 'insufficient_quota') return emulatorError('quota-exceeded', status, 'Injected fault: quota exceeded.', details);
      // A rate-limit 429 always says when to come back, as the providers do.
      return emulatorError('rate-limited', status, 'Injected fault: rate limited.', { ...details, retryAfterSeconds: retryAfterSeconds ?? 1 });
    case 503: return emulatorError('unavailable', status, 'Injected fault: service unavailable.', details);
    case 529: return emulatorError('overloaded', status, 'Injected fault: overloaded.', details);
    default: return emulatorError(status >= 500 ? 'server-error' : 'invalid-request', status, `Injected fault: status ${status}.`, details);
  }
}
