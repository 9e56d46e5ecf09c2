/**
 * Signatures of thinking blocks. Anthropic signs each thinking block and rejects a replayed block
 * whose text or signature changed on the way ("messages.1.content.0: Invalid `signature` in
 * `thinking` block"). The emulator signs deterministically with a fixed secret, so a gateway that
 * edits, re-serialises, drops or swaps a signature gets the real 400, and one that round-trips it
 * untouched is accepted.
 *
 * Layout (base64): a tag byte, SHA-256 of the full hidden thinking, HMAC-SHA256 over that digest
 * and the text the client was shown. Binding the shown text makes edits detectable; carrying the
 * digest lets an `omitted` block (shown text "") still be verified. `redacted_thinking` data uses
 * the same layout with its own tag.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const SECRET = 'switchyard-emulator-thinking-signature-v1';
const THINKING_TAG = 0x12;
const REDACTED_TAG = 0x22;
const DIGEST_BYTES = 32;
const SIGNATURE_BYTES = 1 + DIGEST_BYTES + 32;

/** Sign a thinking block: `hidden` is everything the model thought, `shown` what the block carries. */
export function signThinking(hidden: string, shown: string): string {
  return seal(THINKING_TAG, digestOf(hidden), shown);
}

export function verifyThinking(shown: string, signature: string): boolean {
  return unseal(THINKING_TAG, signature, shown);
}

/** The opaque `data` of a `redacted_thinking` block. */
export function sealRedactedThinking(hidden: string): string {
  return seal(REDACTED_TAG, digestOf(hidden), '');
}

export function verifyRedactedThinking(data: string): boolean {
  return unseal(REDACTED_TAG, data, '');
}

function digestOf(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function mac(tag: number, digest: Buffer, shown: string): Buffer {
  return createHmac('sha256', SECRET).update(Buffer.from([tag])).update(digest).update(shown).digest();
}

function seal(tag: number, digest: Buffer, shown: string): string {
  return Buffer.concat([Buffer.from([tag]), digest, mac(tag, digest, shown)]).toString('base64');
}

function unseal(tag: number, encoded: string, shown: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return false;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== SIGNATURE_BYTES || bytes[0] !== tag) return false;
  const digest = bytes.subarray(1, 1 + DIGEST_BYTES);
  return timingSafeEqual(bytes.subarray(1 + DIGEST_BYTES), mac(tag, digest, shown));
}
