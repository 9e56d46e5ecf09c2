/**
 * Deterministic randomness. Everything the emulator "decides" (reply text, tool arguments, ids,
 * fault dice) comes from here, seeded from the request, so a test run can be replayed exactly.
 */

/** 53-bit string hash (cyrb53): fast, well mixed, and stable across Node versions. */
export function hashString(text: string, seed = 0): number {
  let first = 0xdeadbeef ^ seed;
  let second = 0x41c6ce57 ^ seed;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    first = Math.imul(first ^ code, 2654435761);
    second = Math.imul(second ^ code, 1597334677);
  }
  first = Math.imul(first ^ (first >>> 16), 2246822507);
  first ^= Math.imul(second ^ (second >>> 13), 3266489909);
  second = Math.imul(second ^ (second >>> 16), 2246822507);
  second ^= Math.imul(first ^ (first >>> 13), 3266489909);
  return 4294967296 * (2097151 & second) + (first >>> 0);
}

/** A seed derived from several labelled parts, so unrelated streams of decisions never correlate. */
export function deriveSeed(...parts: ReadonlyArray<string | number>): number {
  return hashString(parts.map(String).join('\u0000'));
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A small seeded generator (mulberry32 over a 32-bit state folded from a 53-bit seed). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = (seed ^ Math.floor(seed / 4294967296)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [minimum, maximum], both inclusive. */
  integer(minimum: number, maximum: number): number {
    if (maximum <= minimum) return minimum;
    return minimum + Math.floor(this.next() * (maximum - minimum + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick() needs at least one item');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Letters and digits, as in provider ids (`call_…`, `chatcmpl-…`). */
  alphanumeric(length: number): string {
    let text = '';
    for (let index = 0; index < length; index++) text += ALPHANUMERIC[Math.floor(this.next() * ALPHANUMERIC.length)];
    return text;
  }

  hex(length: number): string {
    let text = '';
    for (let index = 0; index < length; index++) text += Math.floor(this.next() * 16).toString(16);
    return text;
  }

  /** A child generator whose sequence does not depend on how much of this one is consumed later. */
  fork(label: string | number): SeededRandom {
    return new SeededRandom(deriveSeed(this.state, label));
  }
}
