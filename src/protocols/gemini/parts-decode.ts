/**
 * Decoding the parts of a `model` turn, shared by request history, responses and stream chunks.
 *
 * - `{text}` → text; `{text, thought: true}` → reasoning (origin gemini);
 * - `thoughtSignature` stays on the part it came with: text, reasoning (`signature`) or tool call;
 *   an empty text part is kept only when it carries a signature (PROTOCOLS.md trap 7), and a part that
 *   is nothing but a signature reads as such an empty text part;
 * - `{functionCall: {name, args, id?}}` → a call (the caller assigns the id).
 */
import type { ReasoningPart, TextPart } from '../../canonical/types.js';
import {
  field,
  hasField,
  invalidRequest,
  joinPath,
  optionalBoolean,
  optionalObject,
  optionalString,
  readObject,
  requiredString,
  unsupportedFeature,
  type JsonObject,
} from './fields.js';
import { toStandardBase64 } from './media.js';

/**
 * Values Google documents for histories whose calls Gemini 3 did not produce: they switch the
 * signature check off and carry no reasoning state, so decode drops them and encode re-adds one.
 * https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const DUMMY_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';
const DUMMY_THOUGHT_SIGNATURES = new Set([DUMMY_THOUGHT_SIGNATURE, 'context_engineering_is_the_way_to_go']);

export function readThoughtSignature(part: JsonObject, path: string): string | undefined {
  const raw = optionalString(part, 'thoughtSignature', path);
  if (raw === undefined || raw === '' || DUMMY_THOUGHT_SIGNATURES.has(raw)) return undefined;
  return toStandardBase64(raw);
}

export interface DecodedCall {
  kind: 'call';
  name: string;
  explicitId: string | undefined;
  /** Arguments as JSON text, serialised once from the `args` object. */
  arguments: string;
  thoughtSignature: string | undefined;
}

export type DecodedModelPart =
  | { kind: 'text'; part: TextPart }
  | { kind: 'reasoning'; part: ReasoningPart }
  | DecodedCall
  | { kind: 'skip' };

/** Parts that are neither text nor calls: refused, with the reason. */
function refuseModelPart(part: JsonObject, path: string): never {
  if (hasField(part, 'inlineData') || hasField(part, 'fileData')) {
    throw unsupportedFeature(path, 'media produced by the model (image or audio output) cannot be carried by a canonical assistant message');
  }
  if (hasField(part, 'executableCode') || hasField(part, 'codeExecutionResult')) {
    throw unsupportedFeature(path, "Gemini's built-in code execution parts have no equivalent in other protocols");
  }
  if (hasField(part, 'functionResponse')) throw invalidRequest(path, 'functionResponse parts belong in a user turn');
  throw invalidRequest(path, 'a model part must hold text or functionCall');
}

/**
 * One model part. `lenient` (responses and streams) ignores parts of unknown kinds instead of failing,
 * so a new Gemini part type never breaks a response.
 */
export function decodeModelPart(raw: unknown, path: string, lenient: boolean): DecodedModelPart {
  const part = readObject(raw, path);
  const thoughtSignature = readThoughtSignature(part, path);
  const functionCall = optionalObject(part, 'functionCall', path);
  if (functionCall !== undefined) {
    const callPath = joinPath(path, 'functionCall');
    const args = optionalObject(functionCall, 'args', callPath) ?? {};
    return {
      kind: 'call',
      name: requiredString(functionCall, 'name', callPath),
      explicitId: optionalString(functionCall, 'id', callPath),
      arguments: JSON.stringify(args),
      thoughtSignature,
    };
  }
  const text = optionalString(part, 'text', path);
  const thought = optionalBoolean(part, 'thought', path) === true;
  if (text !== undefined || (thoughtSignature !== undefined && onlySignature(part))) {
    if (thought) {
      if ((text ?? '') === '' && thoughtSignature === undefined) return { kind: 'skip' };
      const reasoning: ReasoningPart = { type: 'reasoning', text: text ?? '', origin: 'gemini' };
      if (thoughtSignature !== undefined) reasoning.signature = thoughtSignature;
      return { kind: 'reasoning', part: reasoning };
    }
    if ((text ?? '') === '' && thoughtSignature === undefined) return { kind: 'skip' };
    const textPart: TextPart = { type: 'text', text: text ?? '' };
    if (thoughtSignature !== undefined) textPart.thoughtSignature = thoughtSignature;
    return { kind: 'text', part: textPart };
  }
  if (lenient && !hasField(part, 'inlineData') && !hasField(part, 'fileData')) return { kind: 'skip' };
  return refuseModelPart(part, path);
}

const METADATA_KEYS = new Set(['thoughtSignature', 'thought_signature', 'thought', 'partMetadata', 'part_metadata']);

function onlySignature(part: JsonObject): boolean {
  return Object.keys(part).every((key) => METADATA_KEYS.has(key) || field(part, key) === undefined);
}
