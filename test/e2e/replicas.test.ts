/**
 * Three `switchyard serve` processes sharing the real PostgreSQL (keys, ledger) and Redis (rate
 * limits, budgets) act as one gateway: one rpm limit across all three, a budget never overspent by
 * more than the estimates in flight, a key revoked on one replica refused on every replica, a
 * replica killed with SIGKILL under load while the others keep serving, and a fourth replica whose
 * Redis goes away refusing budgeted calls (fail-closed) and recovering when it returns.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { dropSchemas, postgresQuery, postgresSkipReason, TEST_POSTGRES_URL, testSchemaName } from '../../src/ledger/testing/postgres.js';
import { deleteKeys, redisSkipReason, testKeyPrefix, testRedis } from '../../src/limits/testing/redis.js';
import { TcpProxy, waitFor } from '../../src/limits/testing/tcp-proxy.js';

const BIN = join(process.cwd(), 'bin', 'switchyard.js');
const ADMIN_KEY = 'replica-admin-secret-0123456789';

interface Replica {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const skip = (await postgresSkipReason()) ?? (await redisSkipReason());

describe('three replicas on shared PostgreSQL and Redis', { skip }, () => {
  let emulator: RunningEmulator;
  let directory: string;
  const schema = testSchemaName();
  const prefix = testKeyPrefix();
  const replicas: Replica[] = [];
  let proxy: TcpProxy;
  let isolated: Replica;
  const databaseUrl = `${TEST_POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;

  const config = (redisUrl: string): string => {
    const path = join(directory, `replica-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      path,
      `server: { log_level: info }
providers:
  emulator: { kind: openai-compatible, base_url: "${emulator.url}/openai/v1", api_key: k }
models:
  emulator/gpt-5.5: { price: { input: 5, output: 30 } }
routes:
  smart: { targets: [emulator/gpt-5.5] }
ledger: { url: "${databaseUrl}", window_ms: 50 }
governance:
  admin_key: ${ADMIN_KEY}
  redis_url: "${redisUrl}"
  redis_key_prefix: "${prefix}"
  estimated_output_tokens: 20
`,
    );
    return path;
  };

  const startReplica = (configPath: string): Promise<Replica> => {
    const child = spawn(process.execPath, [BIN, 'serve', '--config', configPath, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      let output = '';
      const onData = (data: Buffer): void => {
        output += data.toString();
        const match = /"url":"(http:[^"]+)".*switchyard listening/.exec(output);
        if (match) resolve({ url: match[1]!, child, exited });
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', () => reject(new Error(`serve exited early: ${output}`)));
    });
  };

  const admin = async (replica: Replica, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${replica.url}/admin${path}`, { method, headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const json = (await response.json()) as Record<string, unknown>;
    assert.ok(response.status < 300, JSON.stringify(json));
    return json;
  };

  const chat = async (replica: Replica, key: string): Promise<number> => {
    try {
      const response = await fetch(`${replica.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'hello [[tokens: 10]]' }] }),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0; // the connection broke (a replica was killed)
    }
  };

  before(async () => {
    emulator = await startEmulator({ timeScale: 0 });
    directory = mkdtempSync(join(tmpdir(), 'switchyard-replicas-'));
    await postgresQuery(`CREATE SCHEMA "${schema}"`);
    const shared = config('redis://127.0.0.1:6379');
    // The first replica migrates the schema; the others find it migrated.
    replicas.push(await startReplica(shared));
    replicas.push(...(await Promise.all([startReplica(shared), startReplica(shared)])));
    proxy = new TcpProxy('127.0.0.1', 6379);
    await proxy.start();
    isolated = await startReplica(config(`redis://127.0.0.1:${proxy.port}`));
  });

  after(async () => {
    for (const replica of [...replicas, isolated]) if (replica !== undefined && replica.child.exitCode === null) replica.child.kill('SIGKILL');
    await Promise.all([...replicas, isolated].filter(Boolean).map((replica) => replica.exited));
    await proxy?.stop();
    await emulator?.close();
    const redis = await testRedis();
    await deleteKeys(redis, prefix);
    await redis.quit();
    await dropSchemas([schema]);
    rmSync(directory, { recursive: true, force: true });
  });

  it('holds one rpm limit across all three replicas', async () => {
    const { key } = (await admin(replicas[0]!, 'POST', '/keys', { name: 'shared-rpm', rpm: 100 })) as { key: string };
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, index) => chat(replicas[index % 3]!, key)));
    const admitted = statuses.filter((status) => status === 200).length;
    const refused = statuses.filter((status) => status === 429).length;
    assert.equal(admitted + refused, 300, `only 200 and 429 expected: ${[...new Set(statuses)].join(',')}`);
    // Within 1% of the limit (the sliding log is exact, so this is exactly 100 in practice).
    assert.ok(Math.abs(admitted - 100) <= 1, `admitted ${admitted} of a 100 rpm limit`);
  });

  it('never overspends a budget shared by three replicas by more than the estimates in flight', async () => {
    const limitUsd = 0.01;
    const { key, id } = (await admin(replicas[0]!, 'POST', '/keys', { name: 'shared-budget', budgets: [{ period: 'day', limit_usd: limitUsd }] })) as { key: string; id: string };
    const statuses = await Promise.all(Array.from({ length: 120 }, (_, index) => chat(replicas[index % 3]!, key)));
    assert.ok(statuses.includes(429), 'the budget ran out');
    const status = (await admin(replicas[1]!, 'GET', `/keys/${id}/budget`)) as { budgets: Array<{ spent_usd: number; reserved_usd: number }> };
    const budget = status.budgets[0]!;
    assert.equal(budget.reserved_usd, 0, 'every reservation settled');
    assert.ok(budget.spent_usd <= limitUsd, `spent ${budget.spent_usd} of ${limitUsd}`);
    // The ledger (PostgreSQL, written by all three) agrees with the counters in Redis.
    await waitFor('ledger rows', async () => {
      const rows = await postgresQuery('SELECT COALESCE(SUM(cost_micros), 0)::bigint AS micros FROM ledger_attempts WHERE key_id = $1', schema, [id]);
      return Math.abs(Number(rows[0]!.micros) / 1e6 - budget.spent_usd) < 1e-9;
    });
  });

  it('refuses a key revoked on one replica on every replica within a second', async () => {
    const { key, id } = (await admin(replicas[0]!, 'POST', '/keys', { name: 'revoked-everywhere' })) as { key: string; id: string };
    for (const replica of replicas) assert.equal(await chat(replica, key), 200);
    await admin(replicas[0]!, 'POST', `/keys/${id}/revoke`);
    const revokedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const replica of replicas) assert.equal(await chat(replica, key), 401, `refused on ${replica.url} ${Date.now() - revokedAt} ms after the revoke`);
  });

  it('keeps serving when a replica is killed under load, and loses no budget state', async () => {
    const { key, id } = (await admin(replicas[0]!, 'POST', '/keys', { name: 'survivor', budgets: [{ period: 'month', limit_usd: 100 }] })) as { key: string; id: string };
    const load = Promise.all(Array.from({ length: 90 }, (_, index) => chat(replicas[index % 3]!, key)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    replicas[2]!.child.kill('SIGKILL');
    await load;
    const before = ((await admin(replicas[0]!, 'GET', `/keys/${id}/budget`)) as { budgets: Array<{ spent_usd: number }> }).budgets[0]!.spent_usd;
    const after = await Promise.all(Array.from({ length: 20 }, (_, index) => chat(replicas[index % 2]!, key)));
    assert.deepEqual([...new Set(after)], [200], 'the surviving replicas serve every request');
    const spent = ((await admin(replicas[1]!, 'GET', `/keys/${id}/budget`)) as { budgets: Array<{ spent_usd: number }> }).budgets[0]!.spent_usd;
    assert.ok(spent > before, 'spend keeps adding up on the shared counters');
  });

  it('refuses budgeted calls while Redis is away (fail-closed) and recovers when it returns', async () => {
    const { key } = (await admin(replicas[0]!, 'POST', '/keys', { name: 'redis-outage', budgets: [{ period: 'day', limit_usd: 10 }] })) as { key: string };
    assert.equal(await chat(isolated, key), 200);
    await proxy.stop();
    const during = await fetch(`${isolated.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(during.status, 503);
    assert.match(((await during.json()) as { error: { message: string } }).error.message, /cannot be checked right now/);
    await proxy.start();
    await waitFor('recovery', async () => (await chat(isolated, key)) === 200);
  });
});
