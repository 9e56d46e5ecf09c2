/** Shared by this folder's tests: decode a body and build the render context the server would. */
import assert from 'node:assert/strict';
import { completeModel } from '../../catalog.js';
import { generateCompletion } from '../../generate/completion.js';
import { promptTokenSequence } from '../../generate/prompt-tokens.js';
import { SeededRandom } from '../../random.js';
import { SseParser } from '../../../util/sse.js';
import type { DecodedRequest, RenderContext } from '../protocol.js';
import { decodeMessagesRequest, type AnthropicRenderOptions } from './request.js';

export function decodeOk(body: unknown): DecodedRequest<AnthropicRenderOptions> {
  const decoded = decodeMessagesRequest(body);
  assert.ok('prompt' in decoded, `expected the body to decode, got: ${'message' in decoded ? decoded.message : ''}`);
  return decoded;
}

export function decodeError(body: unknown): string {
  const decoded = decodeMessagesRequest(body);
  assert.ok(!('prompt' in decoded), 'expected a validation error');
  assert.equal(decoded.status, 400);
  return decoded.message;
}

export function contextFor(body: unknown, modelName = 'claude-sonnet-4-6', renderSeed = 1): { decoded: DecodedRequest<AnthropicRenderOptions>; context: RenderContext } {
  const decoded = decodeOk(body);
  const model = completeModel(modelName, {}, undefined);
  const inputTokens = promptTokenSequence(decoded.prompt).length;
  const generation = generateCompletion({ prompt: decoded.prompt, model, inputTokens, cachedInputTokens: 0, seed: 0, timeScale: 0 });
  return { decoded, context: { random: new SeededRandom(renderSeed), created: 1_700_000_000, model, generation } };
}

export interface ParsedEvent {
  event: string | undefined;
  data: Record<string, unknown>;
}

export function parseEvents(sse: string): ParsedEvent[] {
  const parser = new SseParser();
  return [...parser.push(sse), ...parser.end()].map((event) => ({ event: event.event, data: JSON.parse(event.data) as Record<string, unknown> }));
}

export const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
