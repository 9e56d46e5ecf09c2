/**
 * Baseline subject 3: what a naive JavaScript gateway does. It parses the request JSON, rewrites
 * `model` through an alias table, re-serializes it; for non-streaming answers it also parses and
 * re-serializes the response JSON. Streams are piped.
 *
 * Usage: node parse-proxy.js --port N --upstream http://127.0.0.1:P
 */
import http from 'node:http';
import { endToEndHeaders, proxyArguments } from './headers.js';

const { port, upstream } = proxyArguments(process.argv);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 2048 });
const MODEL_ALIASES = new Map([['bench-model', 'bench-model']]);
const MAX_BODY_BYTES = 4 << 20;

function readBody(stream: http.IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) stream.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    stream.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

function sendError(response: http.ServerResponse, status: number, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ error: { message, type: 'proxy_error' } });
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

/** Requests without a JSON body (GET /readyz, ...) are forwarded as they came. */
function pipeThrough(request: http.IncomingMessage, response: http.ServerResponse): void {
  const upstreamRequest = http.request(
    { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: endToEndHeaders(request.headers), agent },
    (upstreamResponse) => {
      response.writeHead(upstreamResponse.statusCode ?? 502, endToEndHeaders(upstreamResponse.headers));
      upstreamResponse.pipe(response);
    },
  );
  upstreamRequest.on('error', (error) => sendError(response, 502, `upstream error: ${error.message}`));
  request.pipe(upstreamRequest);
}

async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  if (request.method !== 'POST') {
    pipeThrough(request, response);
    return;
  }
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(await readBody(request)) as Record<string, unknown>;
  } catch (error) {
    sendError(response, 400, `request body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const model = payload['model'];
  if (typeof model === 'string') payload['model'] = MODEL_ALIASES.get(model) ?? model;
  const body = JSON.stringify(payload);
  const headers = endToEndHeaders(request.headers, true);
  headers['content-length'] = String(Buffer.byteLength(body));
  const upstreamRequest = http.request(
    { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers, agent },
    (upstreamResponse) => {
      const status = upstreamResponse.statusCode ?? 502;
      const contentType = upstreamResponse.headers['content-type'] ?? '';
      if (contentType.includes('text/event-stream')) {
        response.writeHead(status, endToEndHeaders(upstreamResponse.headers));
        upstreamResponse.pipe(response);
        return;
      }
      readBody(upstreamResponse).then(
        (text) => {
          let out = text;
          try {
            out = JSON.stringify(JSON.parse(text));
          } catch {
            // not JSON: forward as it came
          }
          const responseHeaders = endToEndHeaders(upstreamResponse.headers, true);
          responseHeaders['content-length'] = String(Buffer.byteLength(out));
          response.writeHead(status, responseHeaders);
          response.end(out);
        },
        (error: unknown) => sendError(response, 502, `upstream body error: ${String(error)}`),
      );
    },
  );
  upstreamRequest.on('error', (error) => sendError(response, 502, `upstream error: ${error.message}`));
  response.on('close', () => {
    if (!response.writableFinished) upstreamRequest.destroy();
  });
  upstreamRequest.end(body);
}

const server = http.createServer({ keepAliveTimeout: 65_000, noDelay: true }, (request, response) => {
  handle(request, response).catch((error: unknown) => sendError(response, 500, String(error)));
});
server.headersTimeout = 70_000;
server.listen({ host: '127.0.0.1', port, backlog: 4096 });
process.on('SIGTERM', () => process.exit(0));
