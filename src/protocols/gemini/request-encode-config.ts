/**
 * Canonical tools, tool choice and sampling options → Gemini `tools`, `toolConfig`, `generationConfig`.
 */
import type { CanonicalRequest } from '../../canonical/types.js';
import { invalidRequest, type JsonObject } from './fields.js';
import { toGeminiOpenApiSchema } from './schema-sanitize.js';
import { encodeThinkingConfig } from './thinking.js';

export interface GeminiEncodeOptions {
  /**
   * Send tool parameter and response schemas in the legacy OpenAPI-subset fields (`parameters`,
   * `responseSchema`), rewritten by `toGeminiOpenApiSchema`, instead of `parametersJsonSchema` /
   * `responseJsonSchema` (full JSON Schema, the default). For endpoints or models that predate the
   * JSON Schema fields.
   */
  legacySchemaFields?: boolean;
}

/**
 * `tools` → one `{functionDeclarations}` entry. `strict` and `cacheControl` are dropped: Gemini has no
 * per-tool strictness or cache hint. Tool choice: auto → AUTO, none → NONE, required → ANY,
 * a named tool → ANY + `allowedFunctionNames: [name]`. `parallelToolCalls` is dropped: Gemini has no
 * switch for it.
 */
export function encodeToolFields(request: CanonicalRequest, options: GeminiEncodeOptions): JsonObject {
  const tools = request.tools ?? [];
  const choice = request.toolChoice;
  if (tools.length === 0) {
    if (choice?.type === 'required' || choice?.type === 'tool') {
      throw invalidRequest('toolChoice', `${choice.type === 'tool' ? `tool ${JSON.stringify(choice.name)}` : 'a required tool call'} needs tools, and none are declared`);
    }
    return {};
  }
  const functionDeclarations = tools.map((tool, index) => {
    const declaration: JsonObject = { name: tool.name };
    if (tool.description !== undefined) declaration.description = tool.description;
    if (options.legacySchemaFields === true) declaration.parameters = toGeminiOpenApiSchema(tool.parameters, `tools[${index}].parameters`);
    else declaration.parametersJsonSchema = tool.parameters;
    return declaration;
  });
  const fields: JsonObject = { tools: [{ functionDeclarations }] };
  if (choice !== undefined) {
    const functionCallingConfig: JsonObject = { mode: { auto: 'AUTO', none: 'NONE', required: 'ANY', tool: 'ANY' }[choice.type] };
    if (choice.type === 'tool') {
      if (!tools.some((tool) => tool.name === choice.name)) {
        throw invalidRequest('toolChoice.name', `names no declared tool: ${JSON.stringify(choice.name)}`);
      }
      functionCallingConfig.allowedFunctionNames = [choice.name];
    }
    fields.toolConfig = { functionCallingConfig };
  }
  return fields;
}

/**
 * Sampling and output options → `generationConfig` (omitted when empty). `n` → `candidateCount`;
 * logprobs → `responseLogprobs` + `logprobs` (top candidates per step; documented in the
 * GenerationConfig reference); response formats → `responseMimeType` + `responseJsonSchema`
 * (a json-schema's `name`, `description` and `strict` have no Gemini field: Gemini always enforces it).
 */
export function encodeGenerationConfig(request: CanonicalRequest, model: string, options: GeminiEncodeOptions): JsonObject | undefined {
  const config: JsonObject = {};
  const copy = (name: string, value: unknown): void => {
    if (value !== undefined) config[name] = value;
  };
  copy('maxOutputTokens', request.maxOutputTokens);
  copy('temperature', request.temperature);
  copy('topP', request.topP);
  copy('topK', request.topK);
  copy('seed', request.seed);
  copy('stopSequences', request.stopSequences);
  copy('presencePenalty', request.presencePenalty);
  copy('frequencyPenalty', request.frequencyPenalty);
  copy('candidateCount', request.n);
  const format = request.responseFormat;
  if (format?.type === 'text') config.responseMimeType = 'text/plain';
  else if (format !== undefined) {
    config.responseMimeType = 'application/json';
    if (format.type === 'json-schema') {
      if (options.legacySchemaFields === true) config.responseSchema = toGeminiOpenApiSchema(format.schema, 'responseFormat.schema');
      else config.responseJsonSchema = format.schema;
    }
  }
  if (request.reasoning !== undefined) copy('thinkingConfig', encodeThinkingConfig(request.reasoning, model));
  if (request.logprobs !== undefined) {
    config.responseLogprobs = true;
    copy('logprobs', request.logprobs.topLogprobs);
  }
  return Object.keys(config).length > 0 ? config : undefined;
}
