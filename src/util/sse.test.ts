import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SseParser, type SseEvent } from './sse.js';

const STREAM = 'event: message_start\ndata: {"a":1}\n\n: a comment\ndata: line one\ndata: line two\n\nevent: ping\r\ndata: {}\r\n\r\ndata: é😀\n\ndata: [DONE]';
const EXPECTED: SseEvent[] = [
  { event: 'message_start', data: '{"a":1}' },
  { data: 'line one\nline two' },
  { event: 'ping', data: '{}' },
  { data: 'é😀' },
  { data: '[DONE]' },
];

function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b).concat(bytes.length)) {
    if (cut > start) pieces.push(bytes.subarray(start, cut));
    start = Math.max(start, cut);
  }
  return pieces;
}

describe('SseParser', () => {
  it('parses LF and CRLF framing, names, comments, multi-line data, UTF-8 split across reads and a last event without its blank line', () => {
    const bytes = Buffer.from(STREAM);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 }), (cuts) => {
        const parser = new SseParser();
        const events = cutAt(bytes, cuts).flatMap((piece) => parser.push(piece));
        assert.deepEqual([...events, ...parser.end()], EXPECTED);
      }),
    );
  });

  it('reads fed bytes one event at a time, and push returns what next() left, in order', () => {
    const bytes = Buffer.from(STREAM);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: bytes.length - 1 }), fc.nat(3), (cut, taken) => {
        const parser = new SseParser();
        parser.feed(bytes.subarray(0, cut));
        const first: SseEvent[] = [];
        for (let index = 0; index < taken; index += 1) {
          const event = parser.next();
          if (event === undefined) break;
          first.push(event);
        }
        const rest = parser.push(bytes.subarray(cut));
        assert.deepEqual([...first, ...rest, ...parser.end()], EXPECTED);
      }),
    );
  });
});
