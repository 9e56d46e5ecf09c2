import { strict as assert } from 'node:assert';
import { after, it } from 'node:test';
import { loadLedgerMigrations } from '../../ledger/migrations.js';
import { openLedgerStore } from '../../ledger/open-store.js';
import { numberedRecords } from '../../ledger/testing/records.js';
import { KeyConflictError } from '../errors.js';
import { hashKey, parseKey } from '../key-format.js';
import type { KeyStore } from '../types.js';
import { KeyValidationError } from '../validation.js';
import type { KeyTestBackend, KeyTestDatabase } from './backends.js';

const T0 = Date.UTC(2026, 0, 15, 12);

function rejectsWith(field: string, pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof KeyValidationError, `expected a KeyValidationError, got ${String(error)}`);
    assert.ok(
      error.issues.some((issue) => issue.path === field && pattern.test(issue.message)),
      `expected an issue at ${field} matching ${pattern}, got ${JSON.stringify(error.issues)}`,
    );
    return true;
  };
}

/**
 * What every key store must do, registered as tests in the caller's describe block. Each test gets
 * an empty database of its own; every test checks exact values, so both backends agree.
 */
export function keyStoreContract(backend: KeyTestBackend): void {
  const stores: KeyStore[] = [];
  const open = async (database?: KeyTestDatabase): Promise<KeyStore> => {
    const store = await (database ?? (await backend.createDatabase())).open();
    stores.push(store);
    return store;
  };
  after(async () => {
    for (const store of stores) await store.close();
    await backend.dispose();
  });

  it("shares the ledger's database and migrations, whichever store opens first", async () => {
    const expected = loadLedgerMigrations(backend.name).map((migration) => ({ version: migration.version, name: migration.name }));
    assert.deepEqual(expected.slice(0, 2), [
      { version: 1, name: 'init' },
      { version: 2, name: 'keys' },
    ]);
    for (const keysFirst of [true, false]) {
      const database = await backend.createDatabase();
      const ledgerFirst = keysFirst ? undefined : await openLedgerStore(database.url, database.options);
      const keys = await open(database);
      const ledger = ledgerFirst ?? (await openLedgerStore(database.url, database.options));
      await ledger.insertBatch(numberedRecords(2));
      await keys.createTeam({ name: 'platform' }, T0);
      await ledger.close();
      await keys.close();
      const reopened = await open(database);
      assert.equal((await reopened.listTeams()).length, 1);
      const versions = await database.sql('SELECT version, name FROM schema_migrations ORDER BY version');
      assert.deepEqual(versions.map((row) => ({ version: Number(row.version), name: row.name })), expected, 'each migration applied once');
    }
  });

  it('creates teams with defaults, reads them back by id and name, and lists them oldest first', async () => {
    const store = await open();
    const platform = await store.createTeam(
      {
        name: 'platform',
        allowed_models: ['anthropic/*', 'openai/gpt-5-mini'],
        rpm: 600,
        budgets: [{ period: 'month', limit_usd: 250.5 }],
        metadata: { owner: 'ana@example.com', cost_centre: 42, tags: ['prod', 'ünïcødé'], nested: { on: true, none: null } },
      },
      T0,
    );
    assert.match(platform.id, /^team_[0-9A-Za-z]{16}$/);
    assert.deepEqual(platform, {
      id: platform.id,
      name: 'platform',
      metadata: { owner: 'ana@example.com', cost_centre: 42, tags: ['prod', 'ünïcødé'], nested: { on: true, none: null } },
      allowed_models: ['anthropic/*', 'openai/gpt-5-mini'],
      allowed_routes: null,
      rpm: 600,
      tpm: null,
      budgets: [{ period: 'month', limit_usd: 250.5, timezone: 'UTC', thresholds: [0.5, 0.8, 1], on_exhausted: 'block' }],
      created_at: T0,
      updated_at: T0,
    });
    const research = await store.createTeam({ name: 'research' }, T0 + 1);
    assert.deepEqual(await store.getTeam(platform.id), platform);
    assert.deepEqual(await store.getTeamByName('research'), research);
    assert.equal(await store.getTeam('team_missing'), undefined);
    assert.deepEqual(await store.listTeams(), [platform, research]);
  });

  it('updates only the fields given, null clearing a limit; unknown teams give undefined', async () => {
    const store = await open();
    const team = await store.createTeam({ name: 'platform', rpm: 60, tpm: 100_000, allowed_routes: ['chat'] }, T0);
    const updated = await store.updateTeam(team.id, { rpm: null, budgets: [{ period: 'day', limit_usd: 5, timezone: 'Europe/Paris', on_exhausted: { downgrade_to: 'cheap' } }] }, T0 + 10);
    assert.deepEqual(updated, {
      ...team,
      rpm: null,
      budgets: [{ period: 'day', limit_usd: 5, timezone: 'Europe/Paris', thresholds: [0.5, 0.8, 1], on_exhausted: { downgrade_to: 'cheap' } }],
      updated_at: T0 + 10,
    });
    assert.equal(await store.updateTeam('team_missing', { rpm: 5 }), undefined);
  });

  it('refuses a second team with a name in use, on create and on rename', async () => {
    const store = await open();
    await store.createTeam({ name: 'platform' }, T0);
    const other = await store.createTeam({ name: 'research' }, T0);
    const taken = (error: unknown): boolean => {
      assert.ok(error instanceof KeyConflictError);
      assert.equal(error.code, 'team_name_taken');
      assert.match(error.message, /a team named "platform" already exists/);
      return true;
    };
    await assert.rejects(store.createTeam({ name: 'platform' }), taken);
    await assert.rejects(store.updateTeam(other.id, { name: 'platform' }), taken);
    assert.equal((await store.listTeams()).length, 2);
  });

  it('validates inputs before writing, naming each field at fault', async () => {
    const store = await open();
    await assert.rejects(store.createTeam({ name: '' }), rejectsWith('name', /must not be empty/));
    await assert.rejects(
      store.createTeam({ name: 'x', budgets: [{ period: 'day', limit_usd: -1 }] }),
      rejectsWith('budgets[0].limit_usd', /greater than 0/),
    );
    await assert.rejects(store.createKey({ rpm: 0 }), rejectsWith('rpm', /at least 1/));
    await assert.rejects(store.createKey({ task_budget: { on_exceeded: 'block' } }), rejectsWith('task_budget', /needs max_tokens, max_cost_usd or both/));
    await assert.rejects(store.createKey({ colour: 'red' } as never), rejectsWith('colour', /unknown field/));
    assert.deepEqual(await store.listTeams(), []);
    assert.deepEqual(await store.listKeys({ include_revoked: true }), []);
  });

  it('returns the raw key once; stores and lists only its hash and display prefix', async () => {
    const database = await backend.createDatabase();
    const store = await open(database);
    const team = await store.createTeam({ name: 'platform' }, T0);
    const { key, rawKey } = await store.createKey(
      { name: 'ci', team_id: team.id, allowed_models: ['anthropic/*'], tpm: 50_000, task_budget: { max_tokens: 200_000, max_cost_usd: 2.5 }, expires_at: '2026-02-01T00:00:00Z' },
      T0,
    );
    const publicId = parseKey(rawKey)?.publicId;
    assert.ok(publicId !== undefined, `well-formed: ${rawKey}`);
    assert.match(key.id, /^key_[0-9A-Za-z]{16}$/);
    assert.deepEqual(key, {
      id: key.id,
      public_id: publicId,
      display_prefix: `sy-${publicId}`,
      name: 'ci',
      team_id: team.id,
      allowed_models: ['anthropic/*'],
      allowed_routes: null,
      rpm: null,
      tpm: 50_000,
      budgets: [],
      task_budget: { max_tokens: 200_000, max_cost_usd: 2.5, on_exceeded: 'block' },
      metadata: {},
      created_at: T0,
      updated_at: T0,
      expires_at: Date.UTC(2026, 1, 1),
      revoked_at: null,
    });
    const secret = rawKey.split('_')[1] as string;
    const listed = JSON.stringify([await store.listKeys(), await store.getKey(key.id)]);
    assert.ok(!listed.includes(secret) && !listed.includes(hashKey(rawKey)), 'listings hold neither the secret nor its hash');
    const [row] = await database.sql(`SELECT * FROM keys WHERE id = '${key.id}'`);
    assert.equal(row?.secret_hash, hashKey(rawKey));
    assert.ok(!Object.values(row ?? {}).some((value) => String(value).includes(secret)), 'no column holds the secret');
  });

  it('authenticates a key with its team, and says why a key is refused', async () => {
    const store = await open();
    const team = await store.createTeam({ name: 'platform', allowed_models: ['openai/*'] }, T0);
    const { key, rawKey } = await store.createKey({ team_id: team.id, expires_at: T0 + 60_000 }, T0);
    const loner = await store.createKey({}, T0);

    assert.deepEqual(await store.authenticate(rawKey, T0 + 1), { ok: true, key, team });
    assert.deepEqual(await store.authenticate(loner.rawKey, T0 + 1), { ok: true, key: loner.key, team: null });

    const publicId = parseKey(rawKey)?.publicId as string;
    const wrongSecret = `sy-${publicId}_${'A'.repeat(43)}`;
    const unknownId = `sy-${'B'.repeat(12)}_${rawKey.split('_')[1] as string}`;
    assert.deepEqual(await store.authenticate(wrongSecret, T0 + 1), { ok: false, reason: 'unknown' });
    assert.deepEqual(await store.authenticate(unknownId, T0 + 1), { ok: false, reason: 'unknown' });
    for (const malformed of ['', 'sk-abc', `${rawKey}x`, rawKey.replace('sy-', 'sx-'), rawKey.replace('_', '-'), `Bearer ${rawKey}`]) {
      assert.deepEqual(await store.authenticate(malformed, T0 + 1), { ok: false, reason: 'malformed' }, malformed);
    }
    assert.deepEqual(await store.authenticate(rawKey, T0 + 60_000), { ok: false, reason: 'expired' }, 'expired at expires_at exactly');
    await store.revokeKey(key.id, T0 + 2);
    assert.deepEqual(await store.authenticate(rawKey, T0 + 3), { ok: false, reason: 'revoked' });
    assert.deepEqual(await store.authenticate(rawKey, T0 + 60_000), { ok: false, reason: 'revoked' }, 'revoked wins over expired');
  });

  it('refuses a key for a team that does not exist, naming team_id', async () => {
    const store = await open();
    await assert.rejects(store.createKey({ team_id: 'team_nope' }), rejectsWith('team_id', /no team has the id "team_nope"/));
    const { key } = await store.createKey({}, T0);
    await assert.rejects(store.updateKey(key.id, { team_id: 'team_nope' }), rejectsWith('team_id', /no team has the id "team_nope"/));
  });

  it('updates keys field by field, lists them by team, and revokes them once', async () => {
    const store = await open();
    const platform = await store.createTeam({ name: 'platform' }, T0);
    const research = await store.createTeam({ name: 'research' }, T0);
    const a = await store.createKey({ name: 'a', team_id: platform.id, rpm: 10 }, T0);
    const b = await store.createKey({ name: 'b', team_id: research.id }, T0 + 1);
    const c = await store.createKey({ name: 'c' }, T0 + 2);

    const moved = await store.updateKey(b.key.id, { team_id: platform.id, rpm: 30, metadata: { ticket: 'OPS-1' } }, T0 + 5);
    assert.deepEqual(moved, { ...b.key, team_id: platform.id, rpm: 30, metadata: { ticket: 'OPS-1' }, updated_at: T0 + 5 });
    const cleared = await store.updateKey(a.key.id, { rpm: null, name: null }, T0 + 6);
    assert.deepEqual(cleared, { ...a.key, rpm: null, name: null, updated_at: T0 + 6 });
    assert.equal(await store.updateKey('key_missing', { rpm: 1 }), undefined);

    assert.deepEqual((await store.listKeys({ team_id: platform.id })).map((key) => key.name), [null, 'b']);
    assert.deepEqual((await store.listKeys()).map((key) => key.id), [a.key.id, b.key.id, c.key.id]);

    const revoked = await store.revokeKey(c.key.id, T0 + 7);
    assert.equal(revoked?.revoked_at, T0 + 7);
    assert.equal((await store.revokeKey(c.key.id, T0 + 8))?.revoked_at, T0 + 7, 'a second revoke keeps the first time');
    assert.equal(await store.revokeKey('key_missing'), undefined);
    assert.deepEqual((await store.listKeys()).map((key) => key.id), [a.key.id, b.key.id]);
    assert.deepEqual((await store.listKeys({ include_revoked: true })).map((key) => key.id), [a.key.id, b.key.id, c.key.id]);
  });

  it('deletes a team only once its keys are revoked; the revoked keys lose the team', async () => {
    const store = await open();
    const team = await store.createTeam({ name: 'platform' }, T0);
    const first = await store.createKey({ team_id: team.id }, T0);
    const second = await store.createKey({ team_id: team.id }, T0);
    assert.deepEqual(await store.deleteTeam(team.id), { outcome: 'has_active_keys', active_keys: 2 });
    await store.revokeKey(first.key.id, T0 + 1);
    await store.revokeKey(second.key.id, T0 + 1);
    assert.deepEqual(await store.deleteTeam(team.id), { outcome: 'deleted' });
    assert.deepEqual(await store.deleteTeam(team.id), { outcome: 'not_found' });
    assert.equal(await store.getTeam(team.id), undefined);
    assert.equal((await store.getKey(first.key.id))?.team_id, null);
    await assert.rejects(store.createKey({ team_id: team.id }), rejectsWith('team_id', /no team/));
  });
}
