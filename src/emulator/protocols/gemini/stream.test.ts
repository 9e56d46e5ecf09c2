import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceText } from '../../../testing/conformance.js';
import { emulatorError } from '../../errors.js';
import { createGeminiProtocol } from './gemini-protocol.js';
import { renderGenerateContentResponse } from './response.js';
import { renderGeminiStream } from './stream.js';
import { geminiModel, keyShape, prepare, renderFrames, sseEvents, userText } from './test-support.js';

type Chunk = {
  candidates: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean; thoughtSignature?: string; functionCall?: unknown }> }; finishReason?: string; index?: number }>;
  usageMetadata: Record<string, unknown>;
};

const toolRequest = {
  contents: [{ role: 'user', parts: [{ text: 'What is the capital of the user country? Call the tool' }] }],
  tools: [{ functionDeclarations: [{ name: 'get_country', description: '', parametersJsonSchema: { type: 'object', properties: {}, additionalProperties: false } }] }],
};

function sse(body: unknown, model = geminiModel(), flavor: 'gemini' | 'vertex' = 'gemini'): { text: string; chunks: Chunk[] } {
  const text = renderFrames(body, 'sse', model, flavor).map((frame) => frame.text).join('');
  return { text, chunks: sseEvents(text) as Chunk[] };
}

function textOf(chunks: readonly Chunk[], thought = false): string {
  return chunks.flatMap((chunk) => chunk.candidates[0]?.content?.parts ?? []).filter((part) => (part.thought === true) === thought).map((part) => part.text ?? '').join('');
}

function dropServiceTier(chunk: unknown): unknown {
  const copy = structuredClone(chunk) as { usageMetadata?: Record<string, unknown> };
  delete copy.usageMetadata?.serviceTier;
  return copy;
}

describe('renderGeminiStream', () => {
  it('a Gemini 3 tool call streams like the recorded one: the signed call, then an empty STOP chunk', () => {
    const recorded = sseEvents(readConformanceText('gemini', 'stream-tool-call.stream.sse'));
    const ours = sse(toolRequest);
    assert.equal(ours.chunks.length, recorded.length);
    ours.chunks.forEach((chunk, index) => assert.deepEqual(keyShape(dropServiceTier(chunk)), keyShape(recorded[index]), `chunk ${index}`));
    assert.deepEqual(ours.chunks[1]?.candidates[0]?.content?.parts, [{ text: '' }]);
    // Google's own spacing: a space after each colon, none after commas.
    assert.match(ours.text, /^data: \{"candidates": \[\{"content": \{"parts": \[\{"functionCall": \{"name": "get_country","args": \{\}\},"thoughtSignature": "/);
  });

  it('streams the text and usage the JSON answer has; the finish only on the last chunk', () => {
    const request = userText('Explain tides [[tokens: 60]]');
    const { context, options } = prepare(request);
    const whole = renderGenerateContentResponse(context, options, 'gemini') as Chunk;
    const { chunks } = sse(request);
    assert.ok(chunks.length >= 4, 'several chunks');
    assert.equal(textOf(chunks), whole.candidates[0]?.content?.parts?.[0]?.text);
    assert.deepEqual(chunks.map((chunk) => chunk.candidates[0]?.finishReason), [...chunks.slice(1).map(() => undefined), 'STOP']);
    assert.deepEqual(chunks.at(-1)?.usageMetadata, whole.usageMetadata);
    // Gemini 3 signs a text answer on the empty part that closes the stream.
    const closing = chunks.at(-1)?.candidates[0]?.content?.parts;
    assert.deepEqual(closing, [{ text: '', thoughtSignature: whole.candidates[0]?.content?.parts?.[0]?.thoughtSignature }]);
    const counts = chunks.map((chunk) => (chunk.usageMetadata.candidatesTokenCount as number | undefined) ?? 0);
    assert.deepEqual(counts, [...counts].sort((first, second) => first - second), 'counts only grow');
  });

  it('earlier models put the finish on the last content chunk', () => {
    const { chunks } = sse(userText('Explain tides [[tokens: 40]]'), geminiModel('gemini-2.5-flash'));
    const last = chunks.at(-1)?.candidates[0];
    assert.equal(last?.finishReason, 'STOP');
    assert.ok((last?.content?.parts?.[0]?.text ?? '').length > 0);
  });

  it('thought summaries stream first, thoughtsTokenCount rising to the total', () => {
    const { context } = prepare({ ...userText('Explain tides'), generationConfig: { thinkingConfig: { includeThoughts: true } } });
    const { chunks } = sse({ ...userText('Explain tides'), generationConfig: { thinkingConfig: { includeThoughts: true } } });
    const firstAnswer = chunks.findIndex((chunk) => chunk.candidates[0]?.content?.parts?.[0]?.thought !== true);
    assert.ok(firstAnswer >= 1, 'at least one thought chunk first');
    assert.ok(chunks.slice(firstAnswer).every((chunk) => chunk.candidates[0]?.content?.parts?.[0]?.thought !== true));
    const thoughts = chunks.slice(0, firstAnswer).map((chunk) => chunk.usageMetadata.thoughtsTokenCount as number);
    assert.equal(thoughts.at(-1), context.generation.usage.reasoningTokens);
    assert.equal(chunks.at(-1)?.usageMetadata.thoughtsTokenCount, context.generation.usage.reasoningTokens);
    assert.ok(textOf(chunks, true).startsWith('**'));
  });

  it('without alt=sse: one JSON array, elements pretty-printed and joined by "\\n,\\r\\n"', () => {
    const text = renderFrames(userText('Name a pelican [[tokens: 30]]'), 'array').map((frame) => frame.text).join('');
    assert.ok(text.startsWith('[{\n  "candidates"'));
    assert.ok(text.endsWith('}\n]'));
    const elements = JSON.parse(text) as Chunk[];
    assert.equal(text.split('\n,\r\n').length, elements.length);
    assert.equal(elements.at(-1)?.candidates[0]?.finishReason, 'STOP');
    const recorded = readConformanceText('gemini', 'stream-json-array.stream.json');
    assert.ok(recorded.includes('}\n,\r\n{') && text.includes('}\n,\r\n{'));
  });

  it('Vertex streams compact JSON with usage counts only on the last chunk', () => {
    const { text, chunks } = sse(userText('Explain tides [[tokens: 50]]'), geminiModel('gemini-2.5-flash'), 'vertex');
    assert.ok(text.startsWith('data: {"candidates":[{"content":{"role":"model","parts":'));
    assert.ok(chunks.slice(0, -1).every((chunk) => JSON.stringify(chunk.usageMetadata) === '{"trafficType":"ON_DEMAND"}'));
    assert.ok((chunks.at(-1)?.usageMetadata.totalTokenCount as number) > 0);
    assert.ok(chunks.every((chunk) => chunk.candidates[0]?.index === undefined));
  });

  it('two candidates share each chunk, by index', () => {
    const { chunks } = sse({ ...userText('Explain tides [[tokens: 20]]'), generationConfig: { candidateCount: 2 } });
    assert.deepEqual(chunks[0]?.candidates.map((candidate) => candidate.index), [0, 1]);
    assert.deepEqual(chunks.at(-1)?.candidates.map((candidate) => candidate.finishReason), ['STOP', 'STOP']);
  });

  it('Vertex names every candidate but the first by index, so a chunk without candidate 0 still says whose parts it holds', () => {
    const { chunks } = sse({ ...userText('Explain tides [[tokens: 20]]'), generationConfig: { candidateCount: 2 } }, geminiModel('gemini-2.5-flash'), 'vertex');
    assert.deepEqual(chunks[0]?.candidates.map((candidate) => candidate.index), [undefined, 1]);
  });

  it('a mid-stream failure is an error object: the next SSE event, or the next array element closing the array', () => {
    const error = emulatorError('server-error', 500, 'boom');
    const route = { flavor: 'gemini' as const, apiVersion: 'v1beta', method: 'streamGenerateContent' };
    const { context, options } = prepare(userText('Explain tides [[tokens: 40]]'));
    const sseProtocol = createGeminiProtocol(route, 'sse');
    const event = sseProtocol.renderStreamError(error, context, options) ?? '';
    assert.deepEqual(sseEvents(event), [{ error: { code: 500, message: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting', status: 'INTERNAL' } }]);

    const arrayProtocol = createGeminiProtocol(route, 'array');
    const opened = arrayProtocol.renderStreamError(error, context, options) ?? '';
    assert.deepEqual(JSON.parse(opened), [{ error: { code: 500, message: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting', status: 'INTERNAL' } }]);
    // After two elements went out, the error continues the array and closes it.
    const frames = renderGeminiStream(context, options, 'gemini', 'array');
    const sent = [frames.next().value?.text ?? '', frames.next().value?.text ?? ''];
    frames.next(); // the third element is due but never written
    const parsed = JSON.parse(sent.join('') + (arrayProtocol.renderStreamError(error, context, options) ?? '')) as Array<Record<string, unknown>>;
    assert.equal(parsed.length, 3);
    assert.ok('error' in (parsed[2] ?? {}));
  });
});
