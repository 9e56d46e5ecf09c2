import type { AssistantContentPart, DocumentPart, ImagePart, MediaSource, TextPart, UserContentPart } from '../../canonical/types.js';
import { isDataUrl, mediaTypeForFilename, parseDataUrl, sourceFromUrl, toStandardBase64 } from './media.js';
import { FieldReader, describeValue, joinPath, unsupported } from '../shared/field-reader.js';

/**
 * Content parts of Responses input items into canonical parts. Empty text is dropped, never kept as an
 * empty part (PROTOCOLS.md trap 7: Anthropic rejects empty text blocks).
 */

export type MessageRole = 'user' | 'assistant' | 'system';

/** A part type that does not belong to the role it was sent with. */
function wrongRole(part: FieldReader, type: string, role: MessageRole): never {
  return part.fail('type', `"${type}" content is not allowed in a ${role} message`);
}

/** `content` of a message item: a string or an array of typed parts. */
export function decodeMessageContent(item: FieldReader, role: 'user'): UserContentPart[];
export function decodeMessageContent(item: FieldReader, role: 'assistant'): AssistantContentPart[];
export function decodeMessageContent(item: FieldReader, role: 'system'): TextPart[];
export function decodeMessageContent(item: FieldReader, role: MessageRole): Array<UserContentPart | AssistantContentPart> {
  const content = item.raw('content');
  const parts: Array<UserContentPart | AssistantContentPart> = [];
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', text: content });
    return parts;
  }
  if (!Array.isArray(content)) return item.fail('content', `expected a string or an array of content parts, got ${describeValue(content)}`);
  content.forEach((value, index) => {
    const part = FieldReader.of(value, joinPath(item.at('content'), index));
    const type = part.string('type');
    switch (type) {
      case 'input_text':
      case 'output_text': {
        // Assistant turns replayed by clients carry output_text; some send input_text. Both are text.
        const text = part.string('text');
        if (text !== '') parts.push({ type: 'text', text });
        return;
      }
      case 'refusal':
        if (role !== 'assistant') wrongRole(part, type, role);
        parts.push({ type: 'refusal', text: part.string('refusal') });
        return;
      case 'input_image':
        if (role !== 'user') wrongRole(part, type, role);
        parts.push(decodeInputImage(part));
        return;
      case 'input_file':
        if (role !== 'user') wrongRole(part, type, role);
        parts.push(decodeInputFile(part));
        return;
      case 'input_audio':
        return unsupported(part.at('type'), 'audio input is not translated to other providers');
      default:
        return part.fail('type', `unknown content type "${type}"; expected input_text, output_text, refusal, input_image or input_file`);
    }
  });
  return parts;
}

/** `{type:"input_image", image_url | file_id, detail}`; `image_url` is an https or a data URL. */
export function decodeInputImage(part: FieldReader): ImagePart {
  const imageUrl = part.optionalString('image_url');
  const fileId = part.optionalString('file_id');
  let source: MediaSource;
  if (imageUrl !== undefined) source = sourceFromUrl(imageUrl, part.at('image_url'));
  else if (fileId !== undefined) source = { kind: 'file', fileId };
  else return part.fail('image_url', 'an input_image needs image_url or file_id');
  const image: ImagePart = { type: 'image', source };
  const detail = part.optionalString('detail');
  if (detail === 'original') {
    unsupported(part.at('detail'), 'detail "original" has no equivalent in other providers; use "high" or "auto"');
  }
  if (detail !== undefined) {
    if (detail !== 'auto' && detail !== 'low' && detail !== 'high') part.fail('detail', `expected one of "auto", "low", "high", got "${detail}"`);
    image.detail = detail;
  }
  return image;
}

/** `{type:"input_file", file_data | file_url | file_id, filename}` as a canonical document. */
export function decodeInputFile(part: FieldReader): DocumentPart {
  const filename = part.optionalString('filename');
  const fileData = part.optionalString('file_data');
  const fileUrl = part.optionalString('file_url');
  const fileId = part.optionalString('file_id');
  let source: MediaSource;
  if (fileData !== undefined) {
    if (isDataUrl(fileData)) {
      const { mediaType, data } = parseDataUrl(fileData, part.at('file_data'));
      source = { kind: 'base64', mediaType, data };
    } else {
      // OpenAI also takes bare base64 and infers the type from the filename; other providers need the type.
      const mediaType = mediaTypeForFilename(filename);
      if (mediaType === undefined) {
        return part.fail('file_data', 'bare base64 needs a filename with a known extension (.pdf, .txt, …), or send a data URL with its media type');
      }
      source = { kind: 'base64', mediaType, data: toStandardBase64(fileData) };
    }
  } else if (fileUrl !== undefined) {
    source = sourceFromUrl(fileUrl, part.at('file_url'));
  } else if (fileId !== undefined) {
    source = { kind: 'file', fileId };
  } else {
    return part.fail('file_data', 'an input_file needs file_data, file_url or file_id');
  }
  const document: DocumentPart = { type: 'document', source };
  if (filename !== undefined) document.title = filename;
  return document;
}

/** `function_call_output.output`: a string, or input_text / input_image parts (images allowed here, unlike Chat). */
export function decodeToolOutput(item: FieldReader): Array<TextPart | ImagePart> {
  const output = item.raw('output');
  const parts: Array<TextPart | ImagePart> = [];
  if (typeof output === 'string') {
    if (output !== '') parts.push({ type: 'text', text: output });
    return parts;
  }
  if (!Array.isArray(output)) return item.fail('output', `expected a string or an array of content parts, got ${describeValue(output)}`);
  output.forEach((value, index) => {
    const part = FieldReader.of(value, joinPath(item.at('output'), index));
    const type = part.string('type');
    switch (type) {
      case 'input_text':
      case 'output_text': {
        const text = part.string('text');
        if (text !== '') parts.push({ type: 'text', text });
        return;
      }
      case 'input_image':
        parts.push(decodeInputImage(part));
        return;
      case 'input_file':
        return unsupported(part.at('type'), 'files inside a function_call_output are not translated; send the file in a user message');
      default:
        return part.fail('type', `unknown tool output type "${type}"; expected input_text or input_image`);
    }
  });
  return parts;
}
