/**
 * Test helpers for the Chat codec: run SSE text through the decoder, fold stream parts back into a
 * response, and turn a response into stream parts. Used by the *.test.ts files only.
 */
import type { AssistantContentPart, CanonicalResponse, CanonicalUsage, FinishReason, StreamErrorInfo, StreamPart } from '../../canonical/types.js';
import { emptyUsage } from '../../canonical/types.js';
import { SseParser } from '../../util/sse.js';
import type { EncodeContext } from '../codec.js';
import { ChatStreamDecoder } from './stream-decode.js';
import { ChatStreamEncoder } from './stream-encode.js';

/** Decode SSE text, fed in pieces of `pieceSize` characters (default: whole) to exercise buffering. */
export function decodeSseText(text: string, pieceSize = text.length): StreamPart[] {
  const parser = new SseParser();
  const decoder = new ChatStreamDecoder();
  const parts: StreamPart[] = [];
  for (let offset = 0; offset < text.length; offset += Math.max(1, pieceSize)) {
    for (const event of parser.push(text.slice(offset, offset + Math.max(1, pieceSize)))) parts.push(...decoder.push(event));
  }
  for (const event of parser.end()) parts.push(...decoder.push(event));
  parts.push(...decoder.end());
  return parts;
}

export function encodeParts(parts: StreamPart[], context: EncodeContext): string {
  const encoder = new ChatStreamEncoder(context);
  return parts.map((part) => encoder.encode(part)).join('') + encoder.end();
}

export interface Accumulated {
  response: CanonicalResponse;
  /** Tool-call blocks that never got their tool-call-end (incomplete calls). */
  unendedToolCalls: string[];
  error?: StreamErrorInfo;
  finishCount: number;
}

/** Fold canonical stream parts into the response they describe (content in block order). */
export function accumulate(parts: StreamPart[]): Accumulated {
  const blocks = new Map<number, AssistantContentPart>();
  const ended = new Set<number>();
  const response: CanonicalResponse = { id: '', model: '', created: 0, content: [], finishReason: 'other', usage: emptyUsage() };
  let usage: Partial<CanonicalUsage> = {};
  let error: StreamErrorInfo | undefined;
  let finishCount = 0;
  for (const part of parts) {
    switch (part.type) {
      case 'response-start':
        Object.assign(response, { id: part.id, model: part.model, created: part.created });
        break;
      case 'text-start':
        blocks.set(part.block, { type: 'text', text: '' });
        break;
      case 'reasoning-start':
        blocks.set(part.block, { type: 'reasoning', text: '', origin: part.origin });
        break;
      case 'tool-call-start':
        blocks.set(part.block, { type: 'tool-call', id: part.id, name: part.name, arguments: '' });
        break;
      case 'text-delta':
      case 'reasoning-delta': {
        const block = blocks.get(part.block);
        if (block?.type === 'text' || block?.type === 'reasoning') block.text += part.text;
        break;
      }
      case 'refusal-delta': {
        const block = blocks.get(part.block) ?? { type: 'refusal', text: '' };
        if (block.type === 'refusal') block.text += part.text;
        blocks.set(part.block, block);
        break;
      }
      case 'tool-call-delta': {
        const block = blocks.get(part.block);
        if (block?.type === 'tool-call') block.arguments += part.argumentsDelta;
        break;
      }
      case 'text-end':
      case 'reasoning-end':
      case 'tool-call-end':
        ended.add(part.block);
        break;
      case 'usage':
        usage = { ...usage, ...part.usage };
        break;
      case 'finish':
        finishCount++;
        response.finishReason = part.finishReason;
        if (part.stopSequence !== undefined) response.stopSequence = part.stopSequence;
        usage = { ...usage, ...part.usage };
        break;
      case 'error':
        error = part.error;
        break;
    }
  }
  response.content = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block);
  response.usage = { ...emptyUsage(), ...usage };
  const unendedToolCalls = [...blocks.entries()].filter(([block, part]) => part.type === 'tool-call' && !ended.has(block)).map(([block]) => String(block));
  const result: Accumulated = { response, unendedToolCalls, finishCount };
  if (error !== undefined) result.error = error;
  return result;
}

/** Split text into fragments of at most `size` characters (at least one fragment, possibly empty). */
export function fragments(text: string, size: number): string[] {
  if (text === '') return [];
  const result: string[] = [];
  for (let offset = 0; offset < text.length; offset += size) result.push(text.slice(offset, offset + size));
  return result;
}

/** The stream a provider decoder would produce for this response (each block: start, deltas, end). */
export function partsFromResponse(response: CanonicalResponse, size = 3): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'response-start', id: response.id, model: response.model, created: response.created }];
  response.content.forEach((part, block) => {
    switch (part.type) {
      case 'text':
        parts.push({ type: 'text-start', block });
        for (const text of fragments(part.text, size)) parts.push({ type: 'text-delta', block, text });
        parts.push({ type: 'text-end', block });
        break;
      case 'reasoning':
        parts.push({ type: 'reasoning-start', block, origin: part.origin });
        for (const text of fragments(part.text, size)) parts.push({ type: 'reasoning-delta', block, text });
        parts.push({ type: 'reasoning-end', block });
        break;
      case 'refusal':
        for (const text of fragments(part.text, size)) parts.push({ type: 'refusal-delta', block, text });
        break;
      case 'tool-call':
        parts.push({ type: 'tool-call-start', block, id: part.id, name: part.name });
        for (const argumentsDelta of fragments(part.arguments, size)) parts.push({ type: 'tool-call-delta', block, argumentsDelta });
        parts.push({ type: 'tool-call-end', block });
        break;
    }
  });
  const finish: StreamPart = { type: 'finish', finishReason: response.finishReason, usage: response.usage };
  parts.push(finish);
  return parts;
}

export const finishReasonsChatExpresses: FinishReason[] = ['stop', 'length', 'tool-calls', 'content-filter'];
