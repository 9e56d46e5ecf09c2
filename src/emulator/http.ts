/**
 * Small HTTP helpers over node:http: read a bounded body, send a reply, and write stream chunks
 * honouring backpressure (wait for `drain`) and client disconnects (stop at once).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Large enough for base64 images, small enough that a runaway client cannot exhaust memory. */
export const MAXIMUM_BODY_BYTES = 64 * 1024 * 1024;

export async function readBody(request: IncomingMessage, limit: number = MAXIMUM_BODY_BYTES): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return 'too-large';
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendReply(response: ServerResponse, reply: HttpReply): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(reply.status, { 'content-length': String(Buffer.byteLength(reply.body)), ...reply.headers });
  response.end(reply.body);
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): HttpReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * Write one chunk; resolves true once the socket can take more, false if the client went away.
 * Waiting on `drain` is what keeps a slow reader from making us buffer the whole stream.
 */
export function writeChunk(response: ServerResponse, text: string, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted || response.destroyed) return Promise.resolve(false);
  if (response.write(text)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (result: boolean) => (): void => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      signal.removeEventListener('abort', onClose);
      resolve(result);
    };
    const onDrain = done(true);
    const onClose = done(false);
    response.once('drain', onDrain);
    response.once('close', onClose);
    signal.addEventListener('abort', onClose, { once: true });
  });
}
