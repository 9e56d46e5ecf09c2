import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryResponseCacheStore } from './memory-store.js';
import { openResponseCacheStore } from './open-store.js';
import { sampleEntry, T0 } from './testing/fixtures.js';
import { describeStoreContract } from './testing/store-contract.js';

describeStoreContract({
  name: 'memory',
  boundsTotals: true,
  open: async (limits = {}) => createMemoryResponseCacheStore(limits),
  dispose: async () => undefined,
});

describe('memory store', () => {
  it('evicts the least recently used entry, not the oldest written', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 2 });
    await store.set('a', sampleEntry(), T0);
    await store.set('b', sampleEntry(), T0);
    assert.notEqual(await store.get('a', T0), undefined);
    await store.set('c', sampleEntry(), T0);
    assert.notEqual(await store.get('a', T0), undefined);
    assert.equal(await store.get('b', T0), undefined);
    assert.notEqual(await store.get('c', T0), undefined);
  });

  it('frees the bytes of an expired entry once it is read', async () => {
    const store = createMemoryResponseCacheStore({ maxEntries: 2 });
    await store.set('short', sampleEntry(1_000), T0);
    await store.set('long', sampleEntry(60_000), T0);
    assert.equal(await store.get('short', T0 + 1_000), undefined);
    // The expired slot is gone, so a new entry fits without evicting the live one.
    await store.set('new', sampleEntry(), T0 + 1_000);
    assert.notEqual(await store.get('long', T0 + 1_000), undefined);
  });
});

describe('openResponseCacheStore', () => {
  it('opens the backend the config names', async () => {
    const store = openResponseCacheStore({ kind: 'memory', maxEntries: 5 });
    assert.equal(store.kind, 'memory');
    await store.close();
  });
});
