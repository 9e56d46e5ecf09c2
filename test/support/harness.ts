import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/config/load.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway/create-gateway.js';
import { LedgerWriter, openLedgerStore, type LedgerStore } from '../../src/ledger/index.js';
import { createLogger } from '../../src/logging/logger.js';
import { listen, type RunningServer } from '../../src/server/node-server.js';
import { startEmulator, type EmulatorConfig, type RunningEmulator } from '../../src/emulator/index.js';

export interface Harness {
  gateway: Gateway;
  server: RunningServer;
  emulator: RunningEmulator;
  /** Base URL for SDK clients: `${server.url}/v1`. */
  baseURL: string;
  /** Every log line the gateway wrote, raw. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * A real gateway on a free port in front of a real emulator on another. `extraConfig` is YAML
 * appended under the generated providers/routes (use ${EMULATOR_URL} for the emulator's URL).
 */
export async function startHarness(options: { config?: string; timeScale?: number; emulatorConfig?: EmulatorConfig } = {}): Promise<Harness> {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', timeScale: options.timeScale ?? 0, ...(options.emulatorConfig !== undefined && { config: options.emulatorConfig }) });
  const text = (options.config ?? defaultConfig()).replaceAll('${EMULATOR_URL}', emulator.url);
  const config = parseConfig(text, 'test.yaml', { env: {} });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const gateway = createGateway(config, { logger: createLogger('info', sink) });
  const server = await listen(gateway, { host: '127.0.0.1', port: 0 });
  return {
    gateway,
    server,
    emulator,
    baseURL: `${server.url}/v1`,
    logs,
    async close() {
      await server.shutdown(2_000);
      await emulator.close();
    },
  };
}

export const EMULATOR_KEY = 'sk-emulator-secret-0123456789';

export function defaultConfig(): string {
  return `
server:
  body_limit_bytes: 200000
providers:
  emulator:
    kind: openai-compatible
    base_url: \${EMULATOR_URL}/openai/v1
    api_key: ${EMULATOR_KEY}
    forward_headers: [x-emulator-fault]
    timeouts: { first_byte_ms: 1500 }
models:
  emulator/gpt-5.5: { context_window: 1050000, capabilities: [vision, tools] }
routes:
  default:
    targets: [emulator/gpt-5.5]
  fast:
    targets: [emulator/claude-haiku-4-5]
routing:
  # These suites inject one failure at a time into a shared deployment; the breaker has its own tests.
  breaker: { consecutive_failures: 1000, min_samples: 1000 }
`;
}

/** POST JSON (or raw text) to the gateway and return status, headers and parsed body. */
export async function postRaw(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as { error?: { message: string; type: string; code: string | null; param: string | null } } };
}

export interface MeteredHarness {
  emulator: RunningEmulator;
  server: RunningServer;
  /** The ledger (SQLite in a temp folder) and its writer (10 ms window). */
  store: LedgerStore;
  writer: LedgerWriter;
  /** The temp folder holding the ledger (`ledger.db`). */
  directory: string;
  close(): Promise<void>;
}

/**
 * A gateway with a real SQLite ledger in front of a real emulator. `config` gets the emulator's
 * URL and returns the YAML; `options` adds to what createGateway gets (governance, keys…).
 */
export async function startMeteredHarness(config: (emulatorUrl: string) => string, options: (directory: string) => Promise<GatewayOptions> | GatewayOptions = () => ({})): Promise<MeteredHarness> {
  const emulator = await startEmulator({ timeScale: 0 });
  const directory = await mkdtemp(join(tmpdir(), 'switchyard-e2e-'));
  const store = await openLedgerStore(join(directory, 'ledger.db'));
  const writer = new LedgerWriter(store, { windowMs: 10 });
  const gateway = createGateway(parseConfig(config(emulator.url), 'test.yaml', { env: {} }), { ledger: writer, usage: store, ...(await options(directory)) });
  const server = await listen(gateway, { host: '127.0.0.1', port: 0 });
  return {
    emulator,
    server,
    store,
    writer,
    directory,
    async close() {
      await server.shutdown(1_000);
      await writer.close();
      await store.close();
      await emulator.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Polls `read` (every 20 ms, up to 2 s) until `done` holds for its value; returns the last value. Records reach the ledger just after the answer. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let waited = 0; waited < 100 && !done(value); waited += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}
