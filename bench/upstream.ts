/**
 * The minimal OpenAI-compatible upstream every subject talks to (run as its own child process, pinned
 * with the load generator). It answers POST .../chat/completions from precomputed buffers without
 * parsing the body, so its cost per request is as small as Node allows:
 * - non-streaming: one fixed chat.completion JSON body;
 * - `"stream": true` in the body: the 50-chunk SSE stream of fixtures.ts, all at once or one chunk
 *   every `chunkIntervalMs` (the slow-stream memory phase).
 * Control endpoints (called directly by the orchestrator, never through a subject):
 * GET /__bench/stats, POST /__bench/config {chunkIntervalMs?, check?, reset?}.
 * With `check` on, it parses each body and records the model and messages it received.
 *
 * Usage: node upstream.js [--port N]   (prints {"port":N} on stdout when listening)
 */
import http from 'node:http';
import { COMPLETION_BODY, MESSAGES_JSON, STREAM_EVENTS } from './fixtures.js';

const completionBuffer = Buffer.from(COMPLETION_BODY);
const streamBuffers = STREAM_EVENTS.map((event) => Buffer.from(event));
const completionHeaders = {
  'content-type': 'application/json',
  'content-length': String(completionBuffer.length),
  'openai-processing-ms': '1',
  'x-request-id': 'req_bench',
};
const streamHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': 'req_bench' };
const STREAM_FLAG = /"stream"\s*:\s*true/;
const MAX_BODY_BYTES = 1 << 20;

interface Received {
  model: unknown;
  messagesIntact: boolean;
  stream: boolean;
}

const state = {
  chunkIntervalMs: 0,
  check: false,
  requests: 0,
  streamsOpen: 0,
  streamsMaxOpen: 0,
  received: [] as Received[],
};

function recordForCheck(body: string): void {
  let model: unknown;
  let messagesIntact = false;
  let stream = false;
  try {
    const parsed = JSON.parse(body) as { model?: unknown; messages?: unknown; stream?: unknown };
    model = parsed.model;
    messagesIntact = JSON.stringify(parsed.messages) === MESSAGES_JSON;
    stream = parsed.stream === true;
  } catch {
    model = '<unparseable body>';
  }
  if (state.received.length < 100) state.received.push({ model, messagesIntact, stream });
}

function sendStream(response: http.ServerResponse): void {
  state.streamsOpen += 1;
  state.streamsMaxOpen = Math.max(state.streamsMaxOpen, state.streamsOpen);
  response.on('close', () => {
    state.streamsOpen -= 1;
  });
  response.writeHead(200, streamHeaders);
  const interval = state.chunkIntervalMs;
  if (interval <= 0) {
    for (const buffer of streamBuffers) response.write(buffer);
    response.end();
    return;
  }
  let index = 0;
  // The first chunk goes out at once (time to first byte is not the upstream's delay); the rest are paced.
  const writeNext = (): void => {
    if (response.destroyed) return;
    const buffer = streamBuffers[index];
    index += 1;
    if (buffer === undefined) {
      response.end();
      return;
    }
    response.write(buffer);
    setTimeout(writeNext, interval);
  };
  writeNext();
}

function handleChat(request: http.IncomingMessage, response: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  request.on('end', () => {
    state.requests += 1;
    const body = chunks.length === 1 && chunks[0] !== undefined ? chunks[0].toString() : Buffer.concat(chunks).toString();
    if (state.check) recordForCheck(body);
    if (STREAM_FLAG.test(body)) sendStream(response);
    else {
      response.writeHead(200, completionHeaders);
      response.end(completionBuffer);
    }
  });
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  response.end(text);
}

function handleConfig(request: http.IncomingMessage, response: http.ServerResponse): void {
  let text = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => {
    if (text.length < 10_000) text += chunk;
  });
  request.on('end', () => {
    try {
      const update = JSON.parse(text) as { chunkIntervalMs?: unknown; check?: unknown; reset?: unknown };
      if (typeof update.chunkIntervalMs === 'number') state.chunkIntervalMs = update.chunkIntervalMs;
      if (typeof update.check === 'boolean') state.check = update.check;
      if (update.reset === true) {
        state.requests = 0;
        state.streamsMaxOpen = state.streamsOpen;
        state.received = [];
      }
      sendJson(response, 200, { ok: true });
    } catch {
      sendJson(response, 400, { error: 'config body must be JSON' });
    }
  });
}

const server = http.createServer({ keepAliveTimeout: 65_000, noDelay: true }, (request, response) => {
  const url = request.url ?? '/';
  if (request.method === 'POST' && url.endsWith('/chat/completions')) handleChat(request, response);
  else if (url === '/__bench/stats') {
    sendJson(response, 200, {
      requests: state.requests,
      streamsOpen: state.streamsOpen,
      streamsMaxOpen: state.streamsMaxOpen,
      received: state.received,
    });
  } else if (request.method === 'POST' && url === '/__bench/config') handleConfig(request, response);
  else if (url === '/readyz') sendJson(response, 200, { ok: true });
  else {
    request.resume();
    sendJson(response, 404, { error: { message: `bench upstream has no ${request.method ?? ''} ${url}`, type: 'invalid_request_error' } });
  }
});
server.headersTimeout = 70_000;
server.maxRequestsPerSocket = 0;

const portFlag = process.argv.indexOf('--port');
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1] ?? 0) : 0;
server.listen({ host: '127.0.0.1', port, backlog: 4096 }, () => {
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`${JSON.stringify({ port: boundPort })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
