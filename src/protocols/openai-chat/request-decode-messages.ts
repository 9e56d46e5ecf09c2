import type {
  AssistantContentPart,
  CacheControl,
  CanonicalMessage,
  DocumentPart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/types.js';
import { checkImageUrl, isDataUrl, mediaTypeForFilename, normalizeMediaType, parseDataUrl, sniffMediaType, toStandardBase64 } from './media.js';
import { FieldReader, fail, unsupported } from '../shared/field-reader.js';

/**
 * Chat `messages[]` into canonical messages. Conventions (see README.md):
 * - `system` and `developer` both become canonical `system` messages, kept in place;
 * - empty text is dropped, never kept as an empty part (Anthropic rejects empty text blocks);
 * - consecutive `tool` messages merge into one canonical `tool` message (one result each), and each
 *   result gets the function name of the earlier assistant call it answers (Gemini needs it);
 * - the legacy `function` role, assistant `function_call` and `audio`, and `input_audio` parts are refused.
 */
export function decodeChatMessages(messages: unknown[]): CanonicalMessage[] {
  if (messages.length === 0) fail('messages', 'expected at least one message');
  const toolNames = new Map<string, string>();
  const result: CanonicalMessage[] = [];
  messages.forEach((value, index) => {
    const message = FieldReader.of(value, `messages[${index}]`);
    const role = message.string('role');
    switch (role) {
      case 'system':
      case 'developer':
        result.push({ role: 'system', content: decodeTextContent(message) });
        return;
      case 'user':
        result.push({ role: 'user', content: decodeUserContent(message) });
        return;
      case 'assistant':
        result.push({ role: 'assistant', content: decodeAssistantContent(message, toolNames) });
        return;
      case 'tool': {
        const toolResult = decodeToolMessage(message, toolNames);
        const previous = result[result.length - 1];
        if (previous?.role === 'tool') previous.content.push(toolResult);
        else result.push({ role: 'tool', content: [toolResult] });
        return;
      }
      case 'function':
        return unsupported(
          message.at('role'),
          'the legacy "function" role is not translated to other providers; send tool results as role "tool" with tool_call_id',
        );
      default:
        return message.fail('role', `expected one of "system", "developer", "user", "assistant", "tool", got "${role}"`);
    }
  });
  return result;
}

/** `cache_control` on a content part: not OpenAI's, but the convention LiteLLM and OpenRouter accept for Anthropic. */
function decodeCacheControl(part: FieldReader): CacheControl | undefined {
  const cache = part.optionalObject('cache_control');
  if (cache === undefined) return undefined;
  cache.optionalEnum('type', ['ephemeral'] as const);
  const ttl = cache.optionalEnum('ttl', ['5m', '1h'] as const);
  return ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl };
}

function textPart(text: string, part?: FieldReader): TextPart[] {
  if (text === '') return [];
  const cacheControl = part === undefined ? undefined : decodeCacheControl(part);
  return [cacheControl === undefined ? { type: 'text', text } : { type: 'text', text, cacheControl }];
}

/** A `content` that is a string or an array of `{type:"text"}` parts (system and developer messages). */
function decodeTextContent(message: FieldReader): TextPart[] {
  const parts = message.stringOrParts('content');
  if (typeof parts === 'string') return textPart(parts);
  return parts.flatMap((value, index) => {
    const part = FieldReader.of(value, message.at('content') + `[${index}]`);
    const type = part.string('type');
    if (type !== 'text') part.fail('type', `expected "text" (this message takes text parts only), got "${type}"`);
    return textPart(part.string('text'), part);
  });
}

function decodeUserContent(message: FieldReader): UserContentPart[] {
  const parts = message.stringOrParts('content');
  if (typeof parts === 'string') return textPart(parts);
  return parts.flatMap((value, index): UserContentPart[] => {
    const part = FieldReader.of(value, message.at('content') + `[${index}]`);
    const type = part.string('type');
    switch (type) {
      case 'text':
        return textPart(part.string('text'), part);
      case 'image_url':
        return [decodeImagePart(part)];
      case 'file':
        return [decodeFilePart(part)];
      case 'input_audio':
        return unsupported(part.path, 'input_audio parts cannot be translated: the serving provider takes no audio input through Switchyard');
      default:
        return part.fail('type', `expected one of "text", "image_url", "file", got "${type}"`);
    }
  });
}

export function decodeImagePart(part: FieldReader): ImagePart {
  const raw = part.record.image_url;
  let url: string;
  let detail: ImagePart['detail'];
  let urlPath: string;
  if (typeof raw === 'string') {
    // Not OpenAI's shape, but vLLM and several clients send the URL directly.
    url = raw;
    urlPath = part.at('image_url');
  } else {
    const image = part.object('image_url');
    url = image.string('url');
    detail = image.optionalEnum('detail', ['auto', 'low', 'high'] as const);
    urlPath = image.at('url');
  }
  let source: MediaSource;
  if (isDataUrl(url)) {
    const parsed = parseDataUrl(url, urlPath);
    if (!parsed.mediaType.startsWith('image/')) fail(urlPath, `expected an image data URL, got media type ${parsed.mediaType}`);
    source = { kind: 'base64', mediaType: parsed.mediaType, data: parsed.data };
  } else {
    checkImageUrl(url, urlPath);
    source = { kind: 'url', url };
  }
  const image: ImagePart = { type: 'image', source };
  if (detail !== undefined) image.detail = detail;
  const cacheControl = decodeCacheControl(part);
  if (cacheControl !== undefined) image.cacheControl = cacheControl;
  return image;
}

function decodeFilePart(part: FieldReader): DocumentPart {
  const file = part.object('file');
  const fileData = file.optionalString('file_data');
  const fileId = file.optionalString('file_id');
  const filename = file.optionalString('filename');
  let source: MediaSource;
  if (fileData !== undefined) {
    if (isDataUrl(fileData)) {
      const parsed = parseDataUrl(fileData, file.at('file_data'));
      source = { kind: 'base64', mediaType: parsed.mediaType, data: parsed.data };
    } else {
      // OpenAI documents file_data as base64; clients send either a data URL or the bare base64.
      const data = toStandardBase64(fileData);
      const mediaType =
        sniffMediaType(data) ??
        mediaTypeForFilename(filename) ??
        file.fail('file_data', 'cannot tell the media type: send a data URL (data:application/pdf;base64,…) or a filename with an extension');
      source = { kind: 'base64', mediaType: normalizeMediaType(mediaType), data };
    }
  } else if (fileId !== undefined) {
    const mediaType = mediaTypeForFilename(filename);
    source = mediaType === undefined ? { kind: 'file', fileId } : { kind: 'file', fileId, mediaType };
  } else {
    return fail(file.path, 'expected file_data or file_id');
  }
  const document: DocumentPart = { type: 'document', source };
  if (filename !== undefined) document.title = filename;
  const cacheControl = decodeCacheControl(part);
  if (cacheControl !== undefined) document.cacheControl = cacheControl;
  return document;
}

function decodeAssistantContent(message: FieldReader, toolNames: Map<string, string>): AssistantContentPart[] {
  if (message.has('function_call')) {
    unsupported(message.at('function_call'), 'the legacy function_call is not translated to other providers; use tool_calls');
  }
  if (message.has('audio')) unsupported(message.at('audio'), 'assistant audio cannot be translated to other providers');
  const content: AssistantContentPart[] = [];
  const raw = message.has('content') ? message.stringOrParts('content') : [];
  if (typeof raw === 'string') {
    content.push(...textPart(raw));
  } else {
    raw.forEach((value, index) => {
      const part = FieldReader.of(value, message.at('content') + `[${index}]`);
      const type = part.string('type');
      if (type === 'text') content.push(...textPart(part.string('text'), part));
      else if (type === 'refusal') content.push({ type: 'refusal', text: part.string('refusal') });
      else part.fail('type', `expected "text" or "refusal", got "${type}"`);
    });
  }
  const refusal = message.optionalString('refusal');
  if (refusal !== undefined && refusal !== '') content.push({ type: 'refusal', text: refusal });
  (message.optionalArray('tool_calls') ?? []).forEach((value, index) => {
    const call = FieldReader.of(value, message.at('tool_calls') + `[${index}]`);
    const type = call.optionalString('type') ?? 'function';
    if (type !== 'function') unsupported(call.at('type'), `only "function" tool calls can be translated, got "${type}"`);
    const id = call.string('id');
    const fn = call.object('function');
    const name = fn.string('name');
    const args = fn.string('arguments');
    toolNames.set(id, name);
    content.push({ type: 'tool-call', id, name, arguments: args });
  });
  return content;
}

function decodeToolMessage(message: FieldReader, toolNames: Map<string, string>): ToolResultPart {
  const toolCallId = message.string('tool_call_id');
  const toolName = toolNames.get(toolCallId);
  if (toolName === undefined) {
    message.fail('tool_call_id', `no earlier assistant message has a tool call with id "${toolCallId}"`);
  }
  const raw = message.stringOrParts('content');
  let content: Array<TextPart | ImagePart>;
  if (typeof raw === 'string') {
    content = textPart(raw);
  } else {
    content = raw.flatMap((value, index): Array<TextPart | ImagePart> => {
      const part = FieldReader.of(value, message.at('content') + `[${index}]`);
      const type = part.string('type');
      if (type === 'text') return textPart(part.string('text'), part);
      // OpenAI itself rejects images here; other providers take them, so they are kept (README.md).
      if (type === 'image_url') return [decodeImagePart(part)];
      return part.fail('type', `expected "text" or "image_url", got "${type}"`);
    });
  }
  return { type: 'tool-result', toolCallId, toolName, content };
}
