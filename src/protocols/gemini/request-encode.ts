/**
 * Canonical request → Gemini generateContent body (the model and `:streamGenerateContent` go in the
 * URL, so neither `model` nor `stream` is written here).
 *
 * Conversation rules (PROTOCOLS.md traps 7, 8, 10, 11):
 * - system messages, wherever they stand, are hoisted in order into `systemInstruction.parts`;
 * - assistant → `model`; user and tool → `user`; consecutive same-role turns are merged;
 * - every content keeps ≥ 1 part; empty text is dropped from model turns unless it carries a
 *   `thoughtSignature` (user text is sent as given: the API accepts `{text: ""}` there
 *   [conformance gemini/generate-parallel-results.request.json]);
 * - `thoughtSignature` is replayed only where Gemini produced it (text and tool-call parts carrying one,
 *   reasoning with origin gemini); reasoning from other providers is dropped (provider-bound);
 * - Gemini 3 rejects a step whose first function call has no signature (histories from other models):
 *   such calls get Google's documented `skip_thought_signature_validator` value;
 * - each tool result → one `functionResponse {id, name, response: object}` part; the name comes from
 *   the result or the earlier assistant call with the same id. Images in tool results ride in
 *   `functionResponse.parts` for Gemini 3 (multimodal function responses) and follow the responses
 *   as user parts for earlier models [conformance gemini/generate-image-inline-after-tool.request.json].
 */
import type {
  AssistantContentPart,
  CanonicalRequest,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/types.js';
import { compact, invalidRequest, isObject } from './fields.js';
import { encodeMediaSource } from './media-encode.js';
import { DUMMY_THOUGHT_SIGNATURE } from './parts-decode.js';
import { encodeGenerationConfig, encodeToolFields, type GeminiEncodeOptions } from './request-encode-config.js';
import { usesThinkingLevel } from './thinking.js';
import { encodeFunctionResponseBody } from './tool-result.js';
import type { GeminiContent, GeminiFunctionResponse, GeminiPart } from './wire-types.js';

export type { GeminiEncodeOptions } from './request-encode-config.js';

export function encodeGeminiRequest(
  request: CanonicalRequest,
  upstreamModel: string,
  options: GeminiEncodeOptions = {},
): Record<string, unknown> {
  const { systemParts, contents } = encodeConversation(request, upstreamModel);
  const body: Record<string, unknown> = { contents };
  if (systemParts.length > 0) body.systemInstruction = { parts: systemParts };
  Object.assign(body, encodeToolFields(request, options));
  const generationConfig = encodeGenerationConfig(request, upstreamModel, options);
  if (generationConfig !== undefined) body.generationConfig = generationConfig;
  return body;
}

/** Gemini 3 and later: signature validation and multimodal function responses. */
function isGemini3(model: string): boolean {
  return usesThinkingLevel(model);
}

function encodeConversation(request: CanonicalRequest, model: string): { systemParts: GeminiPart[]; contents: GeminiContent[] } {
  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();
  const push = (role: GeminiContent['role'], parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  request.messages.forEach((message, index) => {
    const path = `messages[${index}]`;
    switch (message.role) {
      case 'system':
        for (const part of message.content) if (part.text !== '') systemParts.push({ text: part.text });
        break;
      case 'user':
        push('user', message.content.map((part, partIndex) => encodeUserPart(part, `${path}.content[${partIndex}]`)));
        break;
      case 'assistant':
        push('model', encodeAssistantParts(message.content, path, callNames));
        break;
      case 'tool':
        push('user', encodeToolResults(message.content, path, callNames, isGemini3(model)));
        break;
    }
  });
  if (contents.length === 0) throw invalidRequest('messages', 'Gemini needs at least one user or assistant message with content');
  if (isGemini3(model)) for (const content of contents) if (content.role === 'model') signFirstCall(content);
  return { systemParts, contents };
}

function signFirstCall(content: GeminiContent): void {
  const firstCall = content.parts.find((part) => part.functionCall !== undefined);
  if (firstCall !== undefined && firstCall.thoughtSignature === undefined) firstCall.thoughtSignature = DUMMY_THOUGHT_SIGNATURE;
}

function encodeUserPart(part: UserContentPart, path: string): GeminiPart {
  if (part.type === 'text') return compact({ text: part.text, thoughtSignature: part.thoughtSignature });
  return encodeMediaSource(part.source, `${path}.source`);
}

/** Tool-call arguments as the object Gemini wants; empty text means no arguments. */
export function parseToolArguments(text: string, path: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidRequest(path, 'must be JSON text');
  }
  if (!isObject(value)) throw invalidRequest(path, 'must be a JSON object');
  return value;
}

function encodeAssistantParts(content: AssistantContentPart[], path: string, callNames: Map<string, string>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  content.forEach((part, index) => {
    switch (part.type) {
      case 'text':
        if (part.text !== '' || part.thoughtSignature !== undefined) parts.push(compact({ text: part.text, thoughtSignature: part.thoughtSignature }));
        break;
      case 'reasoning':
        // Another provider's reasoning (and its signature or encrypted blob) means nothing to Gemini.
        if (part.origin === 'gemini' && (part.text !== '' || part.signature !== undefined)) {
          parts.push(compact({ text: part.text, thought: true, thoughtSignature: part.signature }));
        }
        break;
      case 'tool-call':
        callNames.set(part.id, part.name);
        parts.push(
          compact({
            functionCall: { id: part.id, name: part.name, args: parseToolArguments(part.arguments, `${path}.content[${index}].arguments`) },
            thoughtSignature: part.thoughtSignature,
          }),
        );
        break;
      case 'refusal':
        parts.push({ text: part.text });
        break;
    }
  });
  return parts;
}

function encodeToolResults(results: ToolResultPart[], path: string, callNames: Map<string, string>, multimodal: boolean): GeminiPart[] {
  const responses: GeminiPart[] = [];
  const trailingMedia: GeminiPart[] = [];
  results.forEach((result, index) => {
    const resultPath = `${path}.content[${index}]`;
    const name = result.toolName ?? callNames.get(result.toolCallId);
    if (name === undefined) {
      throw invalidRequest(
        `${resultPath}.toolName`,
        `Gemini needs the function name, and no earlier assistant tool call has id ${JSON.stringify(result.toolCallId)}`,
      );
    }
    const text = result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
    const media = result.content.flatMap((part, partIndex) =>
      part.type === 'image' ? [encodeMediaSource(part.source, `${resultPath}.content[${partIndex}].source`)] : [],
    );
    const functionResponse: GeminiFunctionResponse = {
      id: result.toolCallId,
      name,
      response: encodeFunctionResponseBody(text, result.isError === true),
    };
    if (multimodal && media.length > 0) functionResponse.parts = media;
    else trailingMedia.push(...media);
    responses.push({ functionResponse });
  });
  return [...responses, ...trailingMedia];
}
