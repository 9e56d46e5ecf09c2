/** Small loopback HTTP helpers for the orchestrator: free ports, readiness polling, control calls. */
import http from 'node:http';
import net from 'node:net';

/** A free loopback TCP port (bound then released; the race is harmless on an idle machine). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with a hard timeout; never throws for HTTP statuses, only for transport errors. */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolveResult, reject) => {
    const request = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < 1_000_000) body += chunk;
      });
      response.on('end', () => resolveResult({ status: response.statusCode ?? 0, headers: response.headers, body }));
      response.on('error', reject);
    });
    request.setTimeout(options.timeoutMs ?? 10_000, () => request.destroy(new Error(`timeout after ${options.timeoutMs ?? 10_000} ms: ${url}`)));
    request.on('error', reject);
    request.end(options.body);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Polls `url` until it answers `status` (bounded by `timeoutMs`); stops early when `gaveUp()` says
 * so (e.g. the child exited). Returns the last observation for error messages.
 */
export async function waitForHttp(
  url: string,
  options: { status?: number; timeoutMs: number; gaveUp?: () => boolean },
): Promise<{ ready: boolean; last: string }> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer';
  for (let attempt = 0; attempt < 1000 && Date.now() < deadline; attempt += 1) {
    if (options.gaveUp?.() === true) return { ready: false, last: `${last} (process exited)` };
    try {
      const result = await httpRequest(url, { timeoutMs: 1000 });
      if (result.status === (options.status ?? 200)) return { ready: true, last: `HTTP ${result.status}` };
      last = `HTTP ${result.status}: ${result.body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  return { ready: false, last };
}

export async function getJson(url: string): Promise<unknown> {
  const result = await httpRequest(url, { timeoutMs: 5000 });
  return JSON.parse(result.body) as unknown;
}

export async function postJson(url: string, value: unknown): Promise<unknown> {
  const result = await httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
    timeoutMs: 5000,
  });
  return JSON.parse(result.body) as unknown;
}
