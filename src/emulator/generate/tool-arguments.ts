/**
 * Tool calls as a model would write them: an id shaped like OpenAI's (`call_` + 24 letters and
 * digits, deterministic per conversation), and arguments generated from the tool's JSON Schema,
 * serialised compactly as the real APIs do (`{"country":"UK"}`).
 */
import type { SeededRandom } from '../random.js';
import type { GeneratedToolCall, PromptTool } from '../types.js';
import { splitIntoTokenPieces } from '../tokens.js';
import { generateJsonValue, type ValueHints } from './json-schema-value.js';

export function generateToolCall(tool: PromptTool, random: SeededRandom, hints: ValueHints): GeneratedToolCall {
  const id = `call_${random.alphanumeric(24)}`;
  const schema = typeof tool.parameters === 'object' && Object.keys(tool.parameters).length > 0 ? tool.parameters : { type: 'object', properties: {} };
  const argumentsJson = JSON.stringify(generateJsonValue(schema, random, hints));
  return { id, name: tool.name, argumentsJson, argumentPieces: argumentPieces(argumentsJson) };
}

/** Argument fragments of about one token, like [`{"`, `country`, `":"`, `UK`, `"}`]. */
export function argumentPieces(argumentsJson: string): string[] {
  return splitIntoTokenPieces(argumentsJson).map((piece) => piece.text);
}
