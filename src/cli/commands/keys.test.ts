import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openKeyStore, type Team, type VirtualKey } from '../../keys/index.js';
import { runKeysCommand } from './keys.js';

const NOW = Date.UTC(2026, 0, 15, 12);

describe('switchyard keys', () => {
  const folder = mkdtempSync(join(tmpdir(), 'keys-cli-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  let databases = 0;
  const newDb = (): string => `sqlite:${join(folder, `db-${(databases += 1)}`, 'ledger.db')}`;

  async function run(db: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runKeysCommand([...argv, '--db', db], { stdout: (text) => (out += text), stderr: (text) => (err += text), now: () => NOW });
    return { code, out, err };
  }

  it('prints its usage with --help', async () => {
    const result = await run(newDb(), '--help');
    assert.equal(result.code, 0);
    assert.match(result.out, /^Usage: switchyard keys <action>/);
  });

  it('creates and lists teams with their limits', async () => {
    const db = newDb();
    const created = await run(db, 'teams', 'create', 'platform', '--rpm', '60', '--models', 'anthropic/*, openai/gpt-5', '--budget', 'month:100', '--budget', 'day:5:tz=Europe/Paris:downgrade=cheap:thresholds=0.9/1');
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /^Created team team_[0-9A-Za-z]{16} "platform"\.\n$/);
    const teams = JSON.parse((await run(db, 'teams', 'list', '--json')).out) as Team[];
    assert.deepEqual(teams.map(({ name, rpm, allowed_models, budgets }) => ({ name, rpm, allowed_models, budgets })), [
      {
        name: 'platform',
        rpm: 60,
        allowed_models: ['anthropic/*', 'openai/gpt-5'],
        budgets: [
          { period: 'month', limit_usd: 100, timezone: 'UTC', thresholds: [0.5, 0.8, 1], on_exhausted: 'block' },
          { period: 'day', limit_usd: 5, timezone: 'Europe/Paris', thresholds: [0.9, 1], on_exhausted: { downgrade_to: 'cheap' } },
        ],
      },
    ]);
    const table = (await run(db, 'teams', 'list')).out.split('\n');
    assert.match(table[0] ?? '', /^ID\s+NAME\s+MODELS\s+ROUTES\s+RPM\/TPM\s+BUDGETS\s+KEYS\s+CREATED$/);
    assert.match(table[1] ?? '', /platform\s+anthropic\/\*,openai\/gpt-5\s+all\s+60\/-\s+month \$100, day \$5\s+0\s+\d{4}-/);
  });

  it('prints a new key once, with a warning, and the key works', async () => {
    const db = newDb();
    await run(db, 'teams', 'create', 'platform');
    const created = await run(db, 'create', '--name', 'ci', '--team', 'platform', '--tpm', '50000', '--expires', '30d', '--task-max-tokens', '200000', '--task-downgrade', 'cheap');
    assert.equal(created.code, 0, created.err);
    const rawKey = /(sy-[0-9A-Za-z]{12}_[0-9A-Za-z]{43})/.exec(created.out)?.[1];
    assert.ok(rawKey !== undefined, created.out);
    assert.match(created.out, /^Created key key_[0-9A-Za-z]{16} "ci" in team platform:/);
    assert.match(created.err, /will not be shown again/);
    assert.doesNotMatch(created.err, /sy-/, 'the key goes to stdout only');

    const store = await openKeyStore(db);
    try {
      const auth = await store.authenticate(rawKey, NOW);
      assert.ok(auth.ok);
      assert.equal(auth.team?.name, 'platform');
      assert.equal(auth.key.expires_at, NOW + 30 * 86_400_000);
      assert.deepEqual(auth.key.task_budget, { max_tokens: 200_000, on_exceeded: { downgrade_to: 'cheap' } });
    } finally {
      await store.close();
    }

    const listed = await run(db, 'list');
    assert.equal(listed.code, 0);
    assert.ok(!listed.out.includes(rawKey.slice(16)), 'the list never shows the secret');
    assert.match(listed.out, new RegExp(`${rawKey.slice(0, 15)}\\s+ci\\s+platform\\s+all\\s+-/50000\\s+-\\s+2026-01-15 12:00Z\\s+2026-02-14 12:00Z\\s+active`));
  });

  it('revokes a key, says so once, and lists it only with --all', async () => {
    const db = newDb();
    const created = JSON.parse((await run(db, 'create', '--name', 'temp', '--json')).out) as VirtualKey & { key: string };
    assert.match(created.key, /^sy-/);
    const revoked = await run(db, 'revoke', created.id);
    assert.equal(revoked.code, 0);
    assert.equal(revoked.out, `Revoked key ${created.id} (${created.display_prefix}) at 2026-01-15 12:00Z.\n`);
    assert.match((await run(db, 'revoke', created.id)).out, /was already revoked at 2026-01-15 12:00Z/);
    assert.equal((await run(db, 'list')).out, 'No keys.\n');
    assert.match((await run(db, 'list', '--all')).out, /temp\s+-\s+all\s+-\/-\s+-\s+\S+ \S+\s+-\s+revoked/);
  });

  it('exits 2 for misuse, naming the flag at fault', async () => {
    const db = newDb();
    const cases: Array<[string[], RegExp]> = [
      [[], /keys needs an action: create, list, revoke or teams/],
      [['rotate'], /unknown action "rotate"/],
      [['list', '--colour'], /Unknown option '--colour'/],
      [['teams', 'create', 'x', '--task-max-tokens', '5'], /--task-max-tokens does not apply to "keys teams create"/],
      [['revoke'], /"keys revoke" needs a KEY_ID/],
      [['create', 'extra'], /unexpected argument "extra"/],
      [['create', '--budget', 'month'], /--budget "month" must read PERIOD:USD/],
      [['create', '--budget', 'month:5:colour=red'], /unknown option "colour"/],
      [['create', '--metadata', '{oops'], /--metadata must be JSON/],
      [['create', '--rpm', '0'], /--rpm \(rpm\): must be at least 1/],
      [['create', '--rpm', 'many'], /--rpm \(rpm\): must be a whole number/],
      [['create', '--budget', 'month:abc'], /--budget \(budgets\[0\]\.limit_usd\): must be a number of US dollars/],
      [['create', '--budget', 'fortnight:5'], /--budget \(budgets\[0\]\.period\): must be one of day, week, month, total/],
      [['create', '--expires', 'tomorrow'], /--expires \(expires_at\): must be ms since the epoch or an ISO 8601 time/],
      [['teams', 'create', 'x', '--budget', 'day:1:tz=Mars/Base'], /--budget \(budgets\[0\]\.timezone\): must be an IANA time zone/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(db, ...argv);
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.err}`);
      assert.match(result.err, message, argv.join(' '));
      assert.equal(result.out, '');
    }
  });

  it('exits 1 when the database says no', async () => {
    const db = newDb();
    await run(db, 'teams', 'create', 'platform');
    await run(db, 'create', '--team', 'platform');
    const cases: Array<[string[], RegExp]> = [
      [['create', '--team', 'nobody'], /no team has the id or name "nobody"/],
      [['teams', 'create', 'platform'], /a team named "platform" already exists/],
      [['teams', 'delete', 'platform'], /team "platform" still has 1 key\(s\) not revoked/],
      [['revoke', 'key_nope'], /no key has the id "key_nope"/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(db, ...argv);
      assert.equal(result.code, 1, `${argv.join(' ')}: ${result.err}`);
      assert.match(result.err, message);
    }
    const unreachable = await runKeysCommand(['list', '--db', 'postgres://keys:pw-secret@127.0.0.1:1/ledger'], { stdout: () => undefined, stderr: (text) => assert.match(text, /keys: cannot use PostgreSQL at 127\.0\.0\.1:1 \(database ledger\)/) });
    assert.equal(unreachable, 1);
  });

  it('deletes a team once its keys are revoked', async () => {
    const db = newDb();
    await run(db, 'teams', 'create', 'old');
    const key = JSON.parse((await run(db, 'create', '--team', 'old', '--json')).out) as VirtualKey;
    await run(db, 'revoke', key.id);
    const deleted = await run(db, 'teams', 'delete', 'old');
    assert.equal(deleted.code, 0, deleted.err);
    assert.match(deleted.out, /^Deleted team team_\S+ "old"\.\n$/);
    assert.equal((await run(db, 'teams', 'list')).out, 'No teams.\n');
  });
});
