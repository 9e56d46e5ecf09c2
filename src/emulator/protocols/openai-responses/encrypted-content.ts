/**
 * `encrypted_content` of reasoning items. OpenAI returns an opaque Fernet token (`gAAAAAB…`) that
 * only its own servers can read, and rejects a replayed token it cannot verify with
 * `invalid_encrypted_content` (e.g. one from another organisation, or edited on the way). The
 * emulator seals a small payload the same way (version byte, timestamp, IV, AES-128-CBC, then an
 * HMAC-SHA256 over all of it, URL-safe base64 with padding) under a key derived from its seed, so
 * a gateway that alters or swaps the blob gets the real error, and emulators sharing a seed accept
 * each other's blobs, like one organisation's servers.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SealedReasoning {
  /** The reasoning item the blob belongs to. */
  itemId: string;
  /** The model (snapshot name) that reasoned. */
  model: string;
  reasoningTokens: number;
}

const VERSION = 0x80;
const HEADER_BYTES = 1 + 8 + 16;
const MAC_BYTES = 32;

export class ReasoningVault {
  private readonly signingKey: Buffer;
  private readonly encryptionKey: Buffer;

  constructor(seed: number) {
    const key = createHash('sha256').update(`switchyard emulator reasoning key ${seed}`).digest();
    this.signingKey = key.subarray(0, 16);
    this.encryptionKey = key.subarray(16);
  }

  /** `iv` must be 16 bytes; the caller derives it from the request's seeded random source. */
  seal(content: SealedReasoning, iv: Buffer, timestampSeconds: number): string {
    const cipher = createCipheriv('aes-128-cbc', this.encryptionKey, iv);
    const plain = Buffer.from(JSON.stringify({ i: content.itemId, m: content.model, t: content.reasoningTokens }));
    const header = Buffer.alloc(1 + 8);
    header.writeUInt8(VERSION, 0);
    header.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(timestampSeconds))), 1);
    const signed = Buffer.concat([header, iv, cipher.update(plain), cipher.final()]);
    const mac = createHmac('sha256', this.signingKey).update(signed).digest();
    return toPaddedBase64Url(Buffer.concat([signed, mac]));
  }

  /** The sealed content, or undefined when the token was not made by this key or was altered. */
  open(token: string): SealedReasoning | undefined {
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(token)) return undefined;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length < HEADER_BYTES + 16 + MAC_BYTES || bytes[0] !== VERSION) return undefined;
    const signed = bytes.subarray(0, bytes.length - MAC_BYTES);
    const mac = bytes.subarray(bytes.length - MAC_BYTES);
    const expected = createHmac('sha256', this.signingKey).update(signed).digest();
    if (!timingSafeEqual(mac, expected)) return undefined;
    try {
      const decipher = createDecipheriv('aes-128-cbc', this.encryptionKey, signed.subarray(9, HEADER_BYTES));
      const plain = Buffer.concat([decipher.update(signed.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
      const parsed = JSON.parse(plain) as { i?: unknown; m?: unknown; t?: unknown };
      if (typeof parsed.i !== 'string' || typeof parsed.m !== 'string' || typeof parsed.t !== 'number') return undefined;
      return { itemId: parsed.i, model: parsed.m, reasoningTokens: parsed.t };
    } catch {
      return undefined;
    }
  }
}

/** OpenAI's tokens keep the `=` padding (`…Rg==`), unlike Node's base64url. */
function toPaddedBase64Url(bytes: Buffer): string {
  const text = bytes.toString('base64url');
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

/** How OpenAI quotes a token in its error message: the first and last four characters. */
export function abbreviateToken(token: string): string {
  return token.length <= 12 ? token : `${token.slice(0, 4)}...${token.slice(-4)}`;
}
