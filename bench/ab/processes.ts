/**
 * The processes of an interleaved benchmark: the provider emulator on the load core, and the
 * subjects (the gateway built with createGateway + listen, the parsing Node proxy) on the subject
 * core, each a pinned child in its own process group (lib/children.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchScript, LOAD_CORE, readJsonLine, spawnChild, type Child } from '../lib/children.js';
import { getJson } from '../lib/http.js';
import { startNodeServer } from '../subjects/node-process.js';
import type { GatewayCounts } from '../subjects/servers/gateway-counts.js';
import { BENCH_MODEL } from './emulator-payloads.js';

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:41234; OpenAI routes are under /openai/v1. */
  origin: string;
  child: Child;
}

export async function startEmulatorChild(): Promise<RunningEmulator> {
  const child = spawnChild({ name: 'emulator', nodeArgs: benchScript('subjects/servers/emulator'), core: LOAD_CORE, stdout: 'pipe' });
  const { port } = (await readJsonLine(child, 30_000)) as { port: number };
  return { origin: `http://127.0.0.1:${port}`, child };
}

/**
 * The gateway's config: the alias `bench-model` routed to the emulator's OpenAI Chat API as an
 * openai-compatible provider, with a price, so metering does its whole job (cost included).
 */
export function gatewayConfigYaml(emulatorOrigin: string): string {
  return `# Written by bench/ab/processes.ts for one benchmark run.
server:
  host: 127.0.0.1
  log_level: silent
providers:
  emulator:
    kind: openai-compatible
    base_url: ${emulatorOrigin}/openai/v1
    api_key: sk-bench
models:
  emulator/${BENCH_MODEL}: { context_window: 128000, max_output: 4096, capabilities: [streaming], price: { input: 1, output: 4 } }
routes:
  ${BENCH_MODEL}:
    targets: [emulator/${BENCH_MODEL}]
`;
}

export interface RunningGateway {
  id: string;
  origin: string;
  pid: number;
  child: Child;
  /** Where the child writes its final counts on SIGTERM. */
  reportFile: string;
}

export async function startGatewayChild(options: { id: string; emulatorOrigin: string; tempDir: string; ledger?: string; schema?: string }): Promise<RunningGateway> {
  const configFile = join(options.tempDir, `${options.id}.yaml`);
  const reportFile = join(options.tempDir, `${options.id}.report.json`);
  await writeFile(configFile, gatewayConfigYaml(options.emulatorOrigin));
  const { child, port } = await startNodeServer({
    name: `gateway (${options.id})`,
    args: (listenPort) => [
      ...benchScript('subjects/servers/gateway'),
      '--port',
      String(listenPort),
      '--config',
      configFile,
      '--ledger',
      options.ledger ?? 'none',
      ...(options.schema === undefined ? [] : ['--schema', options.schema]),
      '--report',
      reportFile,
    ],
    readyPath: '/readyz',
    readyStatus: 200,
    timeoutMs: 30_000,
  });
  return { id: options.id, origin: `http://127.0.0.1:${port}`, pid: child.pid, child, reportFile };
}

export async function gatewayCounts(gateway: RunningGateway): Promise<GatewayCounts> {
  return (await getJson(`${gateway.origin}/_bench/ledger`)) as GatewayCounts;
}

/**
 * SIGTERM, then wait (up to `timeoutMs`) for the child to drain, close its ledger writer and write
 * its final counts; null when it did not finish in time (it is then killed).
 */
export async function stopGatewayGracefully(gateway: RunningGateway, timeoutMs = 45_000): Promise<GatewayCounts | null> {
  if (!gateway.child.hasExited()) {
    process.kill(gateway.pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([gateway.child.exited, timedOut]);
    clearTimeout(timer);
    await gateway.child.stop();
    if (outcome === 'timeout') return null;
  }
  if (!existsSync(gateway.reportFile)) return null;
  return JSON.parse(readFileSync(gateway.reportFile, 'utf8')) as GatewayCounts;
}

export interface RunningProxy {
  origin: string;
  pid: number;
  child: Child;
}

/** The parsing Node proxy (subjects/servers/parse-proxy.ts) in front of the emulator. */
export async function startParseProxyChild(emulatorOrigin: string): Promise<RunningProxy> {
  const { child, port } = await startNodeServer({
    name: 'parsing proxy',
    args: (listenPort) => [...benchScript('subjects/servers/parse-proxy'), '--port', String(listenPort), '--upstream', emulatorOrigin],
    // It forwards GET /readyz to the emulator, which answers 404: any answer means it listens.
    readyPath: '/readyz',
    readyStatus: null,
    timeoutMs: 15_000,
  });
  return { origin: `http://127.0.0.1:${port}`, pid: child.pid, child };
}
