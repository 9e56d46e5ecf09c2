import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { tooLarge } from '../gateway/fetch-adapter.js';
import type { Gateway } from '../gateway/create-gateway.js';
import type { GatewayRequest, GatewayResponse } from '../gateway/http-types.js';
import type { Logger } from '../logging/logger.js';
import { CancelSignal } from '../util/cancel-signal.js';

export interface RunningServer {
  server: Server;
  gateway: Gateway;
  url: string;
  port: number;
  /** Stop accepting, let in-flight requests and streams finish up to the grace period, then close. */
  shutdown(graceMs?: number): Promise<{ forced: boolean }>;
}

/** Serve a gateway over node:http (the fast path: no Web Request/Response conversion). */
export async function listen(gateway: Gateway, options: { host: string; port: number; logger?: Logger }): Promise<RunningServer> {
  const bodyLimit = gateway.config.server.bodyLimitBytes;
  const server = createServer({ requestTimeout: 0, headersTimeout: 30_000, maxHeaderSize: 64 * 1024 }, (request, response) => {
    void serveOne(gateway, request, response, bodyLimit, options.logger);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    server,
    gateway,
    url: `http://${host}:${port}`,
    port,
    async shutdown(graceMs = gateway.config.server.shutdownGraceMs) {
      gateway.drain();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (gateway.inFlight() > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        server.closeIdleConnections();
      }
      const forced = gateway.inFlight() > 0;
      server.closeAllConnections();
      await closed;
      await gateway.close();
      return { forced };
    },
  };
}

async function serveOne(gateway: Gateway, request: IncomingMessage, response: ServerResponse, bodyLimit: number, logger: Logger | undefined): Promise<void> {
  const signal = new CancelSignal();
  response.once('close', () => {
    if (!response.writableFinished) signal.abort(new Error('client closed the connection'));
  });
  try {
    const body = await readRequestBody(request, bodyLimit);
    if (body === undefined) {
      response.setHeader('connection', 'close');
      await writeResponse(response, gateway.rejectRequest(tooLarge(bodyLimit), headerValue(request.headers['x-request-id']), (request.url ?? '/').split('?')[0]));
      request.destroy();
      return;
    }
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const gatewayRequest: GatewayRequest = {
      method: request.method ?? 'GET',
      path: queryStart === -1 ? url : url.slice(0, queryStart),
      query: queryStart === -1 ? '' : url.slice(queryStart + 1),
      headers: request.headers as Record<string, string | undefined>,
      body,
      signal,
      remoteAddress: request.socket.remoteAddress,
    };
    await writeResponse(response, await gateway.handle(gatewayRequest));
  } catch (error) {
    // Only a failure writing to a client that went away lands here; the gateway renders its own errors.
    logger?.debug({ err: error }, 'response not delivered');
    response.destroy();
  }
}

/**
 * The whole body, or undefined when it exceeds the limit (checked before reading when declared).
 * Plain listeners rather than `for await`: an async iterator per request costs more than the read.
 */
function readRequestBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        resolve(undefined);
      } else chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    // A client that goes away mid-body: 'close' without 'end'.
    const onClose = (): void => {
      if (!request.complete) onError(new Error('the client closed the connection before sending the whole body'));
    };
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

async function writeResponse(response: ServerResponse, result: GatewayResponse): Promise<void> {
  const { body } = result;
  if (body === null || Buffer.isBuffer(body)) {
    if (body !== null) result.headers['content-length'] = String(body.length);
    response.writeHead(result.status, result.headers);
    response.end(body ?? undefined);
    return;
  }
  response.writeHead(result.status, result.headers);
  response.flushHeaders();
  const iterator = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (response.destroyed) return;
      const next = await iterator.next();
      if (next.done) break;
      if (!response.write(next.value)) await waitForDrain(response);
    }
    response.end();
  } finally {
    await iterator.return?.();
  }
}

function waitForDrain(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
