import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KeyAuthenticator } from './authenticator.js';
import { generateKey } from './key-format.js';
import { openKeyStore } from './open-key-store.js';
import type { AuthResult, KeyStore, VirtualKey } from './types.js';

const T0 = Date.UTC(2026, 0, 15, 12);

/** A store answering from a table of raw key → result, counting lookups; a clock tests move. */
function fakeStore(answers: Map<string, AuthResult>) {
  const calls: string[] = [];
  let release: (() => void) | undefined;
  const store: Pick<KeyStore, 'authenticate'> & { calls: string[]; hold(): void; release(): void } = {
    calls,
    async authenticate(rawKey) {
      calls.push(rawKey);
      if (release !== undefined) await new Promise<void>((resolve) => (release = resolve));
      return answers.get(rawKey) ?? { ok: false, reason: 'unknown' };
    },
    hold() {
      release = () => undefined;
    },
    release() {
      const resolve = release;
      release = undefined;
      resolve?.();
    },
  };
  return store;
}

function accepted(overrides: Partial<VirtualKey> = {}): AuthResult {
  return { ok: true, key: { id: 'key_1', expires_at: null, revoked_at: null, ...overrides } as VirtualKey, team: null };
}

describe('KeyAuthenticator', () => {
  it('answers a known key from memory for 500 ms, then asks the store again', async () => {
    const good = generateKey().raw;
    const store = fakeStore(new Map([[good, accepted()]]));
    let now = T0;
    const authenticator = new KeyAuthenticator(store, { now: () => now });
    assert.equal((await authenticator.authenticate(good)).ok, true);
    now += 499;
    assert.equal((await authenticator.authenticate(good)).ok, true);
    assert.equal(store.calls.length, 1, 'cached within the bound');
    now += 1;
    await authenticator.authenticate(good);
    assert.equal(store.calls.length, 2, 'asked again at the bound');
    assert.deepEqual(authenticator.stats(), { hits: 1, misses: 2, joined: 0, cached: 1 });
  });

  it('caches refusals for 2 s so a flood of one bad key costs one lookup per interval', async () => {
    const bad = generateKey().raw;
    const store = fakeStore(new Map());
    let now = T0;
    const authenticator = new KeyAuthenticator(store, { now: () => now });
    for (let index = 0; index < 1000; index += 1) assert.deepEqual(await authenticator.authenticate(bad), { ok: false, reason: 'unknown' });
    assert.equal(store.calls.length, 1);
    now += 2000;
    await authenticator.authenticate(bad);
    assert.equal(store.calls.length, 2);
  });

  it('refuses malformed keys without asking the store', async () => {
    const store = fakeStore(new Map());
    const authenticator = new KeyAuthenticator(store);
    for (const text of ['', 'sk-live-123', 'Bearer x', 'sy-short_key']) assert.deepEqual(await authenticator.authenticate(text), { ok: false, reason: 'malformed' });
    assert.deepEqual(store.calls, []);
  });

  it('shares one lookup among concurrent requests with the same key', async () => {
    const good = generateKey().raw;
    const store = fakeStore(new Map([[good, accepted()]]));
    const authenticator = new KeyAuthenticator(store, { now: () => T0 });
    store.hold();
    const pending = Array.from({ length: 50 }, () => authenticator.authenticate(good));
    await new Promise((resolve) => setImmediate(resolve));
    store.release();
    const results = await Promise.all(pending);
    assert.ok(results.every((result) => result.ok));
    assert.equal(store.calls.length, 1);
    assert.equal(authenticator.stats().joined, 49);
  });

  it('stops accepting a cached key at its expiry, not at the end of the cache entry', async () => {
    const good = generateKey().raw;
    const store = fakeStore(new Map([[good, accepted({ expires_at: T0 + 100 })]]));
    let now = T0;
    const authenticator = new KeyAuthenticator(store, { now: () => now });
    assert.equal((await authenticator.authenticate(good)).ok, true);
    now = T0 + 100;
    assert.deepEqual(await authenticator.authenticate(good), { ok: false, reason: 'expired' });
    assert.equal(store.calls.length, 1);
  });

  it('does not cache store failures, and treats a clock that went back as stale', async () => {
    const good = generateKey().raw;
    let failing = true;
    const store: Pick<KeyStore, 'authenticate'> = {
      authenticate: async () => {
        if (failing) throw new Error('database unreachable');
        return accepted();
      },
    };
    let now = T0;
    const authenticator = new KeyAuthenticator(store, { now: () => now });
    await assert.rejects(authenticator.authenticate(good), /database unreachable/);
    failing = false;
    assert.equal((await authenticator.authenticate(good)).ok, true);
    failing = true;
    now = T0 - 60_000;
    await assert.rejects(authenticator.authenticate(good), /database unreachable/, 'an entry from the future is not trusted');
  });

  it('keeps at most maxEntries refusals without evicting accepted keys', async () => {
    const good = generateKey().raw;
    const store = fakeStore(new Map([[good, accepted()]]));
    const authenticator = new KeyAuthenticator(store, { now: () => T0, maxEntries: 10 });
    await authenticator.authenticate(good);
    for (let index = 0; index < 100; index += 1) await authenticator.authenticate(generateKey().raw);
    assert.equal(authenticator.stats().cached, 11);
    await authenticator.authenticate(good);
    assert.equal(store.calls.filter((call) => call === good).length, 1, 'the good key is still cached');
  });

  describe('over a real database shared by two replicas', () => {
    const folder = mkdtempSync(join(tmpdir(), 'keys-auth-'));
    const stores: KeyStore[] = [];
    after(async () => {
      for (const store of stores) await store.close();
      rmSync(folder, { recursive: true, force: true });
    });

    it('refuses a key revoked on the other replica once the 500 ms bound has passed', async () => {
      const url = `sqlite:${join(folder, 'ledger.db')}`;
      const replicaA = await openKeyStore(url);
      const replicaB = await openKeyStore(url);
      stores.push(replicaA, replicaB);
      const { key, rawKey } = await replicaB.createKey({ name: 'ci' });
      let now = Date.now();
      const authenticator = new KeyAuthenticator(replicaA, { now: () => now });
      assert.equal((await authenticator.authenticate(rawKey)).ok, true);
      await replicaB.revokeKey(key.id);
      now += 499;
      assert.equal((await authenticator.authenticate(rawKey)).ok, true, 'still cached: inside the bound');
      now += 1;
      assert.deepEqual(await authenticator.authenticate(rawKey), { ok: false, reason: 'revoked' });
    });
  });
});
