import { kindForStatus, type ErrorKind } from '../../errors/catalogue.js';

const ERROR_KINDS: ReadonlySet<string> = new Set<ErrorKind>([
  'invalid_request',
  'authentication',
  'permission',
  'not_found',
  'request_too_large',
  'rate_limit',
  'overloaded',
  'server_error',
  'timeout',
  'unavailable',
]);

export function isErrorKind(kind: string): kind is ErrorKind {
  return ERROR_KINDS.has(kind);
}

/**
 * A stream error's free-form kind (`StreamErrorInfo.kind`) as a catalogue kind, falling back on its
 * status: every codec renders in-stream errors from catalogue kinds.
 */
export function asErrorKind(kind: string, status: number): ErrorKind {
  return isErrorKind(kind) ? kind : kindForStatus(status);
}
