/**
 * Thought signatures: opaque bytes Gemini attaches to parts of a thinking model's answer, which the
 * client must send back untouched [PROTOCOLS.md trap 10; conformance gemini/stream-tool-call.stream.sse,
 * stream-tool-result.request.json]. Ours are deterministic and verifiable:
 *
 *   0x0a · nonce (16) · filler (stands in for the encrypted thought state) · HMAC-SHA256[:16]
 *
 * the MAC binding the bytes to the kind of part that carried them (a function call and its name, or
 * text), so a signature the emulator did not issue, or one moved onto another function's call, is
 * refused as the real API refuses it. Clients may send them base64url-encoded (the Python SDK does).
 *
 * Checks on a request's history, in Google's words:
 * - any signature that does not verify → 400 "Corrupted thought signature." (Vertex: "Thought
 *   signature is not valid.");
 * - Gemini 3: in the current turn (after the last user message that is not only function
 *   responses), the first function call of each model step must carry one → 400 "Function call is
 *   missing a thought_signature…". Google's documented placeholders
 *   (`skip_thought_signature_validator`, `context_engineering_is_the_way_to_go`) pass both checks.
 *   https://ai.google.dev/gemini-api/docs/thought-signatures
 */
import { createHmac } from 'node:crypto';
import type { EmulatorError } from '../../errors.js';
import type { SeededRandom } from '../../random.js';
import { invalidArgument, vertexInvalid } from './errors.js';
import { isGemini3 } from './thinking.js';
import type { GeminiFlavor } from './wire-schema.js';
import type { GeminiContent, GeminiPart } from './wire-types.js';

const KEY = 'switchyard-emulator/gemini-thought-signature/1';
const VERSION = 0x0a;
const NONCE_BYTES = 16;
const MAC_BYTES = 16;
const PLACEHOLDERS = new Set(['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go']);

/** What a signature is bound to. */
export type SignedPart = { kind: 'function-call'; name: string } | { kind: 'text' };

export function issueThoughtSignature(part: SignedPart, random: SeededRandom, thoughtTokens: number): string {
  // Real signatures grow with the thinking behind them (hundreds of bytes to a few KB).
  const fillerLength = Math.min(1_500, 48 + Math.floor(thoughtTokens / 2) + random.integer(0, 63));
  const body = Buffer.alloc(1 + NONCE_BYTES + fillerLength);
  body[0] = VERSION;
  for (let index = 1; index < body.length; index++) body[index] = random.integer(0, 255);
  return Buffer.concat([body, mac(body, part)]).toString('base64');
}

export function verifyThoughtSignature(signature: string, part: SignedPart): boolean {
  if (PLACEHOLDERS.has(signature)) return true;
  const bytes = Buffer.from(signature.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length < 1 + NONCE_BYTES + MAC_BYTES || bytes[0] !== VERSION) return false;
  const body = bytes.subarray(0, bytes.length - MAC_BYTES);
  return mac(body, part).equals(bytes.subarray(bytes.length - MAC_BYTES));
}

function mac(body: Buffer, part: SignedPart): Buffer {
  const binding = part.kind === 'function-call' ? `function-call:${part.name}` : 'text';
  return createHmac('sha256', KEY).update(body).update(binding).digest().subarray(0, MAC_BYTES);
}

function signedPartOf(part: GeminiPart): SignedPart {
  return part.functionCall !== undefined ? { kind: 'function-call', name: part.functionCall.name ?? '' } : { kind: 'text' };
}

export function checkThoughtSignatures(contents: readonly GeminiContent[], model: string, flavor: GeminiFlavor): EmulatorError | undefined {
  for (const content of contents) {
    for (const part of content.parts ?? []) {
      if (part.thoughtSignature !== undefined && !verifyThoughtSignature(part.thoughtSignature, signedPartOf(part))) {
        return flavor === 'vertex' ? vertexInvalid('Thought signature is not valid..') : invalidArgument('Corrupted thought signature.');
      }
    }
  }
  if (!isGemini3(model)) return undefined;
  for (let index = currentTurnStart(contents); index < contents.length; index++) {
    const content = contents[index];
    if (content?.role !== 'model') continue;
    const firstCall = content.parts?.find((part) => part.functionCall !== undefined);
    if (firstCall === undefined || firstCall.thoughtSignature !== undefined) continue;
    const name = `default_api:${firstCall.functionCall?.name ?? ''}`;
    if (flavor === 'vertex') {
      return invalidArgument(`Unable to submit request because function call \`${name}\` in the ${index}. content block is missing a \`thought_signature\`. Learn more: https://docs.cloud.google.com/vertex-ai/generative-ai/docs/thought-signatures`);
    }
    return invalidArgument(`Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`${name}\` , position ${index}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`);
  }
  return undefined;
}

/** The current turn starts at the last user message that says something (not only function responses). */
function currentTurnStart(contents: readonly GeminiContent[]): number {
  for (let index = contents.length - 1; index >= 0; index--) {
    const content = contents[index];
    if (content?.role !== 'model' && (content?.parts ?? []).some((part) => part.functionResponse === undefined)) return index;
  }
  return 0;
}
