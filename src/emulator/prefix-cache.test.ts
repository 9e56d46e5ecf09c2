import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrefixCache } from './prefix-cache.js';

const tokens = (length: number, offset = 0): number[] => Array.from({ length }, (_, index) => (index * 7 + offset) % 50_000);

describe('PrefixCache', () => {
  it('reports nothing for a first request or a short prompt', () => {
    const cache = new PrefixCache();
    assert.equal(cache.lookupAndStore('m', tokens(3000)), 0);
    assert.equal(cache.lookupAndStore('m', tokens(1000)), 0);
    assert.equal(cache.lookupAndStore('m', tokens(1000)), 0);
  });

  it('reports the shared prefix rounded down to 128-token steps', () => {
    const cache = new PrefixCache();
    cache.lookupAndStore('m', tokens(3000));
    assert.equal(cache.lookupAndStore('m', tokens(3000)), 2944); // 23 × 128
    const diverging = [...tokens(1500), ...tokens(800, 3)];
    assert.equal(cache.lookupAndStore('m', diverging), 1408); // 11 × 128 ≤ 1500
  });

  it('keeps models apart and forgets after the TTL', () => {
    const cache = new PrefixCache({ ttlMs: 1000 });
    cache.lookupAndStore('a', tokens(2048), 0);
    assert.equal(cache.lookupAndStore('b', tokens(2048), 10), 0);
    assert.equal(cache.lookupAndStore('a', tokens(2048), 500), 2048);
    assert.equal(cache.lookupAndStore('a', tokens(2048), 5000), 0);
  });
});
