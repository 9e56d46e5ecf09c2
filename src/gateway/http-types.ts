import type { CancelSignal } from '../util/cancel-signal.js';

/**
 * The gateway's own request and response shapes: what both front doors (the Node HTTP server and
 * the fetch-style handler) hand in and take out. Lean on purpose: the hot path converts nothing it
 * does not need.
 */

export interface GatewayRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string without the leading `?` ('' when there is none). */
  query: string;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** Aborted when the client goes away. */
  signal: CancelSignal;
  /** The client's IP address; undefined for in-process calls. */
  remoteAddress?: string | undefined;
}

export type GatewayResponseBody = Buffer | AsyncIterable<Uint8Array> | null;

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: GatewayResponseBody;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): GatewayResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(value)) };
}
