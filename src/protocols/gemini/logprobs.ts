/**
 * `candidates[].logprobsResult` → canonical token log probabilities.
 *
 * Gemini answers `responseLogprobs` with two lists of one entry per decoding step:
 * `chosenCandidates[i] {token, tokenId, logProbability}` and `topCandidates[i].candidates[]`, the
 * alternatives at that step, most likely first (the chosen token may or may not be among them).
 * https://ai.google.dev/api/generate-content#LogprobsResult
 * Protobuf JSON leaves out zero values, so a missing `logProbability` is 0 (certainty) and a missing
 * `token` is empty. In a stream, each chunk's result covers the tokens of that chunk only.
 */
import type { TokenLogprob } from '../../canonical/types.js';
import { joinPath, optionalArray, optionalNumber, optionalObject, optionalString, readObject, type JsonObject } from './fields.js';

export function decodeGeminiLogprobs(candidate: JsonObject, path: string): TokenLogprob[] | undefined {
  const result = optionalObject(candidate, 'logprobsResult', path);
  if (result === undefined) return undefined;
  const resultPath = joinPath(path, 'logprobsResult');
  const chosen = optionalArray(result, 'chosenCandidates', resultPath) ?? [];
  const top = optionalArray(result, 'topCandidates', resultPath) ?? [];
  return chosen.map((raw, step) => {
    const token = readToken(raw, joinPath(joinPath(resultPath, 'chosenCandidates'), step));
    const stepPath = joinPath(joinPath(resultPath, 'topCandidates'), step);
    const alternatives = top[step] === undefined ? [] : (optionalArray(readObject(top[step], stepPath), 'candidates', stepPath) ?? []);
    return { ...token, top: alternatives.map((alternative, rank) => readToken(alternative, joinPath(joinPath(stepPath, 'candidates'), rank))) };
  });
}

function readToken(raw: unknown, path: string): { token: string; logprob: number } {
  const entry = readObject(raw, path);
  return { token: optionalString(entry, 'token', path) ?? '', logprob: optionalNumber(entry, 'logProbability', path) ?? 0 };
}
