import type { CanonicalResponse, ProtocolName, StreamPart } from '../canonical/types.js';
import type { CancelSignal } from '../util/cancel-signal.js';
import { GatewayError, type RenderableError } from '../errors/catalogue.js';
import type { EncodeContext } from '../protocols/codec.js';
import { CODECS } from '../protocols/registry.js';
import type { UpstreamClient, UpstreamResponse } from '../providers/upstream-client.js';
import type { GatewayResponse } from './http-types.js';
import type { PartObserver, StreamOutcome } from './relay.js';
import type { StartedStream } from './stream-start.js';


/**
 * Translation across protocols, always through the canonical model: caller's protocol → canonical →
 * provider's protocol on the way out, and back on the way in. Each step is one codec call.
 */

export function translateResponse(from: ProtocolName, to: ProtocolName, body: Buffer, context: EncodeContext, onDecoded?: (response: CanonicalResponse) => void): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new GatewayError('upstream_bad_response', 'The provider answered 200 with a body that is not JSON.');
  }
  const canonical = CODECS[to].decodeResponse(parsed);
  onDecoded?.(canonical);
  return Buffer.from(JSON.stringify(CODECS[from].encodeResponse(canonical, context)));
}

/** A provider's error in the caller's dialect: status, body and Retry-After. */
export function translateError(
  from: ProtocolName,
  to: ProtocolName,
  status: number,
  body: Buffer,
  upstreamHeaders: Record<string, string | string[] | undefined>,
  requestId: string,
  headers: Record<string, string>,
): GatewayResponse {
  const flatHeaders: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(upstreamHeaders)) flatHeaders[name] = Array.isArray(value) ? value[0] : value;
  const info = CODECS[to].decodeError(status, body.toString('utf8'), flatHeaders);
  const renderable: RenderableError = { status: info.status, kind: info.kind, message: info.message };
  if (info.providerCode !== undefined) renderable.code = info.providerCode;
  if (info.param !== undefined) renderable.param = info.param;
  if (info.retryAfter !== undefined) renderable.retryAfter = info.retryAfter;
  const encoded = CODECS[from].encodeError(renderable, requestId);
  return { status: encoded.status, headers: { ...headers, ...encoded.headers, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(encoded.body)) };
}

/**
 * The wire bytes that end a client's stream with an error, in its protocol. In a relayed stream the
 * provider already opened the response: a Responses client must get only the `error` event, numbered
 * after the provider's last event (a fresh `response.created` would change the response's identity).
 */
export function renderStreamError(protocol: ProtocolName, error: Error, context: EncodeContext, lastChunk?: Uint8Array): Uint8Array {
  const encoder = CODECS[protocol].createStreamEncoder(context);
  const text = encoder.encode(errorPart(error));
  if (protocol !== 'openai-responses' || lastChunk === undefined) return Buffer.from(text);
  const frame = text.split('\n\n').find((candidate) => candidate.startsWith('event: error\n'));
  if (frame === undefined) return Buffer.from(text);
  const data = JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as Record<string, unknown>;
  const numbers = [...Buffer.from(lastChunk).toString('utf8').matchAll(/"sequence_number":\s*(\d+)/g)];
  const last = numbers.length === 0 ? undefined : Number(numbers[numbers.length - 1]![1]);
  if (last !== undefined) data.sequence_number = last + 1;
  return Buffer.from(`event: error\ndata: ${JSON.stringify(data)}\n\n`);
}

function asGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError ? error : new GatewayError('upstream_bad_response', `The provider's stream could not be read: ${(error as Error).message}`);
}

function errorPart(error: Error): StreamPart {
  const gatewayError = asGatewayError(error);
  return { type: 'error', error: { status: gatewayError.status, kind: gatewayError.kind, message: gatewayError.message, code: gatewayError.code } };
}

export interface TranslateHooks {
  onFirstChunk(): void;
  onEnd(outcome: StreamOutcome, error?: Error): void;
}

/**
 * A provider stream decoded into canonical parts and re-encoded in the caller's protocol, chunk by
 * chunk: first the parts held back until the first content, then the rest as it arrives.
 */
export async function* translateStream(
  from: ProtocolName,
  started: StartedStream,
  upstream: UpstreamResponse,
  client: UpstreamClient,
  signal: CancelSignal,
  context: EncodeContext,
  hooks: TranslateHooks,
  tally?: PartObserver,
): AsyncGenerator<Uint8Array> {
  const { parser, decoder } = started;
  const encoder = CODECS[from].createStreamEncoder(context);
  const encode = (part: StreamPart): string => {
    tally?.observe(part);
    return encoder.encode(part);
  };
  let outcome: StreamOutcome = 'client_closed';
  let failure: Error | undefined;
  try {
    hooks.onFirstChunk();
    let out = '';
    for (const part of started.heldParts) out += encode(part);
    started.heldParts.length = 0;
    // The rest of the chunks read so far, left unparsed after the first content: sent now, not with the next read.
    for (let event = parser.next(); event !== undefined; event = parser.next()) for (const part of decoder.push(event)) out += encode(part);
    if (out !== '') yield Buffer.from(out);
    if (!started.ended) {
      for (;;) {
        const next = await started.iterator.next();
        if (next.done === true) break;
        out = '';
        for (const event of parser.push(next.value)) for (const part of decoder.push(event)) out += encode(part);
        if (out !== '') yield Buffer.from(out);
      }
      out = '';
      for (const event of parser.end()) for (const part of decoder.push(event)) out += encode(part);
    } else {
      out = '';
    }
    for (const part of decoder.end()) out += encode(part);
    out += encoder.end();
    outcome = 'completed';
    if (out !== '') yield Buffer.from(out);
  } catch (error) {
    if (!signal.aborted) {
      outcome = 'upstream_failed';
      // Transport failures carry a code (ECONNRESET, UND_ERR_BODY_TIMEOUT); anything else is a
      // provider stream the codec could not make sense of.
      failure = error instanceof GatewayError || typeof (error as { code?: unknown }).code !== 'string' ? asGatewayError(error) : client.classify(error);
      yield Buffer.from(encoder.encode(errorPart(failure)) + encoder.end());
    }
  } finally {
    upstream.finish();
    if (outcome !== 'completed') upstream.body.destroy();
    hooks.onEnd(outcome, failure);
  }
}
