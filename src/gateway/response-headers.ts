/** Headers that describe one hop and must not be forwarded (RFC 9110 §7.6.1), plus ones the gateway sets itself. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'content-encoding',
  'date',
  'server',
  'set-cookie',
  'alt-svc',
  'x-request-id',
]);

/** The provider's response headers a client may see (rate-limit and processing headers included). */
export function forwardableHeaders(upstream: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const providerRequestId = upstream['x-request-id'];
  if (typeof providerRequestId === 'string') headers['x-upstream-request-id'] = providerRequestId;
  return headers;
}
