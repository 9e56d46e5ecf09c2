import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateKey, hashKey, KEY_LENGTH, looksLikeVirtualKey, parseKey, randomBase62, verifyKey } from './key-format.js';

describe('virtual key format', () => {
  it('is sy-, a 12-character public id, _ and a 256-bit base62 secret', () => {
    const key = generateKey();
    assert.match(key.raw, /^sy-[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    assert.equal(key.raw.length, KEY_LENGTH);
    assert.ok(43 * Math.log2(62) >= 256, 'the secret carries at least 256 bits');
    assert.equal(key.displayPrefix, `sy-${key.publicId}`);
    assert.ok(key.raw.startsWith(`${key.displayPrefix}_`));
    assert.equal(parseKey(key.raw)?.publicId, key.publicId);
  });

  it('never repeats a key or a public id in 2,000 draws', () => {
    const keys = Array.from({ length: 2000 }, () => generateKey());
    assert.equal(new Set(keys.map((key) => key.raw)).size, keys.length);
    assert.equal(new Set(keys.map((key) => key.publicId)).size, keys.length);
  });

  it('draws every base62 character about equally often', () => {
    const counts = new Map<string, number>();
    for (const character of randomBase62(62_000)) counts.set(character, (counts.get(character) ?? 0) + 1);
    assert.equal(counts.size, 62);
    // Expected 1,000 each; a mod-62 bias would give the first eight characters ~1,210 (bounds are 5.7 sigma).
    for (const [character, count] of counts) assert.ok(count > 820 && count < 1180, `${character}: ${count}`);
  });

  it('stores the hex SHA-256 of the whole key', () => {
    const key = generateKey();
    assert.equal(key.hash, createHash('sha256').update(key.raw).digest('hex'));
    assert.equal(hashKey(key.raw), key.hash);
  });

  it('verifies the right key and refuses a wrong secret, a missing row and a damaged hash', () => {
    const key = generateKey();
    assert.equal(verifyKey(key.raw, key.hash), true);
    const wrongSecret = `${key.displayPrefix}_${'0'.repeat(43)}`;
    assert.equal(verifyKey(wrongSecret, key.hash), false);
    assert.equal(verifyKey(key.raw, undefined), false, 'no row: compared against a dummy, refused');
    assert.equal(verifyKey(key.raw, key.hash.slice(0, 10)), false);
    assert.equal(verifyKey(key.raw, '00'.repeat(32)), false);
  });

  it('calls anything else malformed without looking further', () => {
    const key = generateKey().raw;
    for (const text of ['', 'sy-', key.slice(0, -1), `${key}A`, key.replace('sy-', 'SY-'), key.replace('_', '.'), key.replace(/.$/, '-'), `x${key.slice(1)}`, 'a'.repeat(1_000_000)]) {
      assert.equal(parseKey(text), undefined, text.slice(0, 80));
      assert.equal(looksLikeVirtualKey(text), false);
    }
    assert.equal(looksLikeVirtualKey(key), true);
  });
});
