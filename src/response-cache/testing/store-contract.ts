import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { serializeEntry } from '../entry.js';
import type { ResponseCacheStore } from '../store.js';
import { entryOfSize, sampleEntry, T0 } from './fixtures.js';

export interface StoreLimits {
  maxEntries?: number;
  maxBytes?: number;
  maxEntryBytes?: number;
}

/** One backend under the contract. */
export interface StoreHarness {
  name: string;
  /** A fresh, empty store with these limits. */
  open(limits?: StoreLimits): Promise<ResponseCacheStore>;
  /** Whether the backend enforces `maxEntries` / `maxBytes` itself (Redis leaves totals to maxmemory). */
  boundsTotals: boolean;
  /** Removes whatever the harness created (files, keys). */
  dispose(): Promise<void>;
}

/** The behaviour every store promises; registered once per backend. */
export function describeStoreContract(harness: StoreHarness, options: { skip?: string | boolean } = {}): void {
  describe(`response cache store contract: ${harness.name}`, { skip: options.skip }, () => {
    const stores: ResponseCacheStore[] = [];
    const open = async (limits?: StoreLimits): Promise<ResponseCacheStore> => {
      const store = await harness.open(limits);
      stores.push(store);
      return store;
    };
    after(async () => {
      for (const store of stores) await store.close();
      await harness.dispose();
    });
    const key = (): string => randomUUID().replace(/-/g, '');

    it('misses a key never written', async () => {
      const store = await open();
      assert.equal(await store.get(key(), T0), undefined);
    });

    it('returns what was stored, field for field', async () => {
      const store = await open();
      const k = key();
      const entry = sampleEntry();
      assert.equal(await store.set(k, entry, T0), true);
      assert.deepEqual(await store.get(k, T0 + 1), entry);
    });

    it('hands out copies: changing a hit changes nothing stored', async () => {
      const store = await open();
      const k = key();
      await store.set(k, sampleEntry(), T0);
      const first = await store.get(k, T0);
      first!.response.content.length = 0;
      assert.equal((await store.get(k, T0))!.response.content.length, 2);
    });

    it('replaces an entry written again under the same key', async () => {
      const store = await open();
      const k = key();
      await store.set(k, sampleEntry(), T0);
      const newer = sampleEntry(60_000, T0 + 5);
      newer.response.id = 'chatcmpl-newer';
      await store.set(k, newer, T0 + 5);
      assert.equal((await store.get(k, T0 + 6))!.response.id, 'chatcmpl-newer');
    });

    it('serves an entry until its expiry and never from then on', async () => {
      const store = await open();
      const k = key();
      const entry = sampleEntry(10_000);
      await store.set(k, entry, T0);
      assert.notEqual(await store.get(k, T0 + 9_999), undefined);
      assert.equal(await store.get(k, T0 + 10_000), undefined);
      assert.equal(await store.get(k, T0 + 60_000), undefined);
    });

    it('refuses an entry that has already expired', async () => {
      const store = await open();
      const k = key();
      assert.equal(await store.set(k, sampleEntry(1_000), T0 + 1_000), false);
      assert.equal(await store.get(k, T0), undefined);
    });

    it('refuses an entry larger than the entry limit, and drops the older one under its key', async () => {
      const store = await open({ maxEntryBytes: 2_000 });
      const k = key();
      assert.equal(await store.set(k, entryOfSize(1_500), T0), true);
      const big = entryOfSize(2_500);
      assert.ok(Buffer.byteLength(serializeEntry(big)) > 2_000);
      assert.equal(await store.set(k, big, T0), false);
      assert.equal(await store.get(k, T0), undefined);
    });

    it('forgets a deleted key', async () => {
      const store = await open();
      const k = key();
      await store.set(k, sampleEntry(), T0);
      await store.delete(k);
      assert.equal(await store.get(k, T0), undefined);
    });

    it('keeps entries of different keys apart', async () => {
      const store = await open();
      const [a, b] = [key(), key()];
      const other = sampleEntry();
      other.servedBy = 'anthropic/claude-sonnet-4-6';
      await store.set(a, sampleEntry(), T0);
      await store.set(b, other, T0);
      assert.equal((await store.get(a, T0))!.servedBy, 'openai/gpt-5-mini');
      assert.equal((await store.get(b, T0))!.servedBy, 'anthropic/claude-sonnet-4-6');
    });

    // Stores that bound their totals themselves; Redis leaves the total to its own maxmemory policy.
    if (harness.boundsTotals) it('evicts the oldest entries past the entry count bound', async () => {
      const store = await open({ maxEntries: 3 });
      const keys = [key(), key(), key(), key(), key()];
      for (const [index, k] of keys.entries()) await store.set(k, sampleEntry(60_000, T0 + index), T0 + index);
      const live = await Promise.all(keys.map(async (k) => (await store.get(k, T0 + 10)) !== undefined));
      assert.deepEqual(live, [false, false, true, true, true]);
    });

    if (harness.boundsTotals) it('evicts the oldest entries past the byte bound', async () => {
      const size = Buffer.byteLength(serializeEntry(entryOfSize(1_000)));
      const store = await open({ maxBytes: size * 2 + size / 2, maxEntryBytes: size * 2 });
      const keys = [key(), key(), key()];
      for (const [index, k] of keys.entries()) await store.set(k, entryOfSize(1_000, 60_000, T0 + index), T0 + index);
      const live = await Promise.all(keys.map(async (k) => (await store.get(k, T0 + 10)) !== undefined));
      assert.deepEqual(live, [false, true, true]);
    });
  });
}
