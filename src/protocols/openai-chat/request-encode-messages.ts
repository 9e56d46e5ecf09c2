import type {
  AssistantContentPart,
  CanonicalMessage,
  DocumentPart,
  ImagePart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/types.js';
import { defaultFilename, toDataUrl } from './media.js';
import { unsupported } from '../shared/field-reader.js';
import type { ChatFilePart, ChatImagePart, ChatMessage, ChatTextPart, ChatToolCall, ChatUserPart } from './wire-types.js';

/**
 * Canonical messages into Chat `messages[]` for an OpenAI-protocol provider (OpenAI, DeepSeek, vLLM…).
 * - system messages stay in place with role `system` (every OpenAI-compatible server knows it; OpenAI
 *   maps it to `developer` for reasoning models itself, while some models reject `developer`);
 * - reasoning parts are dropped: Chat has no reasoning input, and their signatures are provider-bound;
 * - cache hints and Gemini thought signatures are dropped (OpenAI caches prompts by itself);
 * - each tool result becomes one `tool` message (text only); images in results follow, after all the
 *   `tool` messages of the turn, as one user message (Chat `tool` messages cannot hold images).
 * Paths in errors are canonical message positions, which match the caller's own in most protocols.
 */
export function encodeChatMessages(messages: CanonicalMessage[]): ChatMessage[] {
  const result: ChatMessage[] = [];
  messages.forEach((message, index) => {
    const path = `messages[${index}]`;
    switch (message.role) {
      case 'system':
        result.push({ role: 'system', content: encodeTextContent(message.content) });
        return;
      case 'user':
        result.push({ role: 'user', content: encodeUserContent(message.content, path) });
        return;
      case 'assistant':
        result.push(encodeAssistant(message.content));
        return;
      case 'tool':
        result.push(...encodeToolResults(message.content, path));
        return;
    }
  });
  return result;
}

/** One text part as a plain string (what every server accepts); several keep their boundaries as parts. */
function encodeTextContent(parts: TextPart[]): string | ChatTextPart[] {
  if (parts.length === 0) return '';
  if (parts.length === 1) return parts[0]?.text ?? '';
  return parts.map((part) => ({ type: 'text', text: part.text }));
}

function encodeUserContent(parts: UserContentPart[], path: string): string | ChatUserPart[] {
  if (parts.every((part) => part.type === 'text')) return encodeTextContent(parts as TextPart[]);
  return parts.map((part, index): ChatUserPart => {
    const partPath = `${path}.content[${index}]`;
    switch (part.type) {
      case 'text':
        return { type: 'text', text: part.text };
      case 'image':
        return encodeImage(part, partPath);
      case 'document':
        return encodeDocument(part, partPath);
    }
  });
}

function encodeImage(image: ImagePart, path: string): ChatImagePart {
  const { source } = image;
  let url: string;
  if (source.kind === 'base64') url = toDataUrl(source.mediaType, source.data);
  else if (source.kind === 'url') url = source.url;
  else return unsupported(path, 'an image given by provider file id cannot be sent to an OpenAI Chat provider; send it inline or by URL');
  return image.detail === undefined ? { type: 'image_url', image_url: { url } } : { type: 'image_url', image_url: { url, detail: image.detail } };
}

function encodeDocument(document: DocumentPart, path: string): ChatFilePart {
  const { source } = document;
  if (source.kind === 'base64') {
    return { type: 'file', file: { filename: document.title ?? defaultFilename(source.mediaType), file_data: toDataUrl(source.mediaType, source.data) } };
  }
  if (source.kind === 'file') {
    return { type: 'file', file: document.title === undefined ? { file_id: source.fileId } : { file_id: source.fileId, filename: document.title } };
  }
  return unsupported(path, 'OpenAI Chat cannot fetch a document by URL; send the document inline (base64) instead');
}

function encodeAssistant(parts: AssistantContentPart[]): ChatMessage {
  const texts: ChatTextPart[] = [];
  const refusals: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const part of parts) {
    if (part.type === 'text' && part.text !== '') texts.push({ type: 'text', text: part.text });
    else if (part.type === 'refusal') refusals.push(part.text);
    else if (part.type === 'tool-call') {
      // A no-argument call can reach us as "" (PROTOCOLS.md trap 2); Chat providers parse it as JSON.
      toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments === '' ? '{}' : part.arguments } });
    }
  }
  // content is null, never "", beside tool calls or a refusal (PROTOCOLS.md trap 7).
  let content: string | ChatTextPart[] | null;
  if (texts.length === 0) content = toolCalls.length > 0 || refusals.length > 0 ? null : '';
  else content = texts.length === 1 ? (texts[0]?.text ?? '') : texts;
  const message: ChatMessage = { role: 'assistant', content };
  if (refusals.length > 0) message.refusal = refusals.join('');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

function encodeToolResults(results: ToolResultPart[], path: string): ChatMessage[] {
  const toolMessages: ChatMessage[] = [];
  const imageParts: ChatUserPart[] = [];
  results.forEach((result, index) => {
    const texts: TextPart[] = [];
    const images: ImagePart[] = [];
    for (const part of result.content) {
      if (part.type === 'text') {
        if (part.text !== '') texts.push(part);
      } else {
        images.push(part);
      }
    }
    let content = encodeTextContent(texts);
    if (images.length > 0) {
      const plural = images.length === 1 ? 'image' : 'images';
      if (content === '') content = `The result is the ${plural} in the next message.`;
      const label = `The ${plural} returned by tool call ${result.toolCallId}${result.toolName === undefined ? '' : ` (${result.toolName})`}:`;
      imageParts.push({ type: 'text', text: label });
      images.forEach((image, imageIndex) => imageParts.push(encodeImage(image, `${path}.content[${index}].content[${imageIndex}]`)));
    }
    toolMessages.push({ role: 'tool', tool_call_id: result.toolCallId, content });
  });
  if (imageParts.length > 0) toolMessages.push({ role: 'user', content: imageParts });
  return toolMessages;
}
