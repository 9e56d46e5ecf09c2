/**
 * The non-conversation parts of a Gemini request: `tools`, `toolConfig`, `generationConfig`.
 */
import type { CanonicalRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/types.js';
import {
  field,
  hasField,
  invalidRequest,
  joinPath,
  optionalArray,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringArray,
  readObject,
  requiredString,
  unsupportedFeature,
  type JsonObject,
} from './fields.js';
import { fromGeminiOpenApiSchema } from './schema-from-openapi.js';
import { readThinkingConfig } from './thinking.js';

/** `tools[].functionDeclarations[]` flattened; Gemini's built-in tools are refused by name. */
export function decodeTools(root: JsonObject): ToolDefinition[] | undefined {
  const tools = optionalArray(root, 'tools', '');
  if (tools === undefined) return undefined;
  const definitions: ToolDefinition[] = [];
  tools.forEach((rawTool, toolIndex) => {
    const toolPath = `tools[${toolIndex}]`;
    const tool = readObject(rawTool, toolPath);
    for (const key of Object.keys(tool)) {
      if (key === 'functionDeclarations' || key === 'function_declarations' || tool[key] === null) continue;
      throw unsupportedFeature(joinPath(toolPath, key), `Gemini's built-in ${key} tool has no equivalent in other protocols`);
    }
    const declarations = optionalArray(tool, 'functionDeclarations', toolPath) ?? [];
    declarations.forEach((rawDeclaration, index) => {
      definitions.push(decodeFunctionDeclaration(rawDeclaration, joinPath(joinPath(toolPath, 'functionDeclarations'), index)));
    });
  });
  return definitions;
}

/**
 * `parametersJsonSchema` (full JSON Schema) is taken as is; legacy `parameters` (OpenAPI subset) is
 * converted to JSON Schema; neither means a function without arguments. `response` /
 * `responseJsonSchema` (the function's result schema) have no canonical field and are dropped.
 */
function decodeFunctionDeclaration(raw: unknown, path: string): ToolDefinition {
  const declaration = readObject(raw, path);
  const name = requiredString(declaration, 'name', path);
  const description = optionalString(declaration, 'description', path);
  const jsonSchema = optionalObject(declaration, 'parametersJsonSchema', path);
  const openApi = optionalObject(declaration, 'parameters', path);
  if (jsonSchema !== undefined && openApi !== undefined) {
    throw invalidRequest(joinPath(path, 'parametersJsonSchema'), 'cannot be combined with parameters');
  }
  const parameters = jsonSchema ?? (openApi === undefined ? { type: 'object', properties: {} } : fromGeminiOpenApiSchema(openApi));
  const definition: ToolDefinition = { name, parameters };
  if (description !== undefined && description !== '') definition.description = description;
  return definition;
}

export interface DecodedToolChoice {
  toolChoice: ToolChoice;
  /** Set when `allowedFunctionNames` restricts the declared tools to a subset of several. */
  allowedTools?: ToolDefinition[];
}

/**
 * `toolConfig.functionCallingConfig`:
 * - AUTO → auto, NONE → none, ANY → required, VALIDATED → auto (calls are schema-checked, which
 *   canonical has no knob for; the model may still answer in text, like auto);
 * - ANY + one allowed name → that tool;
 * - several allowed names: canonical choices name at most one tool, so when they are not all the
 *   declared tools the tool list itself is narrowed to them (the model can only call those either way).
 */
export function decodeToolConfig(root: JsonObject, declared: ToolDefinition[]): DecodedToolChoice | undefined {
  const toolConfig = optionalObject(root, 'toolConfig', '');
  const config = toolConfig === undefined ? undefined : optionalObject(toolConfig, 'functionCallingConfig', 'toolConfig');
  if (config === undefined) return undefined;
  const path = 'toolConfig.functionCallingConfig';
  const mode = (optionalString(config, 'mode', path) ?? 'AUTO').toUpperCase();
  const names = optionalStringArray(config, 'allowedFunctionNames', path);
  if (mode === 'NONE') return { toolChoice: { type: 'none' } };
  if (mode !== 'AUTO' && mode !== 'ANY' && mode !== 'VALIDATED' && mode !== 'MODE_UNSPECIFIED') {
    throw invalidRequest(joinPath(path, 'mode'), `must be AUTO, ANY, NONE or VALIDATED, got ${JSON.stringify(mode)}`);
  }
  const base: ToolChoice = mode === 'ANY' ? { type: 'required' } : { type: 'auto' };
  if (names === undefined || names.length === 0) return { toolChoice: base };
  names.forEach((name, index) => {
    if (!declared.some((tool) => tool.name === name)) {
      throw invalidRequest(`${path}.allowedFunctionNames[${index}]`, `names no declared function: ${JSON.stringify(name)}`);
    }
  });
  if (mode === 'ANY' && names.length === 1 && names[0] !== undefined) return { toolChoice: { type: 'tool', name: names[0] } };
  const allowed = new Set(names);
  if (declared.every((tool) => allowed.has(tool.name))) return { toolChoice: base };
  return { toolChoice: base, allowedTools: declared.filter((tool) => allowed.has(tool.name)) };
}

type GenerationFields = Pick<
  CanonicalRequest,
  | 'maxOutputTokens'
  | 'temperature'
  | 'topP'
  | 'topK'
  | 'seed'
  | 'stopSequences'
  | 'presencePenalty'
  | 'frequencyPenalty'
  | 'n'
  | 'responseFormat'
  | 'reasoning'
  | 'logprobs'
>;

/** Output-shaping options the canonical request cannot carry to another provider. */
const REFUSED_GENERATION_FIELDS: Record<string, string> = {
  speechConfig: 'audio output has no equivalent in other protocols',
  imageConfig: 'image output has no equivalent in other protocols',
};

export function decodeGenerationConfig(root: JsonObject): GenerationFields {
  const path = 'generationConfig';
  const config = optionalObject(root, 'generationConfig', '');
  if (config === undefined) return {};
  for (const [name, reason] of Object.entries(REFUSED_GENERATION_FIELDS)) {
    if (hasField(config, name)) throw unsupportedFeature(joinPath(path, name), reason);
  }
  const modalities = optionalStringArray(config, 'responseModalities', path) ?? [];
  modalities.forEach((modality, index) => {
    if (modality.toUpperCase() !== 'TEXT') {
      throw unsupportedFeature(`${path}.responseModalities[${index}]`, `${modality} output has no equivalent in other protocols`);
    }
  });
  const fields: GenerationFields = {
    maxOutputTokens: optionalInteger(config, 'maxOutputTokens', path),
    temperature: optionalNumber(config, 'temperature', path),
    topP: optionalNumber(config, 'topP', path),
    topK: optionalInteger(config, 'topK', path),
    seed: optionalInteger(config, 'seed', path),
    stopSequences: optionalStringArray(config, 'stopSequences', path),
    presencePenalty: optionalNumber(config, 'presencePenalty', path),
    frequencyPenalty: optionalNumber(config, 'frequencyPenalty', path),
    n: optionalInteger(config, 'candidateCount', path),
    responseFormat: decodeResponseFormat(config, path),
    reasoning: readThinkingConfig(config, path),
    logprobs: decodeLogprobs(config, path),
  };
  for (const key of Object.keys(fields) as Array<keyof GenerationFields>) {
    if (fields[key] === undefined) delete fields[key];
  }
  return fields;
}

/**
 * `responseMimeType` + `responseJsonSchema` (JSON Schema) or `responseSchema` (OpenAPI subset):
 * application/json → json, or json-schema named "response" (Gemini schemas have no name);
 * text/plain → text; `text/x.enum` and other types are refused.
 */
function decodeResponseFormat(config: JsonObject, path: string): ResponseFormat | undefined {
  const mimeType = optionalString(config, 'responseMimeType', path)?.toLowerCase();
  const jsonSchema = optionalObject(config, 'responseJsonSchema', path);
  const openApi = optionalObject(config, 'responseSchema', path);
  if (jsonSchema !== undefined && openApi !== undefined) {
    throw invalidRequest(joinPath(path, 'responseJsonSchema'), 'cannot be combined with responseSchema');
  }
  const schema = jsonSchema ?? (openApi === undefined ? undefined : fromGeminiOpenApiSchema(openApi));
  if (mimeType === 'text/plain') {
    if (schema !== undefined) throw invalidRequest(joinPath(path, 'responseMimeType'), 'a response schema needs application/json');
    return { type: 'text' };
  }
  if (mimeType !== undefined && mimeType !== 'application/json') {
    throw unsupportedFeature(joinPath(path, 'responseMimeType'), `${mimeType} output has no equivalent in other protocols`);
  }
  if (schema !== undefined) return { type: 'json-schema', name: 'response', schema };
  return mimeType === undefined ? undefined : { type: 'json' };
}

/** `responseLogprobs` + `logprobs` (top candidates per step) ↔ canonical logprobs. */
function decodeLogprobs(config: JsonObject, path: string): CanonicalRequest['logprobs'] {
  const enabled = optionalBoolean(config, 'responseLogprobs', path);
  const top = optionalInteger(config, 'logprobs', path);
  if (enabled !== true) {
    if (top !== undefined && field(config, 'responseLogprobs') === undefined) {
      throw invalidRequest(joinPath(path, 'logprobs'), 'needs responseLogprobs: true');
    }
    return undefined;
  }
  return top === undefined ? {} : { topLogprobs: top };
}
