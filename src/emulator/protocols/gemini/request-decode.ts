/**
 * A generateContent body → the core's prompt. The wire parse (wire-validate.ts) and Gemini's
 * request rules (request-rules.ts) run first; then:
 * - `systemInstruction` text → a system message; `model` turns → assistant; a user turn's
 *   `functionResponse` parts → a tool message (results before any other parts of that turn);
 * - function calls without an `id` (Gemini's own never have one [conformance gemini/stream-tool-call])
 *   are matched to their responses by name, in order;
 * - thought parts are not part of the prompt; media other than images counts as nothing;
 * - `toolConfig.functionCallingConfig` ANY (+ `allowedFunctionNames`) → required / that tool, NONE →
 *   none; `responseMimeType` JSON (+ `responseJsonSchema` or `responseSchema`) → structured output;
 * - thinking → the core's reasoning effort (thinking.ts).
 */
import type { EmulatorError } from '../../errors.js';
import { readConversation } from '../../generate/conversation.js';
import type { EmulatorPrompt, JsonSchema, PromptMessage, PromptPart, PromptResponseFormat, PromptTool, PromptToolChoice } from '../../types.js';
import { payloadError } from './errors.js';
import { openApiToJsonSchema } from './openapi-schema.js';
import { checkRequestRules } from './request-rules.js';
import { thinkingEffort } from './thinking.js';
import { parseWireMessage } from './wire-validate.js';
import type { GeminiFlavor } from './wire-schema.js';
import type { GeminiContent, GeminiPart, GeminiRequest } from './wire-types.js';

/** How a JSON-array stream has progressed; written by the renderer as frames are taken. */
export interface ArrayStreamState {
  elementsSent: number;
}

export interface GeminiRenderOptions {
  includeThoughts: boolean;
  responseLogprobs: boolean;
  /** Words of the last user turn, for thought summaries. */
  keywords: string[];
  /** Images in the prompt, for `promptTokensDetails` by modality. */
  imageCount: number;
  /** The parsed request, for the checks that depend on the model. */
  request: GeminiRequest;
  arrayStream: ArrayStreamState;
}

export interface DecodedGemini {
  prompt: EmulatorPrompt;
  options: GeminiRenderOptions;
}

export function decodeGeminiRequest(body: unknown, flavor: GeminiFlavor, model: string): DecodedGemini | EmulatorError {
  const parsed = parseWireMessage(body, 'GenerateContentRequest', flavor);
  if ('violations' in parsed) return payloadError(parsed.violations);
  const request = parsed.value as GeminiRequest;
  const ruleError = checkRequestRules(request, flavor);
  if (ruleError !== undefined) return ruleError;
  const config = request.generationConfig ?? {};
  const { tools, toolChoice } = decodeTools(request);
  const prompt: EmulatorPrompt = {
    model,
    messages: promptMessages(request.contents ?? [], request.systemInstruction),
    tools,
    toolChoice,
    // Gemini decides on parallel calls itself; there is no switch.
    parallelToolCalls: true,
    responseFormat: decodeResponseFormat(request),
    maxOutputTokens: config.maxOutputTokens !== undefined && config.maxOutputTokens > 0 ? config.maxOutputTokens : undefined,
    choiceCount: config.candidateCount !== undefined && config.candidateCount > 0 ? config.candidateCount : 1,
    reasoningEffort: thinkingEffort(model, config.thinkingConfig),
    stopSequences: config.stopSequences ?? [],
    samplingSeed: config.seed,
    logprobsTop: config.responseLogprobs === true ? config.logprobs ?? 0 : undefined,
  };
  const facts = readConversation(prompt);
  return {
    prompt,
    options: {
      includeThoughts: config.thinkingConfig?.includeThoughts === true,
      responseLogprobs: config.responseLogprobs === true,
      keywords: facts.hints.keywords,
      imageCount: prompt.messages.reduce((sum, message) => sum + message.parts.filter((part) => part.type === 'image').length, 0),
      request,
      arrayStream: { elementsSent: 0 },
    },
  };
}

export function promptMessages(contents: readonly GeminiContent[], systemInstruction: GeminiContent | undefined): PromptMessage[] {
  const messages: PromptMessage[] = [];
  const system = (systemInstruction?.parts ?? []).map((part) => part.text ?? '').filter((text) => text.length > 0).join('\n');
  if (system.length > 0) messages.push({ role: 'system', parts: [{ type: 'text', text: system }] });
  // Calls still waiting for a response, oldest first, so id-less responses pair up by name.
  let pending: Array<{ id: string; name: string }> = [];
  contents.forEach((content, contentIndex) => {
    const parts = content.parts ?? [];
    if (content.role === 'model') {
      pending = [];
      const assistant: PromptPart[] = [];
      parts.forEach((part, partIndex) => {
        if (part.functionCall !== undefined) {
          const id = part.functionCall.id ?? `call_${contentIndex}_${partIndex}`;
          const name = part.functionCall.name ?? '';
          pending.push({ id, name });
          assistant.push({ type: 'tool-call', id, name, argumentsJson: JSON.stringify(part.functionCall.args ?? {}) });
        } else if (part.text !== undefined && part.thought !== true && part.text.length > 0) {
          assistant.push({ type: 'text', text: part.text });
        }
      });
      messages.push({ role: 'assistant', parts: assistant });
      return;
    }
    const results: PromptPart[] = [];
    for (const part of parts) {
      const response = part.functionResponse;
      if (response === undefined) continue;
      const name = response.name ?? '';
      const matched = pending.findIndex((call) => (response.id !== undefined ? call.id === response.id : call.name === name));
      const callId = matched >= 0 ? (pending.splice(matched, 1)[0]?.id ?? name) : response.id ?? name;
      results.push({ type: 'tool-result', callId, name, content: JSON.stringify(response.response ?? {}) });
    }
    if (results.length > 0) messages.push({ role: 'tool', parts: results });
    const user = parts.flatMap(userPart);
    if (user.length > 0) messages.push({ role: 'user', parts: user });
  });
  return messages;
}

function userPart(part: GeminiPart): PromptPart[] {
  if (part.text !== undefined && part.thought !== true) return part.text.length > 0 ? [{ type: 'text', text: part.text }] : [];
  const inline = part.inlineData;
  if (inline?.mimeType?.startsWith('image/') === true) return [{ type: 'image', url: `data:${inline.mimeType};base64,${inline.data ?? ''}`, detail: 'auto' }];
  const file = part.fileData;
  if (file?.fileUri !== undefined && (file.mimeType?.startsWith('image/') === true || /\.(png|jpe?g|gif|webp)$/i.test(file.fileUri))) {
    return [{ type: 'image', url: file.fileUri, detail: 'auto' }];
  }
  return [];
}

function decodeTools(request: GeminiRequest): { tools: PromptTool[]; toolChoice: PromptToolChoice } {
  const declared: PromptTool[] = [];
  for (const tool of request.tools ?? []) {
    for (const declaration of tool.functionDeclarations ?? []) {
      const parameters: JsonSchema = declaration.parametersJsonSchema !== undefined
        ? (declaration.parametersJsonSchema as JsonSchema)
        : declaration.parameters !== undefined ? openApiToJsonSchema(declaration.parameters) : { type: 'object', properties: {} };
      declared.push({ name: declaration.name ?? '', description: declaration.description ?? '', parameters });
    }
  }
  const config = request.toolConfig?.functionCallingConfig;
  const mode = config?.mode ?? 'AUTO';
  if (mode === 'NONE') return { tools: declared, toolChoice: { type: 'none' } };
  if (mode !== 'ANY') return { tools: declared, toolChoice: { type: 'auto' } };
  const allowed = config?.allowedFunctionNames ?? [];
  const tools = allowed.length === 0 ? declared : declared.filter((tool) => allowed.includes(tool.name));
  const only = tools.length === 1 ? tools[0] : undefined;
  return { tools, toolChoice: only !== undefined && allowed.length > 0 ? { type: 'tool', name: only.name } : { type: 'required' } };
}

function decodeResponseFormat(request: GeminiRequest): PromptResponseFormat {
  const config = request.generationConfig ?? {};
  if (config.responseMimeType !== 'application/json') return { type: 'text' };
  if (config.responseJsonSchema !== undefined) return { type: 'json-schema', name: 'response', schema: config.responseJsonSchema as JsonSchema };
  if (config.responseSchema !== undefined) return { type: 'json-schema', name: 'response', schema: openApiToJsonSchema(config.responseSchema) };
  return { type: 'json-object' };
}
