import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CanonicalRequest, UserContentPart } from '../canonical/types.js';
import { GatewayError } from '../errors/catalogue.js';
import { inlineImageUrls } from './inline-urls.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(56, 7)]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');

/** A real local server: each path is one behaviour; hits are counted per path. */
const hits = new Map<string, number>();
const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/cat.png': (_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(PNG),
  '/untyped': (_request, response) => response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(PNG),
  '/report.pdf': (_request, response) => response.writeHead(200, { 'content-type': 'application/pdf' }).end(PDF),
  '/page.html': (_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html></html>'),
  '/declared-large.png': (_request, response) => response.writeHead(200, { 'content-type': 'image/png', 'content-length': '100000' }).end(Buffer.alloc(100_000)),
  '/endless.png': (_request, response) => {
    // No content-length: the reader must stop at the cap on its own.
    response.writeHead(200, { 'content-type': 'image/png' });
    const timer = setInterval(() => response.write(Buffer.alloc(4096)), 1);
    response.on('close', () => clearInterval(timer));
  },
  '/slow.png': () => {
    // Never answers: only the timeout ends the download.
  },
};

let server: Server;
let origin: string;
let host: string;

before(async () => {
  server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path];
    if (route === undefined) response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    else route(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin = `http://${host}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const options = { maxBytes: 10_000, timeoutMs: 300 };

function requestWith(...content: UserContentPart[]): CanonicalRequest {
  return { model: 'm', stream: false, messages: [{ role: 'system', content: [{ type: 'text', text: 'be brief' }] }, { role: 'user', content }] };
}

async function failure(request: CanonicalRequest): Promise<GatewayError> {
  const error = await inlineImageUrls(request, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
  assert.equal(error.code, 'invalid_request');
  assert.equal(error.status, 400);
  return error;
}

describe('inlineImageUrls', () => {
  it('downloads URL images and documents into base64, keeping every other field', async () => {
    const request = requestWith(
      { type: 'text', text: 'compare' },
      { type: 'image', source: { kind: 'url', url: `${origin}/cat.png?token=abc` }, detail: 'high', cacheControl: { type: 'ephemeral' } },
      { type: 'document', source: { kind: 'url', url: `${origin}/report.pdf` }, title: 'Q3' },
    );
    const result = await inlineImageUrls(request, options);
    assert.deepEqual(result.messages[1], {
      role: 'user',
      content: [
        { type: 'text', text: 'compare' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG.toString('base64') }, detail: 'high', cacheControl: { type: 'ephemeral' } },
        { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF.toString('base64') }, title: 'Q3' },
      ],
    });
    assert.equal((request.messages[1]?.content[1] as UserContentPart & { source: { kind: string } }).source.kind, 'url', 'the input is not changed');
    assert.deepEqual(result.messages[0], request.messages[0]);
  });

  it('fetches a URL named twice once, and inlines images inside tool results', async () => {
    hits.clear();
    const url = `${origin}/cat.png`;
    const request: CanonicalRequest = {
      model: 'm',
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'image', source: { kind: 'url', url } }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'snap', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'image', source: { kind: 'url', url } }] }] },
      ],
    };
    const result = await inlineImageUrls(request, options);
    assert.equal(hits.get('/cat.png'), 1);
    const inResult = result.messages[2]?.role === 'tool' ? result.messages[2].content[0]?.content[0] : undefined;
    assert.deepEqual(inResult, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG.toString('base64') } });
  });

  it('reads the type from the bytes when the server says only application/octet-stream', async () => {
    const result = await inlineImageUrls(requestWith({ type: 'image', source: { kind: 'url', url: `${origin}/untyped` } }), options);
    assert.deepEqual(result.messages[1]?.content[0], { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG.toString('base64') } });
  });

  it('decodes data: URLs locally', async () => {
    const result = await inlineImageUrls(requestWith({ type: 'image', source: { kind: 'url', url: `data:image/png;base64,${PNG.toString('base64')}` } }), options);
    assert.deepEqual(result.messages[1]?.content[0], { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG.toString('base64') } });
  });

  it('refuses a body whose content-length is over the cap, naming the host only', async () => {
    const error = await failure(requestWith({ type: 'image', source: { kind: 'url', url: `${origin}/declared-large.png?token=secret` } }));
    assert.equal(error.message, `messages[1].content[0].source.url: the media from ${host} is larger than the 10000-byte limit`);
    assert.equal(error.param, 'messages[1].content[0].source.url');
  });

  it('stops reading a streamed body that passes the cap', async () => {
    const error = await failure(requestWith({ type: 'text', text: 'look' }, { type: 'image', source: { kind: 'url', url: `${origin}/endless.png` } }));
    assert.equal(error.message, `messages[1].content[1].source.url: the media from ${host} is larger than the 10000-byte limit`);
  });

  it('gives up when the download takes longer than the timeout', async () => {
    const error = await failure(requestWith({ type: 'image', source: { kind: 'url', url: `${origin}/slow.png?sig=private` } }));
    assert.equal(error.message, `messages[1].content[0].source.url: fetching the media from ${host} timed out after 300 ms`);
  });

  it('refuses content that is not an image (or not a PDF for a document)', async () => {
    const image = await failure(requestWith({ type: 'image', source: { kind: 'url', url: `${origin}/page.html` } }));
    assert.equal(image.message, `messages[1].content[0].source.url: the image from ${host} is text/html, not an image`);
    const document = await failure(requestWith({ type: 'document', source: { kind: 'url', url: `${origin}/cat.png` } }));
    assert.equal(document.message, `messages[1].content[0].source.url: the document from ${host} is image/png, not a PDF`);
  });

  it('reports an HTTP error status with the host, never the path or query', async () => {
    const error = await failure(requestWith({ type: 'image', source: { kind: 'url', url: `${origin}/private/missing.png?api_key=hunter2` } }));
    assert.equal(error.message, `messages[1].content[0].source.url: fetching the media from ${host} failed with HTTP 404`);
    assert.doesNotMatch(error.message, /hunter2|missing/);
  });

  it('reports an unreachable host by its network error code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(requestWith({ type: 'image', source: { kind: 'url', url: `http://127.0.0.1:${port}/x.png?t=1` } }));
    assert.equal(error.message, `messages[1].content[0].source.url: fetching the media from 127.0.0.1:${port} failed: ECONNREFUSED`);
  });

  it('refuses URLs that are not http(s)', async () => {
    const error = await failure(requestWith({ type: 'image', source: { kind: 'url', url: 'ftp://files.example.com/cat.png' } }));
    assert.equal(error.message, 'messages[1].content[0].source.url: only http(s) URLs can be fetched, not the one for files.example.com');
  });
});
