import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GatewayRequest, GatewayResponse } from '../gateway/http-types.js';
import { hashKey, openKeyStore, type KeyStore, type Team, type VirtualKey } from '../keys/index.js';
import { CancelSignal } from '../util/cancel-signal.js';
import { createAdminHandler } from './admin-handler.js';
import type { BudgetScope } from './budget-status.js';

const ADMIN_KEY = 'admin-0123456789-abcdefghij';
const AS_ADMIN = { authorization: `Bearer ${ADMIN_KEY}` };

type Handler = (request: GatewayRequest) => Promise<GatewayResponse>;

/** The fields these tests read from admin answers (teams, keys, lists, errors). */
interface AdminBody {
  [field: string]: unknown;
  id: string;
  key: string;
  notice: string;
  rpm: number | null;
  allowed_models: string[] | null;
  expires_at: number | null;
  revoked_at: number | null;
  data: VirtualKey[] & Team[];
  error: { type: string; code: string; message: string; param?: string; issues?: unknown };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: AdminBody;
}

async function call(handler: Handler, method: string, target: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const [path = '', query = ''] = target.split('?');
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  const response = await handler({ method, path, query, headers: options.headers ?? AS_ADMIN, body, signal: new CancelSignal() });
  assert.equal(response.headers['content-type'], 'application/json');
  return { status: response.status, headers: response.headers, body: JSON.parse(String(response.body)) as AdminBody };
}

function assertError(answer: Answer, status: number, code: string, message: RegExp, param?: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.error.code, code);
  assert.match(answer.body.error.message, message);
  assert.equal(typeof answer.body.error.type, 'string');
  if (param !== undefined) assert.equal(answer.body.error.param, param);
}

describe('admin API', () => {
  const folder = mkdtempSync(join(tmpdir(), 'admin-test-'));
  let store: KeyStore;
  let handler: Handler;
  let changes = 0;
  const scopes: BudgetScope[] = [];
  before(async () => {
    store = await openKeyStore(`sqlite:${join(folder, 'ledger.db')}`);
    handler = createAdminHandler({
      store,
      adminKey: ADMIN_KEY,
      onChange: () => (changes += 1),
      budgetStatus: async (scope) => {
        scopes.push(scope);
        return [{ period: 'month', limit_usd: 100, spent_usd: 12.5, reserved_usd: 0.25, resets_at: Date.UTC(2026, 1, 1) }];
      },
    });
  });
  after(async () => {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  describe('authentication', () => {
    it('answers 404 with how to enable it when no admin key is configured', async () => {
      const disabled = createAdminHandler({ store, adminKey: undefined, enableHint: 'set server.admin_key' });
      assertError(await call(disabled, 'GET', '/admin/teams'), 404, 'admin_disabled', /disabled because no admin key is configured; to enable it, set server\.admin_key/);
    });

    it('refuses a short admin key or one shaped like a virtual key at start', async () => {
      assert.throws(() => createAdminHandler({ store, adminKey: 'short' }), /at least 16 characters/);
      const { rawKey } = await store.createKey({ name: 'not-an-admin' });
      assert.throws(() => createAdminHandler({ store, adminKey: rawKey }), /must not be a virtual key/);
    });

    it('needs the admin key, as a bearer token or x-admin-key', async () => {
      const missing = await call(handler, 'GET', '/admin/teams', { headers: {} });
      assertError(missing, 401, 'admin_unauthorized', /needs the admin key/);
      assert.match(missing.headers['www-authenticate'] ?? '', /^Bearer/);
      assertError(await call(handler, 'GET', '/admin/teams', { headers: { authorization: `Bearer ${ADMIN_KEY}x` } }), 401, 'admin_unauthorized', /not valid/);
      assertError(await call(handler, 'GET', '/admin/teams', { headers: { authorization: `Basic ${ADMIN_KEY}` } }), 401, 'admin_unauthorized', /needs the admin key/);
      assert.equal((await call(handler, 'GET', '/admin/teams', { headers: { authorization: `bearer  ${ADMIN_KEY}` } })).status, 200);
      assert.equal((await call(handler, 'GET', '/admin/teams', { headers: { 'x-admin-key': ADMIN_KEY } })).status, 200);
    });

    it('never accepts a virtual key, even a valid one', async () => {
      const { rawKey } = await store.createKey({ name: 'app' });
      assert.equal((await store.authenticate(rawKey)).ok, true);
      const presented: Array<Record<string, string>> = [{ authorization: `Bearer ${rawKey}` }, { 'x-admin-key': rawKey }];
      for (const headers of presented) {
        assertError(await call(handler, 'GET', '/admin/keys', { headers }), 403, 'admin_forbidden', /virtual key cannot use the admin API/);
        assertError(await call(handler, 'POST', '/admin/keys', { headers, body: {} }), 403, 'admin_forbidden', /virtual key/);
      }
    });

    it('checks the credential before saying whether a route exists', async () => {
      assertError(await call(handler, 'GET', '/admin/nothing-here', { headers: {} }), 401, 'admin_unauthorized', /admin key/);
      assertError(await call(handler, 'GET', '/admin/nothing-here'), 404, 'route_not_found', /No admin route GET \/admin\/nothing-here/);
      const wrongMethod = await call(handler, 'PUT', '/admin/teams');
      assertError(wrongMethod, 405, 'method_not_allowed', /PUT is not allowed on \/admin\/teams; use GET, POST/);
      assert.equal(wrongMethod.headers.allow, 'GET, POST');
    });
  });

  describe('teams', () => {
    it('creates, reads, lists, updates and deletes a team', async () => {
      const before = changes;
      const created = await call(handler, 'POST', '/admin/teams', { body: { name: 'platform', rpm: 600, budgets: [{ period: 'month', limit_usd: 100 }] } });
      assert.equal(created.status, 201);
      const team = created.body as unknown as Team;
      assert.equal(team.name, 'platform');
      assert.deepEqual(team.budgets, [{ period: 'month', limit_usd: 100, timezone: 'UTC', thresholds: [0.5, 0.8, 1], on_exhausted: 'block' }]);
      assert.deepEqual((await call(handler, 'GET', `/admin/teams/${team.id}`)).body, team);
      assert.ok((await call(handler, 'GET', '/admin/teams')).body.data.some((listed: Team) => listed.id === team.id));

      const patched = await call(handler, 'PATCH', `/admin/teams/${team.id}/`, { body: { rpm: null, allowed_models: ['openai/*'] } });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.rpm, null);
      assert.deepEqual(patched.body.allowed_models, ['openai/*']);

      const key = (await call(handler, 'POST', '/admin/keys', { body: { team_id: team.id } })).body as unknown as VirtualKey;
      assertError(await call(handler, 'DELETE', `/admin/teams/${team.id}`), 409, 'team_has_keys', /still has 1 key that is not revoked/);
      await call(handler, 'POST', `/admin/keys/${key.id}/revoke`);
      assert.deepEqual((await call(handler, 'DELETE', `/admin/teams/${team.id}`)).body, { id: team.id, object: 'team', deleted: true });
      assertError(await call(handler, 'GET', `/admin/teams/${team.id}`), 404, 'team_not_found', new RegExp(`No team has the id "${team.id}"`));
      assertError(await call(handler, 'PATCH', '/admin/teams/team_gone', { body: { rpm: 1 } }), 404, 'team_not_found', /team_gone/);
      assert.equal(changes - before, 5, 'create, patch, key create, revoke, delete');
    });

    it('names the field at fault and refuses duplicates and bad JSON', async () => {
      const missing = await call(handler, 'POST', '/admin/teams', { body: {} });
      assertError(missing, 400, 'invalid_request', /^name: is required$/, 'name');
      assert.deepEqual(missing.body.error.issues, [{ path: 'name', message: 'is required' }]);
      const bad = await call(handler, 'POST', '/admin/teams', { body: { name: 'x', budgets: [{ period: 'month', limit_usd: 0, timezone: 'Nowhere/City' }], owner: 'me' } });
      assertError(bad, 400, 'invalid_request', /budgets\[0\]\.limit_usd: must be greater than 0; budgets\[0\]\.timezone: must be an IANA time zone/, 'budgets[0].limit_usd');
      assert.match(bad.body.error.message, /owner: unknown field/);
      assertError(await call(handler, 'POST', '/admin/teams', { body: '{"name": ' }), 400, 'invalid_json', /not valid JSON/);
      assertError(await call(handler, 'POST', '/admin/teams', { body: [1] }), 400, 'invalid_request', /the body must be a JSON object, got a list/);
      await call(handler, 'POST', '/admin/teams', { body: { name: 'twice' } });
      assertError(await call(handler, 'POST', '/admin/teams', { body: { name: 'twice' } }), 409, 'team_name_taken', /a team named "twice" already exists/);
    });
  });

  describe('keys', () => {
    it('returns the raw key once, with no-store, and never lists it', async () => {
      const team = (await call(handler, 'POST', '/admin/teams', { body: { name: 'keys-team' } })).body as unknown as Team;
      const created = await call(handler, 'POST', '/admin/keys', { body: { name: 'ci', team_id: team.id, allowed_models: ['anthropic/*'], task_budget: { max_tokens: 100_000 } } });
      assert.equal(created.status, 201);
      assert.equal(created.headers['cache-control'], 'no-store');
      const rawKey = created.body.key as string;
      assert.match(rawKey, /^sy-[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
      assert.match(created.body.notice, /shown only once/);
      const auth = await store.authenticate(rawKey);
      assert.ok(auth.ok && auth.team?.id === team.id);

      const listed = await call(handler, 'GET', `/admin/keys?team_id=${team.id}`);
      assert.deepEqual(listed.body.data.map((key: VirtualKey) => key.name), ['ci']);
      const text = JSON.stringify([listed.body, (await call(handler, 'GET', `/admin/keys/${created.body.id}`)).body]);
      assert.ok(!text.includes(rawKey.slice(16)) && !text.includes(hashKey(rawKey)), 'neither the secret nor its hash');
    });

    it('updates, revokes (POST or DELETE, idempotently) and filters revoked keys', async () => {
      const created = (await call(handler, 'POST', '/admin/keys', { body: { name: 'temp' } })).body;
      const patched = await call(handler, 'PATCH', `/admin/keys/${created.id}`, { body: { rpm: 5, expires_at: '2030-01-01T00:00:00Z' } });
      assert.equal(patched.body.rpm, 5);
      assert.equal(patched.body.expires_at, Date.UTC(2030, 0, 1));
      const revoked = await call(handler, 'POST', `/admin/keys/${created.id}/revoke`);
      assert.equal(typeof revoked.body.revoked_at, 'number');
      const again = await call(handler, 'DELETE', `/admin/keys/${created.id}`);
      assert.equal(again.status, 200);
      assert.equal(again.body.revoked_at, revoked.body.revoked_at);
      assert.deepEqual(await store.authenticate(created.key), { ok: false, reason: 'revoked' });
      const active = (await call(handler, 'GET', '/admin/keys')).body.data.map((key: VirtualKey) => key.id);
      const all = (await call(handler, 'GET', '/admin/keys?include_revoked=true')).body.data.map((key: VirtualKey) => key.id);
      assert.ok(!active.includes(created.id) && all.includes(created.id));
    });

    it('answers precise errors for unknown keys, teams, parameters and fields', async () => {
      assertError(await call(handler, 'GET', '/admin/keys/key_nope'), 404, 'key_not_found', /No key has the id "key_nope"/);
      assertError(await call(handler, 'POST', '/admin/keys/key_nope/revoke'), 404, 'key_not_found', /key_nope/);
      assertError(await call(handler, 'GET', '/admin/keys?team_id=team_nope'), 404, 'team_not_found', /team_nope/);
      assertError(await call(handler, 'GET', '/admin/keys?team=x'), 400, 'invalid_request', /Unknown query parameter "team"; known: team_id, include_revoked/, 'team');
      assertError(await call(handler, 'GET', '/admin/keys?include_revoked=yes'), 400, 'invalid_request', /include_revoked must be true or false/, 'include_revoked');
      assertError(await call(handler, 'POST', '/admin/keys', { body: { team_id: 'team_nope' } }), 400, 'invalid_request', /team_id: no team has the id "team_nope"/, 'team_id');
      assertError(
        await call(handler, 'POST', '/admin/keys', { body: { budgets: [{ period: 'day', limit_usd: 1, on_exhausted: { downgrade_to: '' } }] } }),
        400,
        'invalid_request',
        /budgets\[0\]\.on_exhausted\.downgrade_to: must not be empty/,
        'budgets[0].on_exhausted.downgrade_to',
      );
    });
  });

  describe('budgets', () => {
    it('reports a key’s and a team’s budgets through the provider', async () => {
      const team = (await call(handler, 'POST', '/admin/teams', { body: { name: 'budget-team' } })).body as unknown as Team;
      const key = (await call(handler, 'POST', '/admin/keys', { body: { team_id: team.id } })).body;
      const status = [{ period: 'month', limit_usd: 100, spent_usd: 12.5, reserved_usd: 0.25, resets_at: Date.UTC(2026, 1, 1) }];
      assert.deepEqual((await call(handler, 'GET', `/admin/keys/${key.id}/budget`)).body, { object: 'budget_status', scope: 'key', id: key.id, budgets: status });
      assert.deepEqual((await call(handler, 'GET', `/admin/teams/${team.id}/budget`)).body, { object: 'budget_status', scope: 'team', id: team.id, budgets: status });
      const [keyScope, teamScope] = scopes.slice(-2);
      assert.ok(keyScope?.kind === 'key' && keyScope.key.id === key.id && keyScope.team?.id === team.id);
      assert.ok(teamScope?.kind === 'team' && teamScope.team.id === team.id);
      assertError(await call(handler, 'GET', '/admin/keys/key_nope/budget'), 404, 'key_not_found', /key_nope/);
    });

    it('answers 501 when nothing enforces budgets', async () => {
      const plain = createAdminHandler({ store, adminKey: ADMIN_KEY });
      const key = (await call(plain, 'POST', '/admin/keys', { body: {} })).body;
      assertError(await call(plain, 'GET', `/admin/keys/${key.id}/budget`), 501, 'budget_status_unavailable', /without budget enforcement/);
    });
  });
});
