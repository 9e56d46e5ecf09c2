/**
 * Test support for the Gemini codec: folding canonical stream parts back into one response, and
 * reading recorded stream bodies in each framing. Used by the tests beside it.
 */
import type { AssistantContentPart, CanonicalUsage, FinishReason, StreamPart } from '../../canonical/types.js';
import { SseParser, type SseEvent } from '../../util/sse.js';
import { splitGeminiJsonArray } from './json-array-stream.js';
import { GeminiStreamDecoder } from './stream-decode.js';

export interface AccumulatedStream {
  id?: string;
  model?: string;
  content: AssistantContentPart[];
  finishReason?: FinishReason;
  usage?: Partial<CanonicalUsage>;
  errors: string[];
}

/** Folds stream parts into the content they describe, block by block, in start order. */
export function accumulateStream(parts: StreamPart[]): AccumulatedStream {
  const result: AccumulatedStream = { content: [], errors: [] };
  const blocks = new Map<number, AssistantContentPart>();
  for (const part of parts) {
    switch (part.type) {
      case 'response-start':
        result.id = part.id;
        result.model = part.model;
        break;
      case 'text-start': {
        const text: AssistantContentPart = { type: 'text', text: '' };
        if (part.thoughtSignature !== undefined) text.thoughtSignature = part.thoughtSignature;
        blocks.set(part.block, text);
        result.content.push(text);
        break;
      }
      case 'text-delta':
      case 'reasoning-delta':
      case 'refusal-delta': {
        const block = blocks.get(part.block);
        if (block !== undefined && 'text' in block) block.text += part.text;
        break;
      }
      case 'text-end': {
        const block = blocks.get(part.block);
        if (block?.type === 'text' && part.thoughtSignature !== undefined) block.thoughtSignature = part.thoughtSignature;
        break;
      }
      case 'reasoning-start': {
        const reasoning: AssistantContentPart = { type: 'reasoning', text: '', origin: part.origin };
        blocks.set(part.block, reasoning);
        result.content.push(reasoning);
        break;
      }
      case 'reasoning-end': {
        const block = blocks.get(part.block);
        if (block?.type === 'reasoning' && part.signature !== undefined) block.signature = part.signature;
        break;
      }
      case 'tool-call-start': {
        const call: AssistantContentPart = { type: 'tool-call', id: part.id, name: part.name, arguments: '' };
        if (part.thoughtSignature !== undefined) call.thoughtSignature = part.thoughtSignature;
        blocks.set(part.block, call);
        result.content.push(call);
        break;
      }
      case 'tool-call-delta': {
        const block = blocks.get(part.block);
        if (block?.type === 'tool-call') block.arguments += part.argumentsDelta;
        break;
      }
      case 'tool-call-end':
        break;
      case 'usage':
        result.usage = { ...result.usage, ...part.usage };
        break;
      case 'finish':
        result.finishReason = part.finishReason;
        if (part.usage !== undefined) result.usage = { ...result.usage, ...part.usage };
        break;
      case 'error':
        result.errors.push(part.error.message);
        break;
    }
  }
  return result;
}

/** Stream body text in SSE framing → events. */
export function sseEvents(body: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(body), ...parser.end()];
}

/** Recorded `.jsonl` chunk files: one JSON payload per line. */
export function jsonlEvents(body: string): SseEvent[] {
  return body
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ data: line }));
}

export function eventsForStreamFile(file: string, body: string): SseEvent[] {
  if (file.endsWith('.sse')) return sseEvents(body);
  if (file.endsWith('.jsonl')) return jsonlEvents(body);
  return splitGeminiJsonArray(body);
}

export function decodeStreamEvents(events: SseEvent[]): StreamPart[] {
  const decoder = new GeminiStreamDecoder();
  return [...events.flatMap((event) => decoder.push(event)), ...decoder.end()];
}
