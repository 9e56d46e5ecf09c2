import { GatewayError } from '../errors/catalogue.js';
import { KEY_PREFIX, PUBLIC_ID_LENGTH, SECRET_LENGTH } from './key-format.js';
import type { AuthFailureReason } from './types.js';

const MESSAGES: Record<AuthFailureReason, string> = {
  malformed: `The API key is malformed: a Switchyard key reads ${KEY_PREFIX}<${PUBLIC_ID_LENGTH} characters>_<${SECRET_LENGTH} characters>.`,
  // One message for an unknown key and a wrong secret: the caller must not learn which ids exist.
  unknown: 'The API key is not valid.',
  revoked: 'The API key has been revoked.',
  expired: 'The API key has expired.',
};

/** The 401 for a refused virtual key, ready for the caller's protocol codec. */
export function authFailureError(reason: AuthFailureReason): GatewayError {
  return new GatewayError('invalid_api_key', MESSAGES[reason]);
}
