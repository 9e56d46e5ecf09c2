/**
 * Switchyard built in-process from the library API (createGateway + listen), as a benchmark child
 * process: the same code `switchyard serve` runs, with a silent logger (so the figures are the
 * request path's, not the log's), and optionally a usage ledger: a LedgerWriter over SQLite or
 * PostgreSQL, which is what turns metering on.
 *
 * One extra route, GET /_bench/ledger, answers the counts the orchestrator checks: model calls
 * received, ledger records appended, and the writer's stats. On SIGTERM the server drains, the
 * writer writes everything queued, and the final counts go to `--report FILE` before exit, so the
 * orchestrator can compare them with the rows it then counts in the database.
 *
 * Usage: node gateway.js --port N --config FILE [--ledger none|PATH|postgres://…] [--schema NAME] [--report FILE]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LedgerWriter, openLedgerStore, type LedgerStore } from '../../../src/ledger/index.js';
import { createGateway, listen, loadConfigFile, type Gateway, type GatewayRequest, type GatewayResponse } from '../../../src/index.js';
import type { LedgerRecord } from '../../../src/ledger/index.js';
import type { GatewayCounts } from './gateway-counts.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    config: { type: 'string' },
    ledger: { type: 'string', default: 'none' },
    schema: { type: 'string' },
    report: { type: 'string' },
  },
});
if (values.config === undefined || values.port === undefined) throw new Error('--config FILE and --port N are required');

const config = loadConfigFile(values.config);
let store: LedgerStore | undefined;
let writer: LedgerWriter | undefined;
if (values.ledger !== 'none') {
  store = await openLedgerStore(values.ledger, values.schema === undefined ? {} : { schema: values.schema });
  // The defaults `serve` uses (window from the config, 50,000 queued at most, batches of 250).
  writer = new LedgerWriter(store, { windowMs: config.ledger.windowMs });
}

let modelCalls = 0;
let appended = 0;
const ledgerWriter = writer;
const sink =
  ledgerWriter === undefined
    ? undefined
    : {
        append(record: LedgerRecord): boolean {
          appended += 1;
          return ledgerWriter.append(record);
        },
      };
const gateway = createGateway(config, sink === undefined ? {} : { ledger: sink, ...(store !== undefined && { usage: store }) });

function counts(): GatewayCounts {
  return { modelCalls, appended, ledger: writer?.stats() ?? null };
}

function countsResponse(): GatewayResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(counts())) };
}

/** The gateway, plus the control route and a count of model calls (POSTs under /v1/). */
const counted: Gateway = {
  get config() {
    return gateway.config;
  },
  fetch: (request) => gateway.fetch(request),
  handle(request: GatewayRequest) {
    if (request.path === '/_bench/ledger') return Promise.resolve(countsResponse());
    if (request.method === 'POST' && request.path.startsWith('/v1/')) modelCalls += 1;
    return gateway.handle(request);
  },
  drain: () => gateway.drain(),
  rejectRequest: (error, requestIdHeader, path) => gateway.rejectRequest(error, requestIdHeader, path),
  inFlight: () => gateway.inFlight(),
  close: () => gateway.close(),
  reload: (next) => gateway.reload(next),
};

const running = await listen(counted, { host: '127.0.0.1', port: Number(values.port) });

process.once('SIGTERM', () => {
  void (async () => {
    await running.shutdown(5_000);
    const final = writer === undefined ? null : await writer.close({ timeoutMs: 30_000 });
    await store?.close();
    if (values.report !== undefined) writeFileSync(values.report, `${JSON.stringify({ ...counts(), ledger: final })}\n`);
    process.exit(0);
  })().catch((error: unknown) => {
    process.stderr.write(`gateway child: shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
});
