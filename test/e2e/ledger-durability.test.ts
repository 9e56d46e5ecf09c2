import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { openLedgerStore, type LedgerStore } from '../../src/ledger/index.js';
import { dropSchemas, postgresQuery, postgresSkipReason, TEST_POSTGRES_URL, testSchemaName } from '../../src/ledger/testing/postgres.js';

/**
 * The usage ledger's promises, held by the real `switchyard serve` process: a graceful stop
 * (SIGTERM) writes every record, and a kill -9 loses at most what the last ledger window held.
 */

const BIN = join(process.cwd(), 'bin', 'switchyard.js');
const WINDOW_MS = 100;
const REQUESTS = 300;
const CONCURRENCY = 20;
/** kill -9 once this many responses have arrived, mid-traffic. */
const KILL_AFTER_COMPLETED = 400;

const postgresSkip = await postgresSkipReason();

interface Serve {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `switchyard serve` and resolves once it listens. Its output is read (a full pipe would stall it) and kept for failures. */
async function startServe(config: string, args: string[] = []): Promise<Serve> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', config, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (data: Buffer): void => {
    output = (output + data.toString()).slice(-20_000);
  };
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      keep(data);
      const match = /"url":"(http:[^"]+)".*switchyard listening/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', () => reject(new Error(`serve exited before listening:\n${output}`)));
  });
  return { child, url, exited };
}

interface Completion {
  trace: string;
  /** Client clock when the whole response had arrived. */
  at: number;
}

interface Traffic {
  sent: number;
  completed: Completion[];
  /** Requests that got no full response (only expected once the gateway is killed). */
  failed: number;
}

/**
 * Chat requests from `concurrency` workers, each with its own trace id (`x-switchyard-trace-id`), so
 * ledger rows can be matched to responses. `more(sent)` is asked before each request.
 */
async function sendTraffic(url: string, more: (sent: number) => boolean, onCompleted: (completed: Completion[]) => void = () => undefined): Promise<Traffic> {
  const traffic: Traffic = { sent: 0, completed: [], failed: 0 };
  const worker = async (): Promise<void> => {
    while (more(traffic.sent)) {
      const trace = `trace-${String(traffic.sent).padStart(6, '0')}`;
      traffic.sent += 1;
      try {
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-switchyard-trace-id': trace },
          body: JSON.stringify({ model: 'emu/gpt-5.5', messages: [{ role: 'user', content: `Request ${trace} [[tokens: 4]]` }] }),
        });
        const body = await response.text();
        if (response.status !== 200) throw new Error(`status ${response.status}: ${body}`);
        traffic.completed.push({ trace, at: Date.now() });
        onCompleted(traffic.completed);
      } catch {
        traffic.failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return traffic;
}

/** Trace ids in the ledger, with how many rows each has. */
async function storedTraces(store: LedgerStore): Promise<Map<string, number>> {
  const tasks = await store.tasks({}, { limit: 10_000 });
  return new Map(tasks.map((task) => [task.trace_id, task.attempts]));
}

describe('usage ledger durability through switchyard serve', () => {
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-ledger-durability-'));
  const schemas: string[] = [];
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ port: 0, timeScale: 0 });
  });
  after(async () => {
    await emulator.close();
    if (schemas.length > 0) await dropSchemas(schemas);
    rmSync(folder, { recursive: true, force: true });
  });

  function writeConfig(name: string, ledgerUrl: string): string {
    const path = join(folder, `${name}.yaml`);
    writeFileSync(
      path,
      [
        'providers:',
        '  emu:',
        '    kind: openai-compatible',
        `    base_url: ${emulator.url}/openai/v1`,
        '    api_key: k',
        'ledger:',
        `  url: ${ledgerUrl}`,
        `  window_ms: ${WINDOW_MS}`,
        '',
      ].join('\n'),
    );
    return path;
  }

  /** N requests, then SIGTERM as soon as the last response is in: the process exits 0. */
  async function sigtermAfterTraffic(serve: Serve, beforeStop: () => void = () => undefined): Promise<Traffic> {
    const traffic = await sendTraffic(serve.url, (sent) => sent < REQUESTS);
    assert.equal(traffic.failed, 0, 'every request was answered');
    assert.equal(traffic.completed.length, REQUESTS);
    beforeStop();
    serve.child.kill('SIGTERM');
    assert.deepEqual(await serve.exited, { code: 0, signal: null }, 'a graceful stop exits 0');
    return traffic;
  }

  async function assertEveryRequestStored(store: LedgerStore, traffic: Traffic): Promise<void> {
    const totals = (await store.query({}, 'none'))[0];
    assert.equal(totals?.attempts, REQUESTS, 'one row per request, no more, no fewer');
    assert.equal(totals?.requests, REQUESTS);
    const traces = await storedTraces(store);
    assert.deepEqual([...traces.keys()].sort(), traffic.completed.map((completion) => completion.trace).sort(), 'the rows are exactly the requests sent');
  }

  it(`SIGTERM after ${REQUESTS} requests (SQLite): exits 0 and the ledger holds exactly ${REQUESTS} rows`, { timeout: 60_000 }, async (t) => {
    const path = join(folder, 'sigterm.db');
    const serve = await startServe(writeConfig('sigterm', `sqlite:${path}`));
    let committedBeforeStop = 0;
    const traffic = await sigtermAfterTraffic(serve, () => {
      // What the gateway had committed when told to stop: the rest is written by the graceful stop.
      const reader = new Database(path, { readonly: true, fileMustExist: true });
      committedBeforeStop = (reader.prepare('SELECT COUNT(*) AS rows FROM ledger_attempts').get() as { rows: number }).rows;
      reader.close();
    });
    const store = await openLedgerStore(`sqlite:${path}`);
    try {
      await assertEveryRequestStored(store, traffic);
    } finally {
      await store.close();
    }
    t.diagnostic(`${committedBeforeStop} of ${REQUESTS} rows were committed when SIGTERM was sent; the graceful stop wrote the other ${REQUESTS - committedBeforeStop}`);
  });

  it('kill -9 under steady traffic (SQLite): the rows missing are at most the responses completed within the last ledger window', { timeout: 60_000 }, async (t) => {
    const path = join(folder, 'kill.db');
    const serve = await startServe(writeConfig('kill', `sqlite:${path}`));
    let killedAt: number | undefined;
    const traffic = await sendTraffic(
      serve.url,
      () => killedAt === undefined,
      (completed) => {
        if (killedAt !== undefined || completed.length < KILL_AFTER_COMPLETED) return;
        killedAt = Date.now();
        serve.child.kill('SIGKILL');
      },
    );
    assert.equal((await serve.exited).signal, 'SIGKILL');
    assert.ok(killedAt !== undefined);

    // Opening after the kill recovers the WAL, as the next gateway start would.
    const store = await openLedgerStore(`sqlite:${path}`);
    let traces: Map<string, number>;
    let rows: number;
    try {
      traces = await storedTraces(store);
      rows = (await store.query({}, 'none'))[0]?.attempts ?? 0;
    } finally {
      await store.close();
    }
    const completedTraces = new Set(traffic.completed.map((completion) => completion.trace));
    const missing = traffic.completed.filter((completion) => !traces.has(completion.trace));
    const withoutResponse = [...traces.keys()].filter((trace) => !completedTraces.has(trace));
    const killTime = killedAt;
    const inLastWindow = traffic.completed.filter((completion) => completion.at >= killTime - WINDOW_MS);
    const oldestMissing = missing.length === 0 ? undefined : killTime - Math.min(...missing.map((completion) => completion.at));
    // A response read after the kill was already on the wire when the gateway died.
    const oldestMissingText =
      oldestMissing === undefined ? '' : oldestMissing >= 0 ? `, the oldest completed ${oldestMissing} ms before the kill` : `, all read after the kill (the oldest ${-oldestMissing} ms after)`;

    t.diagnostic(
      `kill -9 after ${traffic.completed.length} completed responses (${traffic.sent} sent, ${traffic.failed} cut off): ${rows} rows; ` +
        `${missing.length} completed responses have no row (gap)${oldestMissingText}; ` +
        `${inLastWindow.length} responses completed within the last ${WINDOW_MS} ms window; ` +
        `${withoutResponse.length} rows are of requests whose response never arrived`,
    );
    assert.equal(rows, traces.size, 'one row per request: no duplicates');
    assert.ok(
      withoutResponse.every((trace) => /^trace-\d{6}$/.test(trace) && Number(trace.slice(6)) < traffic.sent),
      'every row is of a request that was sent',
    );
    assert.ok(
      missing.length <= inLastWindow.length,
      `${missing.length} completed responses lost their row, more than the ${inLastWindow.length} completed within the last ${WINDOW_MS} ms`,
    );
  });

  it(`SIGTERM after ${REQUESTS} requests (PostgreSQL): exits 0 and the ledger holds exactly ${REQUESTS} rows`, { timeout: 60_000, skip: postgresSkip }, async () => {
    // serve has no option for a schema; pg reads `options` from the URL, and search_path needs the schema to exist.
    const schema = testSchemaName();
    schemas.push(schema);
    await postgresQuery(`CREATE SCHEMA "${schema}"`);
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const serve = await startServe(writeConfig('postgres', url.href));
    const traffic = await sigtermAfterTraffic(serve);
    const store = await openLedgerStore(TEST_POSTGRES_URL, { schema });
    try {
      await assertEveryRequestStored(store, traffic);
    } finally {
      await store.close();
    }
  });
});
