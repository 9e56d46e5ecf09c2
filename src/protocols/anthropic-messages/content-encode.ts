import type {
  CacheControl,
  DocumentPart,
  ImagePart,
  MediaSource,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from '../../canonical/types.js';
import {
  ANTHROPIC_IMAGE_MEDIA_TYPES,
  base64ToUtf8,
  isAnthropicImageMediaType,
  isDataUrl,
  normalizeMediaType,
  parseDataUrl,
  toStandardBase64,
} from './media.js';
import { fail, isRecord, joinPath, unsupported, type FailureCode } from '../shared/field-reader.js';
import type {
  AnthropicCacheControl,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicRedactedThinkingBlock,
  AnthropicTextBlock,
  AnthropicThinkingBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from './wire-types.js';

/**
 * Canonical parts → Anthropic content blocks. Error paths use canonical field names
 * (`messages[2].content[0].source.mediaType`), since the caller's request reached us in another dialect.
 */

export function encodeCacheControl(cacheControl: CacheControl | undefined): AnthropicCacheControl | undefined {
  if (cacheControl === undefined) return undefined;
  return cacheControl.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: cacheControl.ttl };
}

function withCacheControl<T extends { cache_control?: AnthropicCacheControl }>(block: T, cacheControl: CacheControl | undefined): T {
  const encoded = encodeCacheControl(cacheControl);
  if (encoded !== undefined) block.cache_control = encoded;
  return block;
}

/** Anthropic rejects empty text blocks ("text content blocks must be non-empty", trap 7): dropped. */
export function encodeTextPart(part: TextPart): AnthropicTextBlock | undefined {
  if (part.text === '') return undefined;
  const block: AnthropicTextBlock = { type: 'text', text: part.text };
  return withCacheControl(block, part.cacheControl);
}

/** A data: URL in a `url` source is inline data, not something Anthropic should fetch. */
function inlineSource(source: MediaSource): MediaSource {
  if (source.kind !== 'url' || !isDataUrl(source.url)) return source;
  const parsed = parseDataUrl(source.url);
  return parsed === undefined ? source : { kind: 'base64', mediaType: parsed.mediaType, data: parsed.data };
}

export function encodeImagePart(part: ImagePart, path: string): AnthropicImageBlock {
  const source = inlineSource(part.source);
  const sourcePath = joinPath(path, 'source');
  if (source.kind === 'file') {
    unsupported(joinPath(sourcePath, 'fileId'), 'a provider file reference cannot be sent to Anthropic; send the image inline (base64) or as an https URL');
  }
  let block: AnthropicImageBlock;
  if (source.kind === 'url') {
    block = { type: 'image', source: { type: 'url', url: source.url } };
    return withCacheControl(block, part.cacheControl);
  }
  const mediaType = normalizeMediaType(source.mediaType);
  if (!isAnthropicImageMediaType(mediaType)) {
    unsupported(joinPath(sourcePath, 'mediaType'), `expected one of ${ANTHROPIC_IMAGE_MEDIA_TYPES.join(', ')}, got "${source.mediaType}"`);
  }
  block = { type: 'image', source: { type: 'base64', media_type: mediaType, data: toStandardBase64(source.data) } };
  return withCacheControl(block, part.cacheControl);
}

export function encodeDocumentPart(part: DocumentPart, path: string): AnthropicDocumentBlock {
  const source = inlineSource(part.source);
  const sourcePath = joinPath(path, 'source');
  let block: AnthropicDocumentBlock;
  if (source.kind === 'file') {
    return unsupported(joinPath(sourcePath, 'fileId'), 'a provider file reference cannot be sent to Anthropic; send the document inline (base64) or as an https URL');
  } else if (source.kind === 'url') {
    if (source.mediaType !== undefined && normalizeMediaType(source.mediaType) !== 'application/pdf') {
      unsupported(joinPath(sourcePath, 'mediaType'), `Anthropic fetches only PDF documents by URL, got "${source.mediaType}"`);
    }
    block = { type: 'document', source: { type: 'url', url: source.url } };
  } else {
    const mediaType = normalizeMediaType(source.mediaType);
    if (mediaType === 'application/pdf') {
      block = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: toStandardBase64(source.data) } };
    } else if (mediaType === 'text/plain') {
      block = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: base64ToUtf8(source.data) } };
    } else {
      return unsupported(joinPath(sourcePath, 'mediaType'), `expected one of application/pdf, text/plain, got "${source.mediaType}"`);
    }
  }
  if (part.title !== undefined) block.title = part.title;
  return withCacheControl(block, part.cacheControl);
}

/**
 * Tool-use ids must match `^[a-zA-Z0-9_-]+$`. Ids from other providers (`functions.get_weather:0`)
 * are rewritten the same way in the call and its result, so the pair still matches.
 */
export function toAnthropicToolId(id: string): string {
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return cleaned === '' ? 'toolu_empty' : cleaned;
}

export function encodeToolResultPart(part: ToolResultPart, path: string): AnthropicToolResultBlock {
  const content: Array<AnthropicTextBlock | AnthropicImageBlock> = [];
  part.content.forEach((inner, index) => {
    if (inner.type === 'text') {
      const text = encodeTextPart(inner);
      if (text !== undefined) content.push(text);
    } else {
      content.push(encodeImagePart(inner, joinPath(joinPath(path, 'content'), index)));
    }
  });
  const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: toAnthropicToolId(part.toolCallId) };
  if (content.length > 0) block.content = content;
  if (part.isError !== undefined) block.is_error = part.isError;
  return withCacheControl(block, part.cacheControl);
}

/**
 * Arguments text → the `input` object. Empty arguments (a no-arg call) are `{}`; anything that is not
 * a JSON object cannot be a tool_use input.
 */
export function parseToolArguments(text: string, path: string, code: FailureCode = 'invalid_request'): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return fail(path, 'expected the tool-call arguments to be a JSON object, got text that is not valid JSON', code);
  }
  if (!isRecord(parsed)) return fail(path, 'expected the tool-call arguments to be a JSON object', code);
  return parsed;
}

export function encodeToolCallPart(part: ToolCallPart, path: string, code: FailureCode = 'invalid_request'): AnthropicToolUseBlock {
  return {
    type: 'tool_use',
    id: toAnthropicToolId(part.id),
    name: part.name,
    input: parseToolArguments(part.arguments, joinPath(path, 'arguments'), code),
  };
}

/**
 * Reasoning replayed to Anthropic: only Anthropic's own blocks, with the signature that proves them
 * (PROTOCOLS.md trap 10). Other providers' blobs are provider-bound, and their readable text is not
 * sent as thinking either: a thinking block without a valid signature is a 400.
 */
export function encodeReasoningForRequest(part: ReasoningPart): AnthropicThinkingBlock | AnthropicRedactedThinkingBlock | undefined {
  if (part.origin !== 'anthropic') return undefined;
  if (part.redactedData !== undefined) return { type: 'redacted_thinking', data: part.redactedData };
  if (part.signature !== undefined && part.signature !== '') return { type: 'thinking', thinking: part.text, signature: part.signature };
  return undefined;
}
