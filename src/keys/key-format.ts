import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A virtual key reads `sy-<public id>_<secret>`:
 * - `sy-` says what it is (secret scanners and people recognise it);
 * - the public id (12 base62 characters) finds the row; it is not secret and is shown in listings;
 * - the secret (43 base62 characters, 256 bits) is what proves possession.
 * Base62 has no `-` or `_`, so the parts split unambiguously and the key survives URLs, headers,
 * shells and double-click selection of the secret.
 */
export const KEY_PREFIX = 'sy-';
export const PUBLIC_ID_LENGTH = 12;
export const SECRET_LENGTH = 43;
export const KEY_LENGTH = KEY_PREFIX.length + PUBLIC_ID_LENGTH + 1 + SECRET_LENGTH;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}([0-9A-Za-z]{${PUBLIC_ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})$`);

/**
 * `length` uniformly random base62 characters. Bytes ≥ 248 are discarded rather than reduced mod
 * 62, which would make the first eight characters more likely than the rest.
 */
export function randomBase62(length: number): string {
  let text = '';
  while (text.length < length) {
    for (const byte of randomBytes(length + 8)) {
      if (byte < 248 && text.length < length) text += BASE62[byte % 62];
    }
  }
  return text;
}

export interface GeneratedKey {
  /** The whole key: given to its owner once, never stored. */
  raw: string;
  publicId: string;
  /** What listings show: the prefix and the public id, no secret material. */
  displayPrefix: string;
  /** Hex SHA-256 of the whole key: the only trace of the secret that is stored. */
  hash: string;
}

export function generateKey(): GeneratedKey {
  const publicId = randomBase62(PUBLIC_ID_LENGTH);
  const raw = `${KEY_PREFIX}${publicId}_${randomBase62(SECRET_LENGTH)}`;
  return { raw, publicId, displayPrefix: displayPrefix(publicId), hash: hashKey(raw) };
}

export function displayPrefix(publicId: string): string {
  return `${KEY_PREFIX}${publicId}`;
}

/**
 * SHA-256, unsalted and fast, on purpose. Slow salted hashes (bcrypt, scrypt, argon2) exist to make
 * guessing low-entropy passwords expensive; a 256-bit random secret cannot be guessed from its hash
 * at any speed, and a fast hash keeps authentication on the request path cheap. The hash covers the
 * whole key, so a secret is only valid together with its own public id.
 */
export function hashKey(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** The public id of a well-formed key; undefined when the text cannot be a virtual key. */
export function parseKey(raw: string): { publicId: string } | undefined {
  // The length check first: a megabyte of header never reaches the regular expression.
  if (raw.length !== KEY_LENGTH) return undefined;
  const match = KEY_PATTERN.exec(raw);
  return match === null ? undefined : { publicId: match[1] as string };
}

/** Whether the text looks like a virtual key (for refusing one where it must never work). */
export function looksLikeVirtualKey(raw: string): boolean {
  return raw.startsWith(KEY_PREFIX) && parseKey(raw) !== undefined;
}

const ZERO_HASH = Buffer.alloc(32);

/**
 * Whether `raw` hashes to `storedHash`, compared in constant time so the response time says nothing
 * about how many leading bytes of a guess were right. A missing row (`storedHash` undefined) does
 * the same work against a dummy hash and fails, so unknown ids and wrong secrets take as long.
 */
export function verifyKey(raw: string, storedHash: string | undefined): boolean {
  const actual = createHash('sha256').update(raw, 'utf8').digest();
  const stored = storedHash === undefined ? undefined : Buffer.from(storedHash, 'hex');
  const expected = stored?.length === 32 ? stored : ZERO_HASH;
  return timingSafeEqual(actual, expected) && stored !== undefined && stored.length === 32;
}
