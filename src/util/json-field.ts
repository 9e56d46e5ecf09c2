/**
 * Byte-level edits of a JSON object body, so that a forwarded body keeps every byte the gateway does
 * not mean to change (number precision, key order, spacing, fields it does not know).
 * The body must already be known to be valid JSON (it was parsed once to read it).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;

/** [start, end) of the string token (quotes included) that is the value of a top-level key. */
export function findTopLevelStringValue(body: Uint8Array, key: string): [number, number] | undefined {
  const keyBytes = Buffer.from(JSON.stringify(key));
  let depth = 0;
  let index = 0;
  const length = body.length;
  while (index < length) {
    const byte = body[index]!;
    if (byte === QUOTE) {
      const end = skipString(body, index);
      if (depth === 1 && end - index === keyBytes.length && keyBytes.equals(body.subarray(index, end))) {
        let cursor = skipWhitespace(body, end);
        if (body[cursor] === COLON) {
          cursor = skipWhitespace(body, cursor + 1);
          if (body[cursor] === QUOTE) return [cursor, skipString(body, cursor)];
        }
      }
      index = end;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth += 1;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth -= 1;
    index += 1;
  }
  return undefined;
}

/** The body with the string value of a top-level key replaced (the key must hold a string). */
export function replaceTopLevelString(body: Buffer, key: string, value: string): Buffer {
  const span = findTopLevelStringValue(body, key);
  if (span === undefined) throw new Error(`no top-level string "${key}" in the body`);
  return Buffer.concat([body.subarray(0, span[0]), Buffer.from(JSON.stringify(value)), body.subarray(span[1])]);
}

/** Index just past the closing quote of the string starting at `start`. */
export function skipString(body: Uint8Array, start: number): number {
  let index = start + 1;
  while (index < body.length) {
    const byte = body[index]!;
    if (byte === BACKSLASH) index += 2;
    else if (byte === QUOTE) return index + 1;
    else index += 1;
  }
  return index;
}

export function skipWhitespace(body: Uint8Array, start: number): number {
  let index = start;
  while (index < body.length) {
    const byte = body[index]!;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    index += 1;
  }
  return index;
}

/** [start, end) of the object (braces included) that is the value of a top-level key. */
export function findTopLevelObjectValue(body: Uint8Array, key: string): [number, number] | undefined {
  const keyBytes = Buffer.from(JSON.stringify(key));
  let depth = 0;
  let index = 0;
  while (index < body.length) {
    const byte = body[index]!;
    if (byte === QUOTE) {
      const end = skipString(body, index);
      if (depth === 1 && end - index === keyBytes.length && keyBytes.equals(body.subarray(index, end))) {
        let cursor = skipWhitespace(body, end);
        if (body[cursor] === COLON) {
          cursor = skipWhitespace(body, cursor + 1);
          if (body[cursor] === OPEN_BRACE) return [cursor, skipJsonValue(body, cursor)];
        }
      }
      index = end;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth += 1;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth -= 1;
    index += 1;
  }
  return undefined;
}

/**
 * The body with `"field":rawValue` appended inside the object held by a top-level key (`rawValue` is
 * JSON text). Undefined when the key does not hold an object.
 */
export function appendToTopLevelObject(body: Buffer, key: string, field: string, rawValue: string): Buffer | undefined {
  const span = findTopLevelObjectValue(body, key);
  if (span === undefined) return undefined;
  const close = span[1] - 1;
  const empty = skipWhitespace(body, span[0] + 1) === close;
  return Buffer.concat([body.subarray(0, close), Buffer.from(`${empty ? '' : ','}${JSON.stringify(field)}:${rawValue}`), body.subarray(close)]);
}

/** The body with `"key":rawValue` added as the first member of the top-level object. */
export function prependTopLevelField(body: Buffer, key: string, rawValue: string): Buffer {
  const open = skipWhitespace(body, 0);
  if (body[open] !== OPEN_BRACE) throw new Error('the body is not a JSON object');
  const empty = body[skipWhitespace(body, open + 1)] === CLOSE_BRACE;
  return Buffer.concat([body.subarray(0, open + 1), Buffer.from(`${JSON.stringify(key)}:${rawValue}${empty ? '' : ','}`), body.subarray(open + 1)]);
}

/** Index just past the JSON value (string, number, literal, object or array) starting at `start`. */
export function skipJsonValue(body: Uint8Array, start: number): number {
  const first = body[start];
  if (first === QUOTE) return skipString(body, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let index = start;
    while (index < body.length && !isDelimiter(body[index]!)) index += 1;
    return index;
  }
  let depth = 0;
  let index = start;
  while (index < body.length) {
    const byte = body[index]!;
    if (byte === QUOTE) {
      index = skipString(body, index);
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth += 1;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
    index += 1;
  }
  return index;
}

function isDelimiter(byte: number): boolean {
  return byte === 0x2c || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
