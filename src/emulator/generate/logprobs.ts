/**
 * Plausible log-probabilities for generated tokens: the chosen token is usually confident, and
 * alternatives are real vocabulary tokens (neighbours of the chosen id) with lower, decreasing
 * probabilities that never sum past 1.
 */
import type { SeededRandom } from '../random.js';
import type { TokenLogprob } from '../types.js';
import { decodeTokens, type TokenPiece } from '../tokens.js';

const ENCODER = new TextEncoder();

export function logprobsFor(pieces: readonly TokenPiece[], top: number, random: SeededRandom): TokenLogprob[] {
  return pieces.map((piece) => {
    const probability = random.chance(0.8) ? 0.75 + random.next() * 0.25 : 0.3 + random.next() * 0.45;
    const logprob = round(Math.log(probability));
    const alternatives: TokenLogprob['top'] = [];
    if (top > 0) alternatives.push({ token: piece.text, logprob, bytes: bytesOf(piece.text) });
    let remaining = 1 - probability;
    const anchor = piece.tokenIds[0] ?? 0;
    for (let rank = 1; rank < top; rank++) {
      remaining *= 0.35 + random.next() * 0.3;
      const token = decodeTokens([Math.max(0, anchor + random.integer(-400, 400))]);
      alternatives.push({ token, logprob: round(Math.log(Math.max(remaining, 1e-9))), bytes: bytesOf(token) });
    }
    return { token: piece.text, logprob, bytes: bytesOf(piece.text), top: alternatives };
  });
}

function bytesOf(text: string): number[] {
  return [...ENCODER.encode(text)];
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
