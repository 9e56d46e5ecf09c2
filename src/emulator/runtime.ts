/**
 * The state one running emulator shares across requests. Built once at start from the options and
 * config; handlers receive it instead of reaching for module globals, so two emulators in one
 * process (common in tests) never interfere.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelCatalog } from './catalog.js';
import type { FaultDice } from './faults.js';
import type { PrefixCache } from './prefix-cache.js';
import type { RequestRecorder } from './recorder.js';

export interface EmulatorRuntime {
  catalog: ModelCatalog;
  /** Multiplies every modelled delay: 0 = instant, 1 = realistic. */
  timeScale: number;
  seed: number;
  recorder: RequestRecorder;
  prefixCache: PrefixCache;
  faultDice: FaultDice;
  log: (line: object) => void;
  /** Counts requests; mixed into response ids so identical requests still get distinct ids. */
  nextRequestNumber: () => number;
}

/** One HTTP exchange as handlers see it: the body already read and parsed. */
export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  bodyText: string;
  /** Parsed JSON body; `undefined` when empty; `jsonError` set when it did not parse. */
  json: unknown;
  jsonError: string | undefined;
  /** Aborts when the client disconnects or the emulator closes. */
  signal: AbortSignal;
  /** Fields the handler wants in the access log line. */
  logFields: Record<string, unknown>;
}
