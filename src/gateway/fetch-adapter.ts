import { GatewayError } from '../errors/catalogue.js';
import { CancelSignal } from '../util/cancel-signal.js';
import type { GatewayRequest, GatewayResponse } from './http-types.js';

/** A Web Request into the gateway's request shape, enforcing the body size limit while reading. */
export async function fetchToGatewayRequest(request: Request, bodyLimit: number): Promise<GatewayRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const declared = Number(headers['content-length'] ?? '0');
  if (declared > bodyLimit) throw tooLarge(bodyLimit);
  const chunks: Buffer[] = [];
  let size = 0;
  if (request.body !== null) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > bodyLimit) throw tooLarge(bodyLimit);
      chunks.push(Buffer.from(chunk));
    }
  }
  return { method: request.method, path: url.pathname, query: url.search.slice(1), headers, body: Buffer.concat(chunks), signal: CancelSignal.fromAbortSignal(request.signal) };
}

export function tooLarge(bodyLimit: number): GatewayError {
  return new GatewayError('body_too_large', `The request body exceeds the limit of ${bodyLimit} bytes (server.body_limit_bytes).`);
}

/** The gateway's response as a Web Response; a stream stays a stream. */
export function gatewayResponseToFetch(response: GatewayResponse): Response {
  const { body } = response;
  if (body === null || Buffer.isBuffer(body)) return new Response(body as Uint8Array<ArrayBuffer> | null, { status: response.status, headers: response.headers });
  const iterator = body[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(stream, { status: response.status, headers: response.headers });
}
