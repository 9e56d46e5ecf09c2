/**
 * The provider emulator: serves real providers' wire formats (OpenAI Chat Completions and its Azure
 * flavour, OpenAI Responses, …) from a deterministic generator, with latency profiles and fault
 * injection, so demos, tests and benchmarks run offline. See README.md for routes, config and test hooks.
 */
import type { AddressInfo } from 'node:net';
import { ModelCatalog } from './catalog.js';
import { catalogModelsFromConfig, type EmulatorConfig } from './config.js';
import { FaultDice } from './faults.js';
import { PrefixCache } from './prefix-cache.js';
import { DEFAULT_RECORD_LIMIT, RequestRecorder, type RecordedRequest } from './recorder.js';
import type { EmulatorRuntime } from './runtime.js';
import { createEmulatorServer } from './server.js';

export { loadEmulatorConfig, parseEmulatorConfig, EmulatorConfigError, type EmulatorConfig } from './config.js';
export type { RecordedRequest } from './recorder.js';
export type { CatalogModel } from './catalog.js';
export { FAULT_HEADER } from './serve-completion.js';

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: the emulator is a local test double, never exposed. */
  host?: string;
  config?: EmulatorConfig;
  /** Overrides config `time_scale`; default 1 (realistic). Use 0 in tests. */
  timeScale?: number;
  /** Overrides config `seed`; default 0. */
  seed?: number;
  /** Receives one object per request (and handler errors); silent by default. */
  logger?: (line: object) => void;
}

export interface RunningEmulator {
  /** e.g. `http://127.0.0.1:41234`; OpenAI clients use `${url}/openai/v1`. */
  url: string;
  port: number;
  /** Provider requests received, oldest first. */
  received(): RecordedRequest[];
  clearReceived(): void;
  /** Ends open streams and held connections, then stops listening. */
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const config = options.config ?? {};
  const seed = options.seed ?? config.seed ?? 0;
  let requestNumber = 0;
  const runtime: EmulatorRuntime = {
    catalog: new ModelCatalog(catalogModelsFromConfig(config)),
    timeScale: options.timeScale ?? config.time_scale ?? 1,
    seed,
    recorder: new RequestRecorder(config.record_limit ?? DEFAULT_RECORD_LIMIT),
    prefixCache: new PrefixCache(),
    faultDice: new FaultDice(seed),
    log: options.logger ?? (() => undefined),
    nextRequestNumber: () => ++requestNumber,
  };
  const { server, shutdown } = createEmulatorServer(runtime);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    received: () => runtime.recorder.list(),
    clearReceived: () => runtime.recorder.clear(),
    close: () => (closing ??= shutdown()),
  };
}
