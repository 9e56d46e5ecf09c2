/**
 * One run's servers, all in this process: a fresh provider emulator (so every run starts with an
 * empty prompt cache), a SQLite ledger in a temp folder, and the gateway in front of the emulator
 * with one Claude model behind two routes that differ only in `cache`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { LedgerWriter, openLedgerStore, type LedgerStore } from '../../src/ledger/index.js';
import { listen, type RunningServer } from '../../src/server/node-server.js';
import { PRICE } from './costs.js';

export const UPSTREAM_MODEL = 'claude-sonnet-4-6';
/** The routes the clients name as their model. */
export const ROUTES = { auto: 'claude-auto', off: 'claude-off' } as const;

export interface LedgerTotals {
  requests: number;
  costMicros: number;
  cacheHitRatio: number | null;
}

export interface Stack {
  gatewayUrl: string;
  /** The Anthropic base URL for a client that goes straight to the provider. */
  providerUrl: string;
  /** The `cache_control` paths of the last body the provider received. */
  lastBreakpoints(): string[];
  /** Stops the gateway and flushes the ledger, then reads what it recorded. */
  close(): Promise<LedgerTotals>;
}

function configText(emulatorUrl: string): string {
  return `
providers:
  claude: { kind: anthropic, base_url: "${emulatorUrl}/anthropic", api_key: emulated }
models:
  claude/${UPSTREAM_MODEL}: { price: { input: ${PRICE.input}, output: ${PRICE.output}, cached_input: ${PRICE.cachedInput}, cache_write: ${PRICE.cacheWrite} } }
routes:
  ${ROUTES.auto}: { targets: [claude/${UPSTREAM_MODEL}], cache: auto }
  ${ROUTES.off}: { targets: [claude/${UPSTREAM_MODEL}], cache: off }
`;
}

export async function startStack(): Promise<Stack> {
  const emulator: RunningEmulator = await startEmulator({ timeScale: 0 });
  const directory = await mkdtemp(join(tmpdir(), 'switchyard-bench-prompt-cache-'));
  let store: LedgerStore | undefined;
  let writer: LedgerWriter | undefined;
  let server: RunningServer | undefined;
  try {
    store = await openLedgerStore(join(directory, 'ledger.db'));
    writer = new LedgerWriter(store, { windowMs: 10 });
    const config = parseConfig(configText(emulator.url), 'prompt-cache-bench.yaml', { env: {} });
    server = await listen(createGateway(config, { ledger: writer, usage: store }), { host: '127.0.0.1', port: 0 });
  } catch (error) {
    await writer?.close();
    await store?.close();
    await emulator.close();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const [openStore, openWriter, openServer] = [store, writer, server];
  return {
    gatewayUrl: openServer.url,
    providerUrl: `${emulator.url}/anthropic`,
    lastBreakpoints: () => breakpointPaths(emulator.received().at(-1)?.json),
    close: async () => {
      try {
        await openServer.shutdown(1_000);
        await openWriter.close();
        const [group] = await openStore.query({}, 'none');
        return { requests: group?.requests ?? 0, costMicros: group?.cost_micros ?? 0, cacheHitRatio: group?.cache_hit_ratio ?? null };
      } finally {
        await openStore.close();
        await emulator.close();
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paths of every `cache_control` in an Anthropic Messages body, in prompt order. */
export function breakpointPaths(body: unknown): string[] {
  if (!isObject(body)) return [];
  const paths: string[] = [];
  const visit = (path: string, blocks: unknown): void => {
    if (!Array.isArray(blocks)) return;
    blocks.forEach((block, index) => {
      if (isObject(block) && block.cache_control != null) paths.push(`${path}[${index}]`);
      if (isObject(block) && Array.isArray(block.content)) visit(`${path}[${index}].content`, block.content);
    });
  };
  visit('tools', body.tools);
  visit('system', body.system);
  if (Array.isArray(body.messages)) body.messages.forEach((message, index) => isObject(message) && visit(`messages[${index}].content`, message.content));
  if (body.cache_control != null) paths.push('cache_control');
  return paths;
}
