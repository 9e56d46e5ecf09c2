import type {
  AssistantContentPart,
  CacheControl,
  DocumentPart,
  ImagePart,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/types.js';
import { ANTHROPIC_IMAGE_MEDIA_TYPES, normalizeMediaType, toStandardBase64, utf8ToBase64 } from './media.js';
import { FieldReader, describeValue, fail, joinPath, unsupported } from '../shared/field-reader.js';

/**
 * Content blocks of a client's Messages request → canonical parts. Blocks that only Anthropic can run
 * (server tools and their results, search results, container uploads) are refused with the block's
 * path: no other provider could honour them, and dropping them would change the conversation.
 */

/** The server-side / Anthropic-only block types, refused by name rather than called unknown. */
const ANTHROPIC_ONLY_BLOCKS = new Set([
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
  'container_upload',
  'search_result',
  'tool_reference',
]);

export function decodeCacheControl(block: FieldReader): CacheControl | undefined {
  const reader = block.optionalObject('cache_control');
  if (reader === undefined) return undefined;
  reader.oneOf('type', ['ephemeral'] as const);
  const cacheControl: CacheControl = { type: 'ephemeral' };
  if (reader.has('ttl')) cacheControl.ttl = reader.oneOf('ttl', ['5m', '1h'] as const);
  return cacheControl;
}

/** Empty text is dropped (Anthropic rejects it anyway): canonical content never holds `""` parts. */
export function decodeTextBlock(block: FieldReader): TextPart | undefined {
  const text = block.string('text');
  if (text === '') return undefined;
  const part: TextPart = { type: 'text', text };
  const cacheControl = decodeCacheControl(block);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

function decodeImageBlock(block: FieldReader): ImagePart {
  const source = block.object('source');
  const kind = source.oneOf('type', ['base64', 'url', 'file'] as const);
  let part: ImagePart;
  if (kind === 'base64') {
    const mediaType = normalizeMediaType(source.oneOf('media_type', [...ANTHROPIC_IMAGE_MEDIA_TYPES, 'image/jpg'] as const));
    part = { type: 'image', source: { kind: 'base64', mediaType, data: toStandardBase64(source.string('data')) } };
  } else if (kind === 'url') {
    part = { type: 'image', source: { kind: 'url', url: source.string('url') } };
  } else {
    part = { type: 'image', source: { kind: 'file', fileId: source.string('file_id') } };
  }
  const cacheControl = decodeCacheControl(block);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

/**
 * Documents: base64 PDF, plain text (carried as base64 `text/plain`), PDF URL, or a Files API id.
 * `citations` and `context` have no canonical field and are not carried.
 */
function decodeDocumentBlock(block: FieldReader): DocumentPart {
  const source = block.object('source');
  const kind = source.oneOf('type', ['base64', 'text', 'url', 'file', 'content'] as const);
  let part: DocumentPart;
  if (kind === 'base64') {
    source.oneOf('media_type', ['application/pdf'] as const);
    part = { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: toStandardBase64(source.string('data')) } };
  } else if (kind === 'text') {
    source.oneOf('media_type', ['text/plain'] as const);
    part = { type: 'document', source: { kind: 'base64', mediaType: 'text/plain', data: utf8ToBase64(source.string('data')) } };
  } else if (kind === 'url') {
    part = { type: 'document', source: { kind: 'url', url: source.string('url') } };
  } else if (kind === 'file') {
    part = { type: 'document', source: { kind: 'file', fileId: source.string('file_id') } };
  } else {
    return unsupported(source.at('type'), 'custom-content documents ("content" sources) have no equivalent outside Anthropic');
  }
  const title = block.optionalString('title');
  if (title !== undefined) part.title = title;
  const cacheControl = decodeCacheControl(block);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

function blockType(block: FieldReader, allowed: readonly string[]): string {
  const type = block.string('type');
  if (ANTHROPIC_ONLY_BLOCKS.has(type)) {
    unsupported(block.at('type'), `"${type}" blocks are Anthropic server-side features and cannot be translated to another provider`);
  }
  if (!allowed.includes(type)) block.fail('type', `expected one of ${allowed.join(', ')}, got "${type}"`);
  return type;
}

/** `content` as a string or an array of blocks, read as block readers. */
function contentBlocks(value: unknown, path: string): FieldReader[] {
  if (typeof value === 'string') return value === '' ? [] : [new FieldReader({ type: 'text', text: value }, path)];
  if (!Array.isArray(value)) fail(path, `expected a string or an array of content blocks, got ${describeValue(value)}`);
  return value.map((block, index) => FieldReader.of(block, joinPath(path, index)));
}

function decodeToolResultBlock(block: FieldReader, toolNames: ReadonlyMap<string, string>): ToolResultPart {
  const toolCallId = block.string('tool_use_id');
  const part: ToolResultPart = { type: 'tool-result', toolCallId, content: [] };
  const toolName = toolNames.get(toolCallId);
  if (toolName !== undefined) part.toolName = toolName;
  if (block.has('content')) {
    for (const inner of contentBlocks(block.raw('content'), block.at('content'))) {
      const type = blockType(inner, ['text', 'image', 'document']);
      if (type === 'text') {
        const text = decodeTextBlock(inner);
        if (text !== undefined) part.content.push(text);
      } else if (type === 'image') {
        part.content.push(decodeImageBlock(inner));
      } else {
        unsupported(inner.at('type'), 'documents inside tool results have no canonical equivalent; send the document in a user message');
      }
    }
  }
  const isError = block.optionalBoolean('is_error');
  if (isError !== undefined) part.isError = isError;
  const cacheControl = decodeCacheControl(block);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

/** One user turn splits into runs of plain content and runs of tool results, order kept. */
export type UserSegment = { kind: 'user'; parts: UserContentPart[] } | { kind: 'tool'; parts: ToolResultPart[] };

export function decodeUserContent(value: unknown, path: string, toolNames: ReadonlyMap<string, string>): UserSegment[] {
  const segments: UserSegment[] = [];
  const push = (kind: 'user' | 'tool', part: UserContentPart | ToolResultPart): void => {
    const last = segments[segments.length - 1];
    if (last !== undefined && last.kind === kind) (last.parts as Array<UserContentPart | ToolResultPart>).push(part);
    else segments.push(kind === 'user' ? { kind, parts: [part as UserContentPart] } : { kind, parts: [part as ToolResultPart] });
  };
  for (const block of contentBlocks(value, path)) {
    const type = blockType(block, ['text', 'image', 'document', 'tool_result']);
    if (type === 'text') {
      const text = decodeTextBlock(block);
      if (text !== undefined) push('user', text);
    } else if (type === 'image') push('user', decodeImageBlock(block));
    else if (type === 'document') push('user', decodeDocumentBlock(block));
    else push('tool', decodeToolResultBlock(block, toolNames));
  }
  return segments;
}

export function decodeThinkingBlock(block: FieldReader): ReasoningPart {
  const part: ReasoningPart = { type: 'reasoning', text: block.string('thinking'), origin: 'anthropic' };
  // An empty signature is what this gateway writes for another provider's readable thoughts: such a
  // block cannot be replayed to Anthropic, so it decodes without one.
  const signature = block.optionalString('signature');
  if (signature !== undefined && signature !== '') part.signature = signature;
  return part;
}

export function decodeRedactedThinkingBlock(block: FieldReader): ReasoningPart {
  return { type: 'reasoning', text: '', origin: 'anthropic', redactedData: block.string('data') };
}

export function decodeToolUseBlock(block: FieldReader): ToolCallPart {
  const input = block.raw('input');
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    block.fail('input', `expected an object, got ${describeValue(input)}`);
  }
  return { type: 'tool-call', id: block.string('id'), name: block.string('name'), arguments: JSON.stringify(input ?? {}) };
}

export function decodeAssistantContent(value: unknown, path: string): AssistantContentPart[] {
  const parts: AssistantContentPart[] = [];
  for (const block of contentBlocks(value, path)) {
    const type = blockType(block, ['text', 'thinking', 'redacted_thinking', 'tool_use']);
    if (type === 'text') {
      const text = decodeTextBlock(block);
      if (text !== undefined) parts.push(text);
    } else if (type === 'thinking') parts.push(decodeThinkingBlock(block));
    else if (type === 'redacted_thinking') parts.push(decodeRedactedThinkingBlock(block));
    else parts.push(decodeToolUseBlock(block));
  }
  return parts;
}
