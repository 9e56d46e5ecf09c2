import type { GatewayRequest } from '../gateway/http-types.js';

/**
 * The credential a model call presents, wherever its SDK puts it: `Authorization: Bearer` (OpenAI,
 * Vercel AI SDK), `x-api-key` (Anthropic), `x-goog-api-key` or `?key=` (Gemini). Undefined when
 * there is none.
 */
export function presentedCredential(request: GatewayRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (bearer !== null) return bearer[1];
  }
  const header = request.headers['x-api-key'] ?? request.headers['x-goog-api-key'];
  if (header !== undefined && header.trim() !== '') return header.trim();
  if (request.query.includes('key=')) {
    const key = new URLSearchParams(request.query).get('key');
    if (key !== null && key !== '') return key;
  }
  return undefined;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. An unknown address (in-process calls) counts as local. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return true;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}
