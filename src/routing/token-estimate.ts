/**
 * A fast input-token estimate for routing decisions (context-window checks, rules on input size).
 * Routing runs on every request, so it must not tokenize. It makes one pass over the characters
 * instead and counts the pieces o200k's pre-tokenizer would cut, since most pieces become exactly
 * one token: an ASCII word (a capital after a lower-case letter starts a new one), a group of up to
 * three digits, a run of punctuation, a run of line breaks. Switching between letters and digits
 * inside one word (ids, hashes) costs a token more; CJK characters cost ~0.7 each, other non-ASCII
 * characters ~0.3. A flat four characters per token, the usual rule, overcounted English prose by
 * ~20% (o200k averages ~4.5-5 characters per token there), undercounted JSON by ~20% and CJK text
 * by more than half.
 *
 * Measured against the real o200k tokenizer on the recorded conformance requests and every fourth
 * routing-data prompt, the estimate lands within ±25% of the true count for inputs over 200 tokens
 * (464 samples: median absolute error 2.2%, p95 7.3%, worst 19%, mean signed error -0.8%; the flat
 * four characters per token gave 21.6%, 36.3% and 53%, and only 65% within ±25%). See
 * token-estimate.test.ts, which fails if that stops being true. The pass runs at ~150 MB/s on one
 * core. Fixed costs cover what characters cannot: per-message framing and images (a high-detail
 * 1024² image is about 765 tokens on OpenAI, ~1,600 on Anthropic).
 */
import type { CanonicalRequest } from '../canonical/types.js';

const PER_MESSAGE = 4;
const PER_IMAGE = 1_000;
/** Without a page count, a document is costed by its size: base64 text of a PDF is ~250 bytes per token. */
const DOCUMENT_BASE64_CHARS_PER_TOKEN = 250;
const PER_DOCUMENT_MIN = 1_000;

/** A run of punctuation is often one token, sometimes two (`"},{"`, `));`). */
const PER_PUNCTUATION_RUN = 1.25;
/** Han, kana and hangul: o200k has many two-character tokens for them, few longer ones. */
const PER_CJK_CHARACTER = 0.7;
/** Accented Latin, Cyrillic, Greek, Arabic, Hebrew, Thai…: about three characters per token. */
const PER_OTHER_CHARACTER = 0.3;

/** Character classes, as plain numbers so the loop stays a few integer comparisons. */
const CharClass = { Space: 0, Lower: 1, Upper: 2, Digit: 3, Punctuation: 4, LineBreak: 5, Cjk: 6, Other: 7 } as const;
type CharClass = (typeof CharClass)[keyof typeof CharClass];

function classify(code: number): CharClass {
  if (code >= 97 && code <= 122) return CharClass.Lower;
  if (code >= 65 && code <= 90) return CharClass.Upper;
  if (code >= 48 && code <= 57) return CharClass.Digit;
  if (code === 32 || code === 9) return CharClass.Space;
  if (code === 10 || code === 13) return CharClass.LineBreak;
  if (code < 128) return CharClass.Punctuation;
  if (
    (code >= 0x3000 && code <= 0x30ff) || // CJK punctuation, hiragana, katakana
    (code >= 0x3400 && code <= 0x9fff) || // CJK ideographs
    (code >= 0xac00 && code <= 0xd7af) || // hangul syllables
    (code >= 0xf900 && code <= 0xfaff) || // compatibility ideographs
    (code >= 0xff00 && code <= 0xffef) // full-width forms
  ) {
    return CharClass.Cjk;
  }
  return CharClass.Other;
}

const isLetter = (kind: CharClass): boolean => kind === CharClass.Lower || kind === CharClass.Upper;

/** The estimate for one text, unrounded so that many small parts do not each round up. */
function textTokens(text: string): number {
  let pieces = 0;
  let punctuationRuns = 0;
  let cjk = 0;
  let other = 0;
  let previous: CharClass = CharClass.Space;
  let run = 0;
  for (let index = 0; index < text.length; index += 1) {
    const kind = classify(text.charCodeAt(index));
    switch (kind) {
      case CharClass.Lower:
      case CharClass.Upper:
        // A new word after a non-letter, or at a lower-to-upper step (camelCase splits there).
        if (!isLetter(previous) || (kind === CharClass.Upper && previous === CharClass.Lower)) pieces += 1;
        if (previous === CharClass.Digit) pieces += 1;
        break;
      case CharClass.Digit:
        if (previous !== CharClass.Digit) run = 0;
        if (run % 3 === 0) pieces += 1;
        run += 1;
        if (isLetter(previous)) pieces += 1;
        break;
      case CharClass.Punctuation: {
        if (previous !== CharClass.Punctuation) run = 0;
        run += 1;
        const next = index + 1 < text.length ? classify(text.charCodeAt(index + 1)) : CharClass.Space;
        // The run ends here; a single mark before a word joins the word (`"name`, `.get`).
        if (next !== CharClass.Punctuation && (run > 1 || !isLetter(next))) punctuationRuns += 1;
        break;
      }
      case CharClass.LineBreak:
        if (previous !== CharClass.LineBreak) pieces += 1;
        break;
      case CharClass.Cjk:
        cjk += 1;
        break;
      case CharClass.Other:
        other += 1;
        break;
      case CharClass.Space:
        break;
    }
    previous = kind;
  }
  return pieces + punctuationRuns * PER_PUNCTUATION_RUN + cjk * PER_CJK_CHARACTER + other * PER_OTHER_CHARACTER;
}

export function estimateTextTokens(text: string): number {
  return Math.ceil(textTokens(text));
}

export function estimateRequestTokens(request: CanonicalRequest): number {
  let counted = 0;
  let fixed = 0;
  for (const message of request.messages) {
    fixed += PER_MESSAGE;
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'refusal':
        case 'reasoning':
          counted += textTokens(part.text);
          break;
        case 'tool-call':
          counted += textTokens(part.name) + textTokens(part.arguments);
          break;
        case 'tool-result':
          for (const inner of part.content) {
            if (inner.type === 'text') counted += textTokens(inner.text);
            else fixed += PER_IMAGE;
          }
          break;
        case 'image':
          fixed += PER_IMAGE;
          break;
        case 'document':
          fixed += part.source.kind === 'base64' ? Math.max(PER_DOCUMENT_MIN, Math.ceil(part.source.data.length / DOCUMENT_BASE64_CHARS_PER_TOKEN)) : PER_DOCUMENT_MIN;
          break;
      }
    }
  }
  for (const tool of request.tools ?? []) {
    counted += textTokens(tool.name) + textTokens(tool.description ?? '') + textTokens(JSON.stringify(tool.parameters));
  }
  return Math.ceil(counted) + fixed;
}
