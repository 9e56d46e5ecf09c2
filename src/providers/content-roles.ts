/**
 * The Gemini API reads a `contents[]` entry without `role` (or with an empty one) as a user turn;
 * Vertex AI refuses it with 400 "Please use a valid role: user, model."
 * https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Content
 * A Gemini client's body relayed to Vertex gets `"role":"user"` written into exactly those entries,
 * byte for byte everywhere else, and comes back as the same Buffer when every entry has a role.
 * The body is known to be valid JSON (it was parsed once to read it).
 */

import { skipJsonValue, skipString, skipWhitespace } from '../util/json-field.js';

const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const USER_ROLE = '"user"';

interface Edit {
  /** [start, end) of the bytes replaced; start === end for an insertion. */
  start: number;
  end: number;
  text: string;
}

export function withUserRoleDefaults(body: Buffer): Buffer {
  const contents = topLevelArray(body, 'contents');
  if (contents === undefined) return body;
  const edits: Edit[] = [];
  for (const element of arrayElements(body, contents)) {
    if (body[element] !== OPEN_BRACE) continue;
    const role = memberValue(body, element, 'role');
    if (role === undefined) {
      const empty = body[skipWhitespace(body, element + 1)] === CLOSE_BRACE;
      edits.push({ start: element + 1, end: element + 1, text: `"role":${USER_ROLE}${empty ? '' : ','}` });
    } else if (isUnsetRole(body.subarray(role[0], role[1]))) {
      edits.push({ start: role[0], end: role[1], text: USER_ROLE });
    }
  }
  if (edits.length === 0) return body;
  const pieces: Buffer[] = [];
  let cursor = 0;
  for (const edit of edits) {
    pieces.push(body.subarray(cursor, edit.start), Buffer.from(edit.text));
    cursor = edit.end;
  }
  pieces.push(body.subarray(cursor));
  return Buffer.concat(pieces);
}

/** `null` and `""` count as absent for the Gemini API, as for any protobuf JSON field. */
function isUnsetRole(value: Buffer): boolean {
  const text = value.toString('utf8');
  return text === 'null' || text === '""';
}

/** Offset of the `[` holding the value of a top-level key, when that value is an array. */
function topLevelArray(body: Buffer, key: string): number | undefined {
  const start = skipWhitespace(body, 0);
  if (body[start] !== OPEN_BRACE) return undefined;
  const value = memberValue(body, start, key);
  return value !== undefined && body[value[0]] === OPEN_BRACKET ? value[0] : undefined;
}

/** [start, end) of the value of `key` in the object starting at `open`; the last one when repeated, as JSON.parse reads it. */
function memberValue(body: Buffer, open: number, key: string): [number, number] | undefined {
  let found: [number, number] | undefined;
  let cursor = skipWhitespace(body, open + 1);
  while (cursor < body.length && body[cursor] === QUOTE) {
    const keyEnd = skipString(body, cursor);
    const name = JSON.parse(body.subarray(cursor, keyEnd).toString('utf8')) as string;
    cursor = skipWhitespace(body, keyEnd);
    if (body[cursor] !== COLON) return found;
    const valueStart = skipWhitespace(body, cursor + 1);
    const valueEnd = skipJsonValue(body, valueStart);
    if (name === key) found = [valueStart, valueEnd];
    cursor = skipWhitespace(body, valueEnd);
    if (body[cursor] !== COMMA) break;
    cursor = skipWhitespace(body, cursor + 1);
  }
  return found;
}

/** Offsets of the elements of the array starting at `open`. */
function arrayElements(body: Buffer, open: number): number[] {
  const elements: number[] = [];
  let cursor = skipWhitespace(body, open + 1);
  while (cursor < body.length && body[cursor] !== CLOSE_BRACKET) {
    elements.push(cursor);
    cursor = skipWhitespace(body, skipJsonValue(body, cursor));
    if (body[cursor] !== COMMA) break;
    cursor = skipWhitespace(body, cursor + 1);
  }
  return elements;
}
