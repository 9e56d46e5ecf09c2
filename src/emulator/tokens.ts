/**
 * Token arithmetic with the o200k_base encoding (GPT-4o / GPT-5 family). The emulator counts every
 * model's tokens with it: exact for OpenAI models, a realistic stand-in for the others.
 */
import { decode, encode } from 'gpt-tokenizer/encoding/o200k_base';

/** Special-token text in user content is ordinary text to a chat API, never a control token. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Fixed costs, documented in README.md. OpenAI's cookbook counts 3 tokens of framing per message
 * and 3 to prime the reply; an image is 85 tokens at `detail: "low"` and 85 + 170 per 512px tile
 * otherwise; we assume a 1024×1024 picture (4 tiles after resizing), so 765 tokens.
 */
export const MESSAGE_OVERHEAD_TOKENS = 3;
export const REPLY_PRIMING_TOKENS = 3;
export const IMAGE_TOKENS_LOW_DETAIL = 85;
export const IMAGE_TOKENS_DEFAULT = 85 + 170 * 4;
/** Framing of one tool call in the output (name, call wrapper), on top of its argument tokens. */
export const TOOL_CALL_OVERHEAD_TOKENS = 7;

export function encodeText(text: string): number[] {
  return encode(text, PLAIN_TEXT);
}

export function countTokens(text: string): number {
  return text.length === 0 ? 0 : encodeText(text).length;
}

/** A run of tokens that decodes to whole characters: the unit a stream delta carries. */
export interface TokenPiece {
  text: string;
  tokenCount: number;
  tokenIds: number[];
}

/**
 * Split text into token-sized pieces whose concatenation is exactly the text. A token that ends in
 * the middle of a multi-byte character is joined with the next one, so no piece holds U+FFFD.
 */
export function splitIntoTokenPieces(text: string): TokenPiece[] {
  const pieces: TokenPiece[] = [];
  let pending: number[] = [];
  for (const token of encodeText(text)) {
    pending.push(token);
    const decoded = decode(pending);
    if (decoded.endsWith('\uFFFD') && pending.length < 4) continue;
    pieces.push({ text: decoded, tokenCount: pending.length, tokenIds: pending });
    pending = [];
  }
  if (pending.length > 0) pieces.push({ text: decode(pending), tokenCount: pending.length, tokenIds: pending });
  // Guard against any decode/encode asymmetry: the pieces must always rebuild the text exactly.
  if (pieces.map((piece) => piece.text).join('') !== text) {
    return [{ text, tokenCount: countTokens(text), tokenIds: encodeText(text) }];
  }
  return pieces;
}

/** The longest prefix of `text` made of at most `maximum` whole token pieces. */
export function truncateToTokens(text: string, maximum: number): string {
  if (maximum <= 0) return '';
  let taken = 0;
  let result = '';
  for (const piece of splitIntoTokenPieces(text)) {
    if (taken + piece.tokenCount > maximum) break;
    taken += piece.tokenCount;
    result += piece.text;
  }
  return result;
}

export function decodeTokens(tokens: readonly number[]): string {
  return decode(tokens);
}
