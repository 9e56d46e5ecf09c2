/**
 * The usage chunk of an OpenAI Chat stream (`"choices":[]` with a `usage` object, just before
 * `[DONE]`), adjusted for the caller:
 * - the gateway asks providers for usage even when the caller did not (metering needs it); such a
 *   caller must not see the extra chunk, nor the `"usage":null` the provider then adds to every chunk;
 * - a caller that asked for usage gets the request's cost in it (`usage.cost_usd`).
 * Every other byte passes unchanged; events are cut at their blank-line boundary, so a chunk split
 * across network reads is handled.
 */
import { appendToTopLevelObject } from '../util/json-field.js';

export interface ChatUsageOptions {
  /** The caller did not ask for usage: drop the usage chunk and the `"usage":null` fields. */
  hideUsage: boolean;
  /** The cost of the request as JSON number text (`0.001250`), given the usage object; undefined when unknown. */
  costFor?: (usage: Record<string, unknown>) => string | undefined;
}

const USAGE_NULL = /,"usage":null|"usage":null,/g;

export async function* adjustChatUsage(stream: AsyncIterable<Uint8Array>, options: ChatUsageOptions): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    const boundary = pending.lastIndexOf('\n\n');
    if (boundary === -1) continue;
    const complete = pending.slice(0, boundary + 2);
    pending = pending.slice(boundary + 2);
    const out = adjustEvents(complete, options);
    if (out !== '') yield Buffer.from(out);
  }
  pending += decoder.decode();
  if (pending !== '') yield Buffer.from(adjustEvents(pending, options));
}

/** Complete events (each ending in a blank line, except possibly the last). */
function adjustEvents(text: string, options: ChatUsageOptions): string {
  if (!text.includes('"usage"')) return text;
  let out = '';
  for (const event of text.split(/(?<=\n\n)/)) out += adjustEvent(event, options);
  return out;
}

function adjustEvent(event: string, options: ChatUsageOptions): string {
  if (!event.includes('"usage"')) return event;
  const isUsageChunk = event.includes('"choices":[]') && /"usage":\{/.test(event);
  if (!isUsageChunk) return options.hideUsage ? event.replace(USAGE_NULL, '') : event;
  if (options.hideUsage) return '';
  if (options.costFor === undefined) return event;
  const dataStart = event.indexOf('data:');
  if (dataStart === -1) return event;
  const dataEnd = event.indexOf('\n', dataStart);
  const data = Buffer.from(event.slice(dataStart + 5, dataEnd === -1 ? event.length : dataEnd));
  let usage: unknown;
  try {
    usage = (JSON.parse(data.toString('utf8')) as { usage?: unknown }).usage;
  } catch {
    return event;
  }
  if (typeof usage !== 'object' || usage === null) return event;
  const cost = options.costFor(usage as Record<string, unknown>);
  // Number text, so the six decimals survive; the rest of the chunk keeps its bytes.
  const rewritten = cost === undefined ? undefined : appendToTopLevelObject(data, 'usage', 'cost_usd', cost);
  if (rewritten === undefined) return event;
  return `${event.slice(0, dataStart + 5)}${rewritten.toString('utf8')}${dataEnd === -1 ? '' : event.slice(dataEnd)}`;
}
