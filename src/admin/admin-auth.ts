import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors/catalogue.js';
import { looksLikeVirtualKey } from '../keys/index.js';
import type { GatewayRequest } from '../gateway/http-types.js';

/** Long enough that guessing is hopeless; `openssl rand -base64 32` gives 44 characters. */
export const MIN_ADMIN_KEY_LENGTH = 16;

/** The credential a request presents: `x-admin-key`, else `Authorization: Bearer …`. */
function presented(request: GatewayRequest): string | undefined {
  const header = request.headers['x-admin-key'];
  if (header !== undefined) return header.trim();
  const authorization = request.headers.authorization;
  if (authorization === undefined) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return bearer === null ? '' : (bearer[1] as string).trim();
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * A check of the admin credential; undefined when it is the admin key. Both sides are hashed
 * first so the comparison is constant-time whatever the lengths. Virtual keys are refused by
 * name, before any comparison: they must never open /admin, whatever the admin key is.
 */
export function adminGuard(adminKey: string): (request: GatewayRequest) => GatewayError | undefined {
  if (adminKey.length < MIN_ADMIN_KEY_LENGTH) throw new RangeError(`the admin key must be at least ${MIN_ADMIN_KEY_LENGTH} characters long`);
  if (looksLikeVirtualKey(adminKey)) throw new RangeError('the admin key must not be a virtual key (sy-…); generate a separate secret');
  const expected = digest(adminKey);
  return (request) => {
    const credential = presented(request);
    if (credential === undefined || credential === '') {
      return new GatewayError('admin_unauthorized', 'The admin API needs the admin key: send "Authorization: Bearer <admin key>" or "x-admin-key: <admin key>".');
    }
    if (looksLikeVirtualKey(credential)) {
      return new GatewayError('admin_forbidden', 'A virtual key cannot use the admin API; send the admin key instead.');
    }
    if (!timingSafeEqual(digest(credential), expected)) return new GatewayError('admin_unauthorized', 'The admin key is not valid.');
    return undefined;
  };
}
