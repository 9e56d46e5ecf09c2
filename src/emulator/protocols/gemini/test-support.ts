/** Rendering a request body without a server, for the Gemini module's unit tests. */
import assert from 'node:assert/strict';
import { completeModel, type CatalogModel } from '../../catalog.js';
import { generateCompletion } from '../../generate/completion.js';
import { promptTokenSequence } from '../../generate/prompt-tokens.js';
import { SeededRandom } from '../../random.js';
import type { RenderContext, StreamFrame } from '../protocol.js';
import { decodeGeminiRequest, type GeminiRenderOptions } from './request-decode.js';
import { renderGenerateContentResponse } from './response.js';
import { renderGeminiStream, type StreamFraming } from './stream.js';
import type { GeminiFlavor } from './wire-schema.js';

export function geminiModel(name = 'gemini-3.1-pro', overrides: Partial<CatalogModel> = {}): CatalogModel {
  return completeModel(name, { reasoning: true, ...overrides }, undefined);
}

export interface Rendered {
  context: RenderContext;
  options: GeminiRenderOptions;
}

export function prepare(body: unknown, model: CatalogModel = geminiModel(), flavor: GeminiFlavor = 'gemini', cachedInputTokens = 0): Rendered {
  const decoded = decodeGeminiRequest(body, flavor, model.name);
  assert.ok('prompt' in decoded, `request did not decode: ${JSON.stringify(decoded)}`);
  const inputTokens = promptTokenSequence(decoded.prompt).length;
  const generation = generateCompletion({ prompt: decoded.prompt, model, inputTokens, cachedInputTokens, seed: 0, timeScale: 0 });
  return { context: { random: new SeededRandom(7), created: 1_767_225_600, model, generation }, options: decoded.options };
}

export function renderBody(body: unknown, model?: CatalogModel, flavor: GeminiFlavor = 'gemini'): Record<string, unknown> {
  const { context, options } = prepare(body, model, flavor);
  return renderGenerateContentResponse(context, options, flavor);
}

export function renderFrames(body: unknown, framing: StreamFraming = 'sse', model?: CatalogModel, flavor: GeminiFlavor = 'gemini'): StreamFrame[] {
  const { context, options } = prepare(body, model, flavor);
  return [...renderGeminiStream(context, options, flavor, framing)];
}

/** The JSON events of an SSE body split on Gemini's CRLF separators. */
export function sseEvents(text: string): Array<Record<string, unknown>> {
  assert.ok(text.endsWith('\r\n\r\n'), 'every event ends with CRLF CRLF');
  return text.split('\r\n\r\n').filter((event) => event.length > 0).map((event) => {
    assert.ok(event.startsWith('data: '), `not a data event: ${event.slice(0, 40)}`);
    return JSON.parse(event.slice('data: '.length)) as Record<string, unknown>;
  });
}

export function userText(text: string): { contents: Array<{ role: string; parts: Array<{ text: string }> }> } {
  return { contents: [{ role: 'user', parts: [{ text }] }] };
}

/** Keys of an object and, recursively, of the objects and first array items under it. */
export function keyShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [keyShape(value[0])];
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, keyShape(item)]));
}
