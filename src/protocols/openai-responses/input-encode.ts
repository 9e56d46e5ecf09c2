import type {
  AssistantContentPart,
  CanonicalMessage,
  DocumentPart,
  ImagePart,
  ReasoningPart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/types.js';
import { defaultFilename, toDataUrl } from './media.js';
import type {
  AssistantMessageItem,
  FunctionCallOutputItem,
  InputFileContent,
  InputImageContent,
  InputItem,
  InputMessageItem,
  InputTextContent,
  OutputTextContent,
  ReasoningItem,
  RefusalContent,
} from './wire-types.js';

export interface EncodedInput {
  instructions?: string;
  input: InputItem[];
  /** Whether reasoning items are replayed (the request then needs store:false + encrypted content). */
  replaysReasoning: boolean;
}

/**
 * Canonical messages as Responses `instructions` + `input` items.
 *
 * - A leading system message with one text part becomes `instructions`; other system messages stay
 *   in place as `system` message items.
 * - Assistant messages split into items in order: runs of text/refusal → one assistant message item,
 *   each tool call → a `function_call` item (no `fc_` id: canonical does not keep it, and the API
 *   matches calls by `call_id`), OpenAI reasoning with encrypted content → `reasoning` items.
 * - Reasoning from other providers, or OpenAI reasoning without encrypted content, is dropped: it
 *   cannot be replayed to OpenAI (PROTOCOLS.md trap 10).
 * - Each tool result → a `function_call_output` (a string when it is one text, else parts; images
 *   are allowed). `isError` has no Responses field and is dropped; the text carries the error.
 */
export function encodeResponsesInput(messages: CanonicalMessage[]): EncodedInput {
  const result: EncodedInput = { input: [], replaysReasoning: false };
  let start = 0;
  const first = messages[0];
  const only = first?.role === 'system' && first.content.length === 1 ? first.content[0] : undefined;
  if (only !== undefined && only.text !== '') {
    result.instructions = only.text;
    start = 1;
  }
  for (const message of messages.slice(start)) {
    switch (message.role) {
      case 'system': {
        const content = textContent(message.content);
        if (content.length > 0) result.input.push({ type: 'message', role: 'system', content });
        break;
      }
      case 'user':
        result.input.push({ type: 'message', role: 'user', content: message.content.flatMap(encodeUserPart) });
        break;
      case 'assistant':
        encodeAssistant(message.content, result);
        break;
      case 'tool':
        for (const part of message.content) result.input.push(encodeToolResult(part));
        break;
    }
  }
  return result;
}

function textContent(parts: TextPart[]): InputTextContent[] {
  return parts.filter((part) => part.text !== '').map((part) => ({ type: 'input_text', text: part.text }));
}

function encodeUserPart(part: UserContentPart): InputMessageItem['content'] {
  switch (part.type) {
    case 'text':
      return part.text === '' ? [] : [{ type: 'input_text', text: part.text }];
    case 'image':
      return [encodeImage(part)];
    case 'document':
      return [encodeDocument(part)];
  }
}

export function encodeImage(part: ImagePart): InputImageContent {
  const image: InputImageContent = { type: 'input_image', detail: part.detail ?? 'auto' };
  const source = part.source;
  if (source.kind === 'base64') image.image_url = toDataUrl(source.mediaType, source.data);
  else if (source.kind === 'url') image.image_url = source.url;
  else image.file_id = source.fileId;
  return image;
}

function encodeDocument(part: DocumentPart): InputFileContent {
  const file: InputFileContent = { type: 'input_file' };
  const source = part.source;
  if (source.kind === 'base64') {
    file.file_data = toDataUrl(source.mediaType, source.data);
    // OpenAI requires a filename with inline file data.
    file.filename = part.title ?? defaultFilename(source.mediaType);
    return file;
  }
  if (source.kind === 'url') file.file_url = source.url;
  else file.file_id = source.fileId;
  if (part.title !== undefined) file.filename = part.title;
  return file;
}

interface ReasoningGroup {
  itemId: string | undefined;
  texts: string[];
  encryptedContent: string | undefined;
}

function encodeAssistant(parts: AssistantContentPart[], result: EncodedInput): void {
  let message: AssistantMessageItem | undefined;
  let group: ReasoningGroup | undefined;
  const flushReasoning = (): void => {
    if (group?.encryptedContent !== undefined) {
      const summary = group.texts.map((text) => ({ type: 'summary_text' as const, text }));
      const item: ReasoningItem =
        group.itemId === undefined
          ? { type: 'reasoning', summary, encrypted_content: group.encryptedContent }
          : { type: 'reasoning', id: group.itemId, summary, encrypted_content: group.encryptedContent };
      result.input.push(item);
      result.replaysReasoning = true;
    }
    group = undefined;
  };
  for (const part of parts) {
    if (part.type === 'reasoning') {
      message = undefined;
      group = addReasoning(group, part, flushReasoning);
      continue;
    }
    flushReasoning();
    switch (part.type) {
      case 'text':
      case 'refusal': {
        // Empty text is dropped, never sent as an empty part (PROTOCOLS.md trap 7).
        if (part.text === '') break;
        if (message === undefined) {
          message = { type: 'message', role: 'assistant', content: [] };
          result.input.push(message);
        }
        appendAssistantContent(message, part.type === 'text' ? { type: 'output_text', text: part.text, annotations: [] } : { type: 'refusal', refusal: part.text });
        break;
      }
      case 'tool-call':
        message = undefined;
        result.input.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: part.arguments });
        break;
    }
  }
  flushReasoning();
}

/** One text stays a plain string; a second part, or a refusal, turns the content into parts. */
function appendAssistantContent(message: AssistantMessageItem, part: OutputTextContent | RefusalContent): void {
  if (Array.isArray(message.content)) {
    if (message.content.length === 0 && part.type === 'output_text') message.content = part.text;
    else message.content.push(part);
    return;
  }
  message.content = [{ type: 'output_text', text: message.content, annotations: [] }, part];
}

/** Consecutive OpenAI reasoning parts with one item id are one reasoning item (one summary text each). */
function addReasoning(group: ReasoningGroup | undefined, part: ReasoningPart, flush: () => void): ReasoningGroup | undefined {
  if (part.origin !== 'openai') {
    flush();
    return undefined;
  }
  let current = group;
  if (current === undefined || part.itemId === undefined || part.itemId !== current.itemId) {
    flush();
    current = { itemId: part.itemId, texts: [], encryptedContent: undefined };
  }
  if (part.text !== '') current.texts.push(part.text);
  if (part.encryptedContent !== undefined) current.encryptedContent = part.encryptedContent;
  return current;
}

function encodeToolResult(part: ToolResultPart): FunctionCallOutputItem {
  const content = part.content.filter((item) => item.type !== 'text' || item.text !== '');
  const single = content.length === 1 ? content[0] : undefined;
  if (content.length === 0) return { type: 'function_call_output', call_id: part.toolCallId, output: '' };
  if (single?.type === 'text') return { type: 'function_call_output', call_id: part.toolCallId, output: single.text };
  return {
    type: 'function_call_output',
    call_id: part.toolCallId,
    output: content.map((item) => (item.type === 'text' ? { type: 'input_text', text: item.text } : encodeImage(item))),
  };
}
