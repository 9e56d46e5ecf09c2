/** Hop-by-hop header filtering shared by the two baseline proxies (RFC 9110 §7.6.1). */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

export function endToEndHeaders(headers: IncomingHttpHeaders, dropContentLength = false): OutgoingHttpHeaders {
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (dropContentLength && name === 'content-length') continue;
    result[name] = value;
  }
  return result;
}

/** `--port N --upstream http://127.0.0.1:P` from argv. */
export function proxyArguments(argv: string[]): { port: number; upstream: URL } {
  const portIndex = argv.indexOf('--port');
  const upstreamIndex = argv.indexOf('--upstream');
  const upstream = upstreamIndex >= 0 ? argv[upstreamIndex + 1] : undefined;
  if (upstream === undefined) throw new Error('--upstream http://127.0.0.1:PORT is required');
  return { port: portIndex >= 0 ? Number(argv[portIndex + 1] ?? 0) : 0, upstream: new URL(upstream) };
}
