/**
 * Gemini generateContent request body → canonical request. The model and streaming come from the URL
 * (`/v1beta/models/{model}:streamGenerateContent`), passed in `context`.
 *
 * Turns: `systemInstruction.parts` → one leading system message; `role: "model"` → assistant;
 * `role: "user"` (or missing, or the legacy `"function"`) → user. A user turn mixes what canonical
 * keeps apart, so it is split in order into runs: `functionResponse` parts → a tool message, the
 * rest → a user message [conformance gemini/generate-image-inline-after-tool.request.json].
 */
import type {
  CanonicalMessage,
  CanonicalRequest,
  ImagePart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
  UserContentPart,
  AssistantContentPart,
} from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import type { RequestContext } from '../codec.js';
import {
  field,
  hasField,
  invalidRequest,
  joinPath,
  optionalArray,
  optionalBoolean,
  optionalObject,
  optionalString,
  readArray,
  readObject,
  requiredArray,
  requiredString,
  unsupportedFeature,
  type JsonObject,
} from './fields.js';
import { decodeMediaPart, isMediaPart } from './media-decode.js';
import { decodeModelPart, readThoughtSignature } from './parts-decode.js';
import { decodeGenerationConfig, decodeToolConfig, decodeTools } from './request-decode-config.js';
import { FunctionCallLedger } from './tool-ids.js';
import { decodeFunctionResponseBody } from './tool-result.js';

export function decodeGeminiRequest(body: Record<string, unknown>, context: RequestContext = {}): CanonicalRequest {
  const root = readObject(body, 'body');
  const messages: CanonicalMessage[] = [];
  const system = decodeSystemInstruction(root);
  if (system !== undefined) messages.push(system);
  messages.push(...decodeContents(requiredArray(root, 'contents', '')));
  if (hasField(root, 'cachedContent')) {
    throw unsupportedFeature('cachedContent', 'a Gemini context cache is provider-bound content the gateway cannot read or move');
  }

  const request: CanonicalRequest = { model: resolveModel(root, context), messages, stream: context.stream ?? false };
  const declared = decodeTools(root);
  const choice = decodeToolConfig(root, declared ?? []);
  const tools = choice?.allowedTools ?? declared;
  if (tools !== undefined && tools.length > 0) request.tools = tools;
  if (choice !== undefined) request.toolChoice = choice.toolChoice;
  Object.assign(request, decodeGenerationConfig(root));
  const labels = optionalObject(root, 'labels', '');
  if (labels !== undefined) request.metadata = readLabels(labels);
  return request;
}

function resolveModel(root: JsonObject, context: RequestContext): string {
  const model = context.model ?? optionalString(root, 'model', '');
  if (model === undefined || model === '') {
    throw new GatewayError('missing_model', 'the model is named in the URL path (/v1beta/models/{model}:generateContent)', { param: 'model' });
  }
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

/** Vertex `labels` are string metadata; everything else is ignored. */
function readLabels(labels: JsonObject): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') throw invalidRequest(`labels.${key}`, 'must be a string');
    metadata[key] = value;
  }
  return metadata;
}

function decodeSystemInstruction(root: JsonObject): CanonicalMessage | undefined {
  const raw = field(root, 'systemInstruction');
  if (raw === undefined) return undefined;
  // The SDKs accept a bare string and send Content; accept both.
  if (typeof raw === 'string') return { role: 'system', content: [{ type: 'text', text: raw }] };
  const instruction = readObject(raw, 'systemInstruction');
  const parts = requiredArray(instruction, 'parts', 'systemInstruction');
  const content: TextPart[] = parts.map((rawPart, index) => {
    const path = `systemInstruction.parts[${index}]`;
    const part = readObject(rawPart, path);
    const text = optionalString(part, 'text', path);
    if (text === undefined) throw unsupportedFeature(path, 'only text parts can be carried in a system instruction');
    return { type: 'text', text };
  });
  return { role: 'system', content };
}

function decodeContents(contents: unknown[]): CanonicalMessage[] {
  if (contents.length === 0) throw invalidRequest('contents', 'must hold at least one turn');
  const ledger = new FunctionCallLedger();
  const messages: CanonicalMessage[] = [];
  contents.forEach((rawContent, turn) => {
    const path = `contents[${turn}]`;
    const content = readObject(rawContent, path);
    const role = optionalString(content, 'role', path) ?? 'user';
    const parts = requiredArray(content, 'parts', path);
    if (parts.length === 0) throw invalidRequest(joinPath(path, 'parts'), 'must hold at least one part');
    if (role === 'model') {
      const message = decodeModelTurn(parts, joinPath(path, 'parts'), turn, ledger);
      if (message.content.length > 0) messages.push(message);
    } else if (role === 'user' || role === 'function') {
      messages.push(...decodeUserTurn(parts, joinPath(path, 'parts'), ledger));
    } else {
      throw invalidRequest(joinPath(path, 'role'), `must be "user" or "model", got ${JSON.stringify(role)}`);
    }
  });
  return messages;
}

function decodeModelTurn(parts: unknown[], path: string, turn: number, ledger: FunctionCallLedger): CanonicalMessage {
  const content: AssistantContentPart[] = [];
  parts.forEach((rawPart, index) => {
    const decoded = decodeModelPart(rawPart, joinPath(path, index), false);
    if (decoded.kind === 'text' || decoded.kind === 'reasoning') content.push(decoded.part);
    else if (decoded.kind === 'call') {
      const call: ToolCallPart = {
        type: 'tool-call',
        id: ledger.recordCall(decoded.name, decoded.explicitId, turn, index),
        name: decoded.name,
        arguments: decoded.arguments,
      };
      if (decoded.thoughtSignature !== undefined) call.thoughtSignature = decoded.thoughtSignature;
      content.push(call);
    }
  });
  return { role: 'assistant', content };
}

function decodeUserTurn(parts: unknown[], path: string, ledger: FunctionCallLedger): CanonicalMessage[] {
  const messages: CanonicalMessage[] = [];
  let userRun: UserContentPart[] | undefined;
  let toolRun: ToolResultPart[] | undefined;
  parts.forEach((rawPart, index) => {
    const partPath = joinPath(path, index);
    const part = readObject(rawPart, partPath);
    if (hasField(part, 'functionResponse')) {
      userRun = undefined;
      if (toolRun === undefined) {
        toolRun = [];
        messages.push({ role: 'tool', content: toolRun });
      }
      toolRun.push(decodeFunctionResponse(part, partPath, ledger));
      return;
    }
    toolRun = undefined;
    if (userRun === undefined) {
      userRun = [];
      messages.push({ role: 'user', content: userRun });
    }
    userRun.push(decodeUserPart(part, partPath));
  });
  return messages;
}

function decodeUserPart(part: JsonObject, path: string): UserContentPart {
  if (isMediaPart(part)) return decodeMediaPart(part, path);
  if (hasField(part, 'functionCall')) throw invalidRequest(path, 'functionCall parts belong in a model turn');
  if (optionalBoolean(part, 'thought', path) === true) throw invalidRequest(joinPath(path, 'thought'), 'thought parts belong in a model turn');
  const text = optionalString(part, 'text', path);
  if (text === undefined) {
    if (hasField(part, 'executableCode') || hasField(part, 'codeExecutionResult')) {
      throw unsupportedFeature(path, "Gemini's built-in code execution parts have no equivalent in other protocols");
    }
    throw invalidRequest(path, 'a user part must hold text, inlineData, fileData or functionResponse');
  }
  const textPart: TextPart = { type: 'text', text };
  const signature = readThoughtSignature(part, path);
  if (signature !== undefined) textPart.thoughtSignature = signature;
  return textPart;
}

function decodeFunctionResponse(part: JsonObject, path: string, ledger: FunctionCallLedger): ToolResultPart {
  const responsePath = joinPath(path, 'functionResponse');
  const functionResponse = readObject(field(part, 'functionResponse'), responsePath);
  const name = requiredString(functionResponse, 'name', responsePath);
  const id = optionalString(functionResponse, 'id', responsePath);
  const body = optionalObject(functionResponse, 'response', responsePath);
  const mediaParts = optionalArray(functionResponse, 'parts', responsePath) ?? [];
  if (body === undefined && mediaParts.length === 0) throw invalidRequest(joinPath(responsePath, 'response'), 'is required');
  const { text, isError } = decodeFunctionResponseBody(body ?? {});
  // An empty output is no text at all: canonical content never holds empty text parts (PROTOCOLS.md trap 7).
  const content: Array<TextPart | ImagePart> = body === undefined || text === '' ? [] : [{ type: 'text', text }];
  // Multimodal function responses (Gemini 3): `parts` of inlineData / fileData.
  readArray(mediaParts, joinPath(responsePath, 'parts')).forEach((rawMedia, index) => {
    const mediaPath = joinPath(joinPath(responsePath, 'parts'), index);
    const media = decodeMediaPart(readObject(rawMedia, mediaPath), mediaPath);
    if (media.type !== 'image') throw unsupportedFeature(mediaPath, 'only images can be carried in a canonical tool result');
    content.push(media);
  });
  const result: ToolResultPart = { type: 'tool-result', toolCallId: ledger.matchResponse(name, id, joinPath(responsePath, 'name')), toolName: name, content };
  if (isError) result.isError = true;
  return result;
}
