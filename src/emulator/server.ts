/**
 * The HTTP server: records each provider request, routes it to its protocol module, and serves the
 * `/_emulator/*` control endpoints. It tracks open sockets and in-flight requests so `close()`
 * ends streams and held (timeout-fault) connections promptly instead of waiting for clients.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { emulatorError } from './errors.js';
import { jsonReply, readBody, sendReply } from './http.js';
import { FALLBACK_MODULE, PROTOCOL_MODULES } from './protocols/index.js';
import type { EmulatorRoute, ProtocolModule } from './protocols/protocol.js';
import type { EmulatorRuntime, Exchange } from './runtime.js';

const CONTROL_PREFIX = '/_emulator/';

export interface EmulatorServer {
  server: Server;
  /** Abort in-flight requests, destroy sockets, stop listening. */
  shutdown(): Promise<void>;
}

export function createEmulatorServer(runtime: EmulatorRuntime): EmulatorServer {
  for (const module of PROTOCOL_MODULES) module.warmUp?.(runtime);
  const sockets = new Set<Socket>();
  const inFlight = new Set<AbortController>();
  const startedAt = Date.now();
  const server = createServer((request, response) => {
    const controller = new AbortController();
    inFlight.add(controller);
    // A response closed before it finished means the client left: stop generating for it.
    response.on('close', () => {
      if (!response.writableFinished) controller.abort();
      inFlight.delete(controller);
    });
    handleRequest(request, response, runtime, controller.signal, startedAt).catch((error: unknown) => {
      runtime.log({ level: 'error', message: 'emulator handler failed', error: error instanceof Error ? error.message : String(error) });
      if (!response.headersSent) sendReply(response, FALLBACK_MODULE.renderError(emulatorError('server-error', 500, 'Internal emulator error.')));
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const shutdown = async (): Promise<void> => {
    for (const controller of inFlight) controller.abort();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return { server, shutdown };
}

async function handleRequest(request: IncomingMessage, response: ServerResponse, runtime: EmulatorRuntime, signal: AbortSignal, startedAt: number): Promise<void> {
  const started = performance.now();
  const url = new URL(request.url ?? '/', 'http://emulator.local');
  const method = request.method ?? 'GET';
  const path = url.pathname;
  if (path.startsWith(CONTROL_PREFIX)) {
    for await (const _chunk of request) { /* drain the body; control requests carry none we use */ }
    handleControl(method, path, response, runtime, startedAt);
    return;
  }
  const body = await readBody(request);
  const module = PROTOCOL_MODULES.find((candidate) => path.startsWith(candidate.prefix)) ?? FALLBACK_MODULE;
  if (body === 'too-large') {
    sendReply(response, module.renderError(emulatorError('payload-too-large', 413, 'Request body too large.')));
    return;
  }
  const bodyText = body.toString('utf8');
  const { json, jsonError } = parseJson(bodyText);
  runtime.recorder.record({
    time: new Date().toISOString(), method, path, query: Object.fromEntries(url.searchParams), headers: flattenHeaders(request), bodyText, json,
  });
  const exchange: Exchange = { request, response, method, path, query: url.searchParams, bodyText, json, jsonError, signal, logFields: {} };
  const match = findRoute(module, method, path);
  if (match === 'wrong-method') {
    sendReply(response, module.renderError(emulatorError('method-not-allowed', 405, 'Method not allowed.', { method, path })));
  } else if (match === undefined) {
    sendReply(response, module.renderError(emulatorError('not-found', 404, 'Not found.', { method, path })));
  } else {
    await match.route.handle(exchange, match.parameters, runtime);
  }
  runtime.log({ time: new Date().toISOString(), method, path, status: response.statusCode, duration_ms: Math.round(performance.now() - started), ...exchange.logFields });
}

function findRoute(module: ProtocolModule, method: string, path: string): { route: EmulatorRoute; parameters: Record<string, string> } | 'wrong-method' | undefined {
  let pathMatched = false;
  for (const route of module.routes) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    pathMatched = true;
    if (route.method === method) return { route, parameters: { ...match.groups } };
  }
  return pathMatched ? 'wrong-method' : undefined;
}

function handleControl(method: string, path: string, response: ServerResponse, runtime: EmulatorRuntime, startedAt: number): void {
  if (path === `${CONTROL_PREFIX}requests` && method === 'GET') return sendReply(response, jsonReply(200, { requests: runtime.recorder.list() }));
  if (path === `${CONTROL_PREFIX}requests` && method === 'DELETE') {
    runtime.recorder.clear();
    return sendReply(response, jsonReply(200, { cleared: true }));
  }
  if (path === `${CONTROL_PREFIX}health` && method === 'GET') {
    return sendReply(response, jsonReply(200, {
      status: 'ok', uptime_ms: Date.now() - startedAt, time_scale: runtime.timeScale, seed: runtime.seed, models: runtime.catalog.list().map((model) => model.name),
    }));
  }
  sendReply(response, jsonReply(404, { error: { message: `Unknown emulator control endpoint: ${method} ${path}`, type: 'invalid_request_error', param: null, code: null } }));
}

function parseJson(text: string): { json: unknown; jsonError: string | undefined } {
  if (text.trim().length === 0) return { json: undefined, jsonError: undefined };
  try {
    return { json: JSON.parse(text) as unknown, jsonError: undefined };
  } catch (error) {
    return { json: undefined, jsonError: error instanceof Error ? error.message : 'invalid JSON' };
  }
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
