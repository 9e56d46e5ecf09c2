/**
 * An OpenAI Chat stream, metered and adjusted from its bytes on the way to the client. Decoding every
 * chunk into canonical parts just to learn the usage cost more than relaying it, so this reads what
 * metering needs straight from each SSE event:
 * - the usage object (the chunk with `"choices":[]` just before `[DONE]`, or any chunk that carries
 *   one; the latest wins), parsed alone;
 * - the tool calls started (events that mention `tool_calls` are parsed; they are few);
 * - the length of generated text, for an estimate when the stream ends without usage.
 * It also adjusts the usage for the caller:
 * - the gateway asks providers for usage even when the caller did not (metering needs it); such a
 *   caller must not see the extra chunk, nor the `"usage":null` the provider then adds to every chunk;
 * - a caller that asked for usage gets the request's cost in it (`usage.cost_usd`).
 * Every other byte passes unchanged, and a network read made of whole events that need no change is
 * forwarded as the same buffer. Events are cut at their blank line, so one split across reads is handled.
 */
import { emptyUsage, type CanonicalUsage } from '../canonical/types.js';
import { decodeChatUsage } from '../protocols/openai-chat/usage.js';
import { appendToTopLevelObject, findTopLevelObjectValue } from '../util/json-field.js';
import { SseParser } from '../util/sse.js';
import type { StreamUsage } from '../metering/usage-tally.js';

export interface ChatStreamOptions {
  /** The caller did not ask for usage: drop the usage chunk and the `"usage":null` fields. */
  hideUsage: boolean;
  /** The cost of the request as JSON number text (`0.001250`), given the usage object; undefined when unknown. */
  costFor?: ((usage: Record<string, unknown>) => string | undefined) | undefined;
}

/** Rewrites a relayed stream chunk by chunk; `end` returns what was held back when the body ends. */
export interface ChunkShaper {
  push(chunk: Uint8Array): Uint8Array | undefined;
  end(): Uint8Array | undefined;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CHARS_PER_TOKEN = 4;
const CHOICES_EMPTY = /"choices"\s*:\s*\[\s*\]/;
const DATA_FIELD = Buffer.from('data:');
/**
 * The members an event is scanned for (text keys hold generated text). One compiled pattern finds
 * them all in a single pass over a chunk. A key cannot match inside a JSON string, where its quotes
 * would be escaped.
 */
const KEYS = /"(content|reasoning_content|refusal|tool_calls|usage)"[ \t\r\n]*:[ \t\r\n]*/g;

export class ChatStreamUsage implements ChunkShaper, StreamUsage {
  private pending: Buffer | undefined;
  private reported: CanonicalUsage | undefined;
  private generatedChars = 0;
  private readonly toolCallKeys = new Set<string>();

  constructor(private readonly options: ChatStreamOptions) {}

  get toolCalls(): number {
    return this.toolCallKeys.size;
  }

  push(chunk: Uint8Array): Uint8Array | undefined {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buffer = this.pending === undefined ? bytes : Buffer.concat([this.pending, bytes]);
    // Searched as latin1 text: one character per byte, so offsets are byte offsets, and V8's string
    // search is far cheaper than a native Buffer.indexOf call per key and event.
    const scanner = new EventScanner(buffer.toString('latin1'));
    const { text } = scanner;
    let start = 0;
    // The output as latin1 text once an event changed (string slices are cheap; one write at the end).
    let changed: string | undefined;
    for (;;) {
      const end = scanner.eventEnd(start);
      if (end === -1) break;
      const replacement = this.event(buffer, scanner, start, end);
      if (replacement !== undefined) changed = (changed ?? text.slice(0, start)) + replacement;
      else if (changed !== undefined) changed += text.slice(start, end);
      start = end;
    }
    this.pending = start === buffer.length ? undefined : buffer.subarray(start);
    if (start === 0) return undefined;
    const out = changed === undefined ? (start === buffer.length && buffer === bytes ? chunk : buffer.subarray(0, start)) : Buffer.from(changed, 'latin1');
    return out.length === 0 ? undefined : out;
  }

  end(): Uint8Array | undefined {
    const rest = this.pending;
    this.pending = undefined;
    if (rest === undefined) return undefined;
    const replacement = this.event(rest, new EventScanner(rest.toString('latin1')), 0, rest.length);
    const out = replacement === undefined ? rest : Buffer.from(replacement, 'latin1');
    return out.length === 0 ? undefined : out;
  }

  result(estimatedInputTokens: number): { usage: CanonicalUsage; estimated: boolean } {
    if (this.reported !== undefined) return { usage: this.reported, estimated: false };
    return { usage: { ...emptyUsage(), inputTokens: estimatedInputTokens, outputTokens: Math.ceil(this.generatedChars / CHARS_PER_TOKEN) }, estimated: true };
  }

  /** Reads the whole event [start, end) of `buffer`; returns the latin1 text that replaces it, or undefined to forward it as it is. */
  private event(buffer: Buffer, scanner: EventScanner, start: number, end: number): string | undefined {
    const found = scanner.scan(start, end);
    this.generatedChars += found.textChars;
    if (found.toolCalls) this.countToolCalls(buffer.subarray(start, end));
    if (found.usageKey === -1) return undefined;
    if (buffer[found.usageValue] === OPEN_BRACE) {
      return this.usageEvent(buffer.subarray(start, end))?.toString('latin1');
    }
    if (this.options.hideUsage && scanner.text.startsWith('null', found.usageValue)) {
      const [cutFrom, cutTo] = scanner.memberSpan(found.usageKey, found.usageValue + 4);
      return scanner.text.slice(start, cutFrom) + scanner.text.slice(cutTo, end);
    }
    return undefined;
  }

  /** An event with a usage object: record it, then hide it or add the cost. */
  private usageEvent(event: Buffer): Buffer | undefined {
    const data = dataOf(event);
    if (data === undefined) return undefined;
    const span = findTopLevelObjectValue(data.bytes, 'usage');
    if (span === undefined) return undefined;
    let usage: Record<string, unknown>;
    try {
      usage = JSON.parse(data.bytes.subarray(span[0], span[1]).toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    this.reported = decodeChatUsage(usage);
    // Only the usage chunk itself is hidden; a provider that puts usage on a content chunk keeps it there.
    const usageChunk = CHOICES_EMPTY.test(data.bytes.toString('latin1'));
    if (!usageChunk || data.multiLine) return undefined;
    if (this.options.hideUsage) return Buffer.alloc(0);
    const cost = this.options.costFor?.(usage);
    // Number text, so the six decimals survive; the rest of the chunk keeps its bytes.
    const rewritten = cost === undefined ? undefined : appendToTopLevelObject(data.bytes, 'usage', 'cost_usd', cost);
    if (rewritten === undefined) return undefined;
    return Buffer.concat([event.subarray(0, data.start), rewritten, event.subarray(data.end)]);
  }

  /** Tool calls are told apart by choice and index, as the deltas of one call share them. */
  private countToolCalls(event: Buffer): void {
    const data = dataOf(event);
    if (data === undefined) return;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data.bytes.toString('utf8'));
    } catch {
      return;
    }
    const choices = (chunk as { choices?: unknown }).choices;
    if (!Array.isArray(choices)) return;
    for (const choice of choices as Array<{ index?: unknown; delta?: { tool_calls?: unknown } }>) {
      const calls = choice?.delta?.tool_calls;
      if (!Array.isArray(calls)) continue;
      calls.forEach((call: { index?: unknown; function?: { arguments?: unknown } }, position) => {
        this.toolCallKeys.add(`${String(choice.index ?? 0)}:${String(call?.index ?? position)}`);
        const args = call?.function?.arguments;
        if (typeof args === 'string') this.generatedChars += args.length;
      });
    }
  }
}

/** Relay `stream` through a shaper (for streams not relayed by relayStream, e.g. translated ones). */
export async function* shapeStream(stream: AsyncIterable<Uint8Array>, shaper: ChunkShaper): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    const out = shaper.push(chunk);
    if (out !== undefined) yield out;
  }
  const rest = shaper.end();
  if (rest !== undefined) yield rest;
}

/**
 * The JSON of an event's data: the bytes of its one `data:` line, or, for an event split over
 * several data lines, their joined text (read only, never rewritten).
 */
function dataOf(event: Buffer): { bytes: Buffer; start: number; end: number; multiLine: boolean } | undefined {
  let line = 0;
  let found: { start: number; end: number } | undefined;
  while (line < event.length) {
    let lineEnd = event.indexOf(LF, line);
    if (lineEnd === -1) lineEnd = event.length;
    if (sameBytes(event, line, DATA_FIELD)) {
      if (found !== undefined) {
        const parser = new SseParser();
        const [parsed] = [...parser.push(event), ...parser.end()];
        return parsed === undefined ? undefined : { bytes: Buffer.from(parsed.data), start: 0, end: event.length, multiLine: true };
      }
      let start = line + 5;
      if (event[start] === 0x20) start += 1;
      const end = lineEnd > start && event[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      found = { start, end };
    }
    line = lineEnd + 1;
  }
  return found === undefined ? undefined : { bytes: event.subarray(found.start, found.end), start: found.start, end: found.end, multiLine: false };
}

/** Finds events and keys in a chunk's latin1 text; the keys in one forward pass over the chunk. */
class EventScanner {
  /** The next key found at or after where the last scan looked; undefined before the first search. */
  private match: RegExpExecArray | null | undefined;

  constructor(readonly text: string) {}

  /** Index just past the blank line that ends the event starting at `start`; -1 when it is incomplete. */
  eventEnd(start: number): number {
    const { text } = this;
    let index = start;
    for (;;) {
      const newline = text.indexOf('\n', index);
      if (newline === -1 || newline + 1 === text.length) return -1;
      const next = text.charCodeAt(newline + 1);
      if (next === LF) return newline + 2;
      if (next === CR && text.charCodeAt(newline + 2) === LF) return newline + 3;
      index = newline + 1;
    }
  }

  /**
   * In the event [start, end): the bytes of generated text (escapes counted as written), whether it
   * mentions tool calls, and where the first usage member's key and value start (`usageKey` -1: none).
   */
  scan(start: number, end: number): { textChars: number; toolCalls: boolean; usageKey: number; usageValue: number } {
    const found = { textChars: 0, toolCalls: false, usageKey: -1, usageValue: -1 };
    let from = start;
    for (;;) {
      const match = this.nextKey(from);
      if (match === null || match.index >= end) return found;
      const value = match.index + match[0].length;
      from = value;
      const key = match[1];
      if (key === 'usage') {
        if (found.usageKey === -1) {
          found.usageKey = match.index;
          found.usageValue = value;
        }
      } else if (key === 'tool_calls') {
        found.toolCalls = true;
      } else if (this.text.charCodeAt(value) === QUOTE) {
        const close = this.stringEnd(value);
        found.textChars += close - value - 1;
        from = close + 1;
      }
    }
  }

  /** The member starting at `keyStart` and ending at `valueEnd`, with one comma beside it: [from, to). */
  memberSpan(keyStart: number, valueEnd: number): [number, number] {
    let before = keyStart;
    while (before > 0 && isSpace(this.text.charCodeAt(before - 1))) before -= 1;
    if (this.text.charCodeAt(before - 1) === COMMA) return [before - 1, valueEnd];
    let after = valueEnd;
    while (isSpace(this.text.charCodeAt(after))) after += 1;
    return this.text.charCodeAt(after) === COMMA ? [keyStart, after + 1] : [keyStart, valueEnd];
  }

  private nextKey(from: number): RegExpExecArray | null {
    if (this.match === undefined || (this.match !== null && this.match.index < from)) {
      KEYS.lastIndex = from;
      this.match = KEYS.exec(this.text);
    }
    return this.match;
  }

  /** Index of the quote closing the string that opens at `open`. */
  private stringEnd(open: number): number {
    let index = open;
    for (;;) {
      index = this.text.indexOf('"', index + 1);
      if (index === -1) return this.text.length;
      let backslashes = 0;
      while (this.text.charCodeAt(index - 1 - backslashes) === BACKSLASH) backslashes += 1;
      if (backslashes % 2 === 0) return index;
    }
  }
}

function sameBytes(event: Buffer, at: number, key: Buffer): boolean {
  for (let offset = 0; offset < key.length; offset += 1) if (event[at + offset] !== key[offset]) return false;
  return true;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === LF || code === CR;
}
