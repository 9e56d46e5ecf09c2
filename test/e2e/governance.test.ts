/**
 * Governance through the real gateway: virtual keys made over the admin API and used by the
 * official SDKs, access lists, rate limits, budgets (block and downgrade), task budgets, revocation,
 * per-key usage and alerts delivered to a real webhook. Keys live in a real SQLite file; counters
 * in process (the Redis counters have their own suite and the replica test).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load.js';
import { createGateway, type Gateway } from '../../src/gateway/create-gateway.js';
import { Governance } from '../../src/governance/index.js';
import { openKeyStore, type KeyStore } from '../../src/keys/index.js';
import { LedgerWriter, openLedgerStore, type LedgerStore } from '../../src/ledger/index.js';
import { openLimits, type LimitsStores } from '../../src/limits/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { listen, type RunningServer } from '../../src/server/node-server.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { CancelSignal } from '../../src/util/cancel-signal.js';
import { EMULATOR_KEY, eventually } from '../support/harness.js';

const ADMIN_KEY = 'admin-secret-for-tests-0123456789';

const CONFIG = `
providers:
  emulator:
    kind: openai-compatible
    base_url: \${EMULATOR_URL}/openai/v1
    api_key: ${EMULATOR_KEY}
models:
  emulator/gpt-5.5: { price: { input: 5, output: 30 } }
  emulator/gpt-5.4: { price: { input: 0.25, output: 2 } }
  emulator/gpt-5.5-pro: { price: { input: 5, output: 30 }, rpm: 2 }
routes:
  smart: { targets: [emulator/gpt-5.5] }
  cheap: { targets: [emulator/gpt-5.4] }
  limited: { targets: [emulator/gpt-5.5-pro], fallbacks: [emulator/gpt-5.4] }
  limited-only: { targets: [emulator/gpt-5.5-pro] }
governance:
  admin_key: ${ADMIN_KEY}
  estimated_output_tokens: 50
  alerts:
    webhooks:
      - { url: "\${WEBHOOK_URL}", format: json }
`;

interface Created {
  id: string;
  key: string;
}

describe('governance', () => {
  let emulator: RunningEmulator;
  let gateway: Gateway;
  let server: RunningServer;
  let keys: KeyStore;
  let ledgerStore: LedgerStore;
  let writer: LedgerWriter;
  let limits: LimitsStores;
  let governance: Governance;
  let directory: string;
  let webhook: Server;
  const received: Array<Record<string, unknown>> = [];

  const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(`${server.url}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const createKey = async (body: Record<string, unknown>): Promise<Created> => {
    const { status, json } = await admin('POST', '/keys', body);
    assert.equal(status, 201, JSON.stringify(json));
    return { id: json.id as string, key: json.key as string };
  };
  const chat = (key: string, model: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello [[tokens: 10]]' }] }),
    });

  before(async () => {
    emulator = await startEmulator({ timeScale: 0 });
    webhook = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        received.push(JSON.parse(text) as Record<string, unknown>);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as { port: number }).port}/hook`;
    directory = await mkdtemp(join(tmpdir(), 'switchyard-governance-'));
    const url = join(directory, 'ledger.db');
    ledgerStore = await openLedgerStore(url);
    writer = new LedgerWriter(ledgerStore, { windowMs: 10 });
    keys = await openKeyStore(url);
    limits = openLimits();
    const config = parseConfig(CONFIG.replaceAll('${EMULATOR_URL}', emulator.url).replaceAll('${WEBHOOK_URL}', webhookUrl), 'governance.yaml', { env: {} });
    governance = new Governance({ config: config.governance, keys, limits, logger: silentLogger() });
    gateway = createGateway(config, { ledger: writer, usage: ledgerStore, governance, keys });
    server = await listen(gateway, { host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.shutdown(1_000);
    await writer.close();
    await ledgerStore.close();
    await keys.close();
    await limits.close();
    await emulator.close();
    await new Promise((resolve) => webhook.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  it('refuses calls without a virtual key, in the caller\'s protocol', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-not-ours', maxRetries: 0 });
    await assert.rejects(openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.match(error.message, /not a Switchyard virtual key/);
      return true;
    });
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: 'sy-AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', maxRetries: 0 });
    await assert.rejects(anthropic.messages.create({ model: 'smart', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
      assert.ok(error instanceof Anthropic.AuthenticationError);
      assert.equal((error.error as { error: { type: string } }).error.type, 'authentication_error');
      return true;
    });
  });

  it('serves a key made over the admin API to both SDKs and books its usage to it', async () => {
    const team = await admin('POST', '/teams', { name: 'search' });
    assert.equal(team.status, 201, JSON.stringify(team.json));
    const teamId = team.json.id as string;
    const made = await createKey({ name: 'indexer', team_id: teamId });
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: made.key, maxRetries: 0 });
    const answer = await openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi [[tokens: 5]]' }] }, { headers: { 'x-switchyard-trace-id': 'gov-usage' } });
    assert.ok(answer.choices[0]?.message.content);
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: made.key, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: 'cheap', max_tokens: 50, messages: [{ role: 'user', content: 'hi [[tokens: 5]]' }] });
    assert.equal(message.type, 'message');
    const own = await eventually(() => ledgerStore.query({ key_id: made.id }, 'none'), (groups) => groups[0]?.requests === 2);
    assert.equal(own[0]?.requests, 2);
    assert.equal((await ledgerStore.query({ team_id: teamId }, 'none'))[0]?.requests, 2);
    // The key reads its own usage, and only its own.
    const usage = (await (await fetch(`${server.url}/v1/usage`, { headers: { authorization: `Bearer ${made.key}` } })).json()) as { groups: Array<{ requests: number }>; filter: { key_id: string } };
    assert.equal(usage.filter.key_id, made.id);
    assert.equal(usage.groups[0]?.requests, 2);
    const other = await fetch(`${server.url}/v1/usage?key=someone-else`, { headers: { authorization: `Bearer ${made.key}` } });
    assert.equal(other.status, 403);
  });

  it('keeps a key to its allowed routes and lists only those', async () => {
    const made = await createKey({ name: 'cheap-only', allowed_routes: ['cheap'] });
    assert.equal((await chat(made.key, 'cheap')).status, 200);
    const refused = await chat(made.key, 'smart');
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /may not use "smart".*Allowed: cheap/);
    const models = (await (await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${made.key}` } })).json()) as { data: Array<{ id: string }> };
    assert.deepEqual(models.data.map((model) => model.id).filter((id) => !id.includes('/')), ['cheap']);
  });

  it('answers 429 with Retry-After and x-ratelimit headers past a key\'s rpm', async () => {
    const made = await createKey({ name: 'slow', rpm: 3 });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let index = 0; index < 5; index += 1) {
      last = await chat(made.key, 'cheap');
      statuses.push(last.status);
      if (last.status === 200) assert.equal(last.headers.get('x-ratelimit-limit-requests'), '3');
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.equal(last!.headers.get('x-ratelimit-remaining-requests'), '0');
    assert.match(((await last!.json()) as { error: { message: string } }).error.message, /Rate limit of key .* 3 requests per minute/);
  });

  it('holds a deployment to its own rpm: the route falls back, or answers 429 when nothing else is left', async () => {
    const made = await createKey({ name: 'deployment-limits' });
    const served: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const response = await chat(made.key, 'limited');
      assert.equal(response.status, 200);
      served.push(response.headers.get('x-switchyard-model') ?? '');
      if (index === 2) assert.match(response.headers.get('x-switchyard-fallback-reason') ?? '', /gpt-5\.5-pro: deployment rate limit/);
    }
    assert.deepEqual(served, ['emulator/gpt-5.5-pro', 'emulator/gpt-5.5-pro', 'emulator/gpt-5.4']);
    const refused = await chat(made.key, 'limited-only');
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /Deployment emulator\/gpt-5\.5-pro is at its limit of 2 requests per minute/);
  });

  it('stops a key at its budget with the budget named, and alerts its thresholds once', async () => {
    // Each call costs about $0.0004 on "smart" (about 12 input and 10 output tokens at $5/$30) and
    // reserves about $0.0016 (its input and the 50 estimated output tokens) while it runs.
    const made = await createKey({ name: 'tight', budgets: [{ period: 'day', limit_usd: 0.005, thresholds: [0.5, 1] }] });
    const statuses: number[] = [];
    let refusal: Response | undefined;
    for (let index = 0; index < 30 && refusal === undefined; index += 1) {
      const response = await chat(made.key, 'smart');
      statuses.push(response.status);
      if (response.status !== 200) refusal = response;
      else await response.arrayBuffer();
    }
    assert.ok(refusal !== undefined, `never refused: ${statuses.join(',')}`);
    assert.equal(refusal.status, 429);
    const message = ((await refusal.json()) as { error: { message: string } }).error.message;
    assert.match(message, /Budget exhausted: key tight has spent \$0\.\d+ .*day budget of \$0\.005000; it resets at \d{4}-\d\d-\d\dT00:00:00\.000Z \(UTC\)/);
    assert.ok(Number(refusal.headers.get('retry-after')) > 0);
    const status = await admin('GET', `/keys/${made.id}/budget`);
    const budget = (status.json.budgets as Array<{ spent_usd: number; limit_usd: number }>)[0]!;
    assert.ok(budget.spent_usd > 0.0025 && budget.spent_usd <= budget.limit_usd, `never overspent: ${JSON.stringify(budget)}`);
    await governance.alerts.flush();
    const ours = received.filter((alert) => String(alert.key).includes(made.id));
    assert.deepEqual(ours.filter((alert) => alert.kind === 'budget_threshold').map((alert) => alert.threshold).sort(), [0.5], 'the 50% threshold, once');
    assert.equal(ours.filter((alert) => alert.kind === 'budget_exhausted').length, 1);
    const listed = await admin('GET', '/alerts');
    assert.ok((listed.json.data as Array<{ key: string; deliveries: Array<{ delivered: boolean }> }>).some((alert) => alert.key.includes(made.id) && alert.deliveries[0]?.delivered === true));
  });

  it('downgrades to a cheaper route instead when the budget says so', async () => {
    const made = await createKey({ name: 'frugal', budgets: [{ period: 'month', limit_usd: 0.0001, on_exhausted: { downgrade_to: 'cheap' } }] });
    const first = await chat(made.key, 'smart');
    await first.arrayBuffer();
    const second = await chat(made.key, 'smart');
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('x-switchyard-route'), 'cheap');
    assert.match(second.headers.get('x-switchyard-downgraded') ?? '', /month budget of key frugal exhausted; served on route cheap/);
  });

  it('holds a task to its token budget across turns and reports what remains', async () => {
    const made = await createKey({ name: 'agent' });
    const headers = { 'x-switchyard-trace-id': 'task-budget-1', 'x-switchyard-task-budget': 'tokens=120' };
    const first = await chat(made.key, 'cheap', headers);
    assert.equal(first.status, 200);
    const remaining = first.headers.get('x-switchyard-task-budget-remaining');
    assert.match(remaining ?? '', /^tokens=\d+$/);
    assert.ok(Number(remaining!.slice(7)) < 120);
    let refused: Response | undefined;
    for (let turn = 0; turn < 6 && refused === undefined; turn += 1) {
      const response = await chat(made.key, 'cheap', headers);
      if (response.status !== 200) refused = response;
      else await response.arrayBuffer();
    }
    assert.ok(refused !== undefined);
    assert.equal(refused.status, 429);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /Task "task-budget-1" has used \d+ tokens of its 120 tokens budget/);
    const unnamed = await chat(made.key, 'cheap', { 'x-switchyard-task-budget': 'tokens=100' });
    assert.equal(unnamed.status, 400);
  });

  it('refuses a revoked key within a second, and never lets a virtual key into /admin', async () => {
    const made = await createKey({ name: 'doomed' });
    assert.equal((await chat(made.key, 'cheap')).status, 200);
    assert.equal((await fetch(`${server.url}/admin/keys`, { headers: { authorization: `Bearer ${made.key}` } })).status, 403);
    // Revoked straight in the store, as another replica would: this gateway's cache must not outlive the bound.
    await keys.revokeKey(made.id);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 5_000) {
      status = (await chat(made.key, 'cheap')).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(status, 401);
  });

  it('serves clients on this machine only while no key exists', async () => {
    const config = parseConfig(CONFIG.replace(/governance:[\s\S]*$/, '').replaceAll('${EMULATOR_URL}', emulator.url), 'open.yaml', { env: {} });
    const emptyKeys = await openKeyStore(join(directory, 'empty.db'));
    try {
      const open = createGateway(config, { governance: new Governance({ config: config.governance, keys: emptyKeys, limits: openLimits(), logger: silentLogger() }), keys: emptyKeys });
      const request = (remoteAddress: string) => ({
        method: 'POST',
        path: '/v1/chat/completions',
        query: '',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ model: 'cheap', messages: [{ role: 'user', content: 'hi' }] })),
        signal: new CancelSignal(),
        remoteAddress,
      });
      assert.equal((await open.handle(request('127.0.0.1'))).status, 200);
      const remote = await open.handle(request('10.1.2.3'));
      assert.equal(remote.status, 401);
      assert.match(String(remote.body), /only serves clients on its own machine/);
      await open.close();
    } finally {
      await emptyKeys.close();
    }
  });
});
