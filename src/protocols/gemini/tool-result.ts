/**
 * `functionResponse.response` ↔ the text of a canonical tool result.
 *
 * Gemini requires `response` to be an object (PROTOCOLS.md trap 11). Its docs name two keys: "Use
 * `output` to specify function output and `error` to specify error details; if neither is given the
 * whole `response` is the output" (https://ai.google.dev/api/caching#FunctionResponse). So:
 *
 * - decode: `{output: v}` alone → text `v` (JSON text when not a string); `{error: v}` alone → same
 *   text with `isError`; any other object (e.g. pydantic-ai's `{return_value: …}`
 *   [conformance gemini/stream-tool-result.request.json]) → its JSON text.
 * - encode: `isError` → `{error: text}`; text that is a JSON object (what decode produced) → that
 *   object, unless it would read back as `{output}`/`{error}`; anything else → `{output: text}`.
 *
 * decode(encode(x)) = x for every text; encode(decode(o)) = o for every object.
 */
import { isObject } from './fields.js';

export interface ToolResultText {
  text: string;
  isError: boolean;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function singleKey(object: Record<string, unknown>): string | undefined {
  const keys = Object.keys(object);
  return keys.length === 1 ? keys[0] : undefined;
}

export function decodeFunctionResponseBody(response: Record<string, unknown>): ToolResultText {
  const key = singleKey(response);
  if (key === 'output') return { text: asText(response.output), isError: false };
  if (key === 'error') return { text: asText(response.error), isError: true };
  return { text: JSON.stringify(response), isError: false };
}

export function encodeFunctionResponseBody(text: string, isError: boolean): Record<string, unknown> {
  if (isError) return { error: text };
  const parsed = parseObject(text);
  if (parsed !== undefined) {
    const key = singleKey(parsed);
    if (key !== 'output' && key !== 'error') return parsed;
  }
  return { output: text };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    // Only when re-serialising gives the same text back, so decode(encode(x)) returns x exactly.
    return isObject(value) && JSON.stringify(value) === text ? value : undefined;
  } catch {
    return undefined;
  }
}
