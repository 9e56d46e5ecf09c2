/**
 * Baseline subject 2: the cheapest honest Node reverse proxy. node:http server, http.request through a
 * keep-alive Agent, bodies piped both ways and never parsed. Everything a gateway adds is measured
 * against this.
 *
 * Usage: node bare-proxy.js --port N --upstream http://127.0.0.1:P
 */
import http from 'node:http';
import { endToEndHeaders, proxyArguments } from './headers.js';

const { port, upstream } = proxyArguments(process.argv);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 2048 });

const server = http.createServer({ keepAliveTimeout: 65_000, noDelay: true }, (request, response) => {
  const upstreamRequest = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: request.method,
      path: request.url,
      headers: endToEndHeaders(request.headers),
      agent,
    },
    (upstreamResponse) => {
      response.writeHead(upstreamResponse.statusCode ?? 502, endToEndHeaders(upstreamResponse.headers));
      upstreamResponse.pipe(response);
    },
  );
  upstreamRequest.on('error', (error) => {
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: `upstream error: ${error.message}`, type: 'proxy_error' } }));
  });
  response.on('close', () => {
    if (!response.writableFinished) upstreamRequest.destroy();
  });
  request.pipe(upstreamRequest);
});
server.headersTimeout = 70_000;
server.listen({ host: '127.0.0.1', port, backlog: 4096 });
process.on('SIGTERM', () => process.exit(0));
