import { GatewayError } from '../errors/catalogue.js';

/** Parse a request body that must be one JSON object; the error says where parsing failed. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw new GatewayError('invalid_json', 'The request body is empty: send a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new GatewayError('invalid_json', `The request body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayError('invalid_json', `The request body must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}.`);
  }
  return value as Record<string, unknown>;
}

/** Read a whole body into memory, refusing more than `limit` bytes. */
export async function readAll(body: AsyncIterable<Uint8Array>, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) break;
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
