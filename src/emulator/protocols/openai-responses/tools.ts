/**
 * Function tools as the Responses API treats them. `strict` defaults to on "when the schema
 * allows" (every property required): the response then echoes the tool with `strict: true` and
 * `additionalProperties: false` filled in [conformance openai/responses-tool-call.stream.sse]. An
 * explicit `strict: true` on a schema that cannot be strict is a 400 naming the offending context.
 * Hosted tools (web search, file search, code interpreter, …) are not emulated: they get the 400
 * OpenAI gives a model that does not support them.
 */
import { emulatorError, type EmulatorError } from '../../errors.js';
import type { JsonSchema, PromptTool } from '../../types.js';
import { isRecord, type ResponsesTool } from './request-schema.js';

const HOSTED_TOOL_TYPES = new Set([
  'file_search', 'web_search', 'web_search_preview', 'web_search_2025_08_26', 'web_search_preview_2025_03_11',
  'computer_use_preview', 'computer_use', 'code_interpreter', 'image_generation', 'local_shell', 'shell', 'mcp',
  'custom', 'apply_patch',
]);

export type FunctionToolDefinition = Extract<ResponsesTool, { type: 'function' }>;

export function isFunctionTool(tool: ResponsesTool): tool is FunctionToolDefinition {
  return tool.type === 'function' && 'name' in tool;
}

/** Tool kinds OpenAI does not know are invalid values (checked before the model is looked up). */
export function checkToolKinds(tools: ReadonlyArray<{ type: string }>): EmulatorError | undefined {
  for (const [index, tool] of tools.entries()) {
    if (tool.type === 'function' || HOSTED_TOOL_TYPES.has(tool.type)) continue;
    const supported = ['function', ...HOSTED_TOOL_TYPES].map((type) => `'${type}'`).join(', ');
    return emulatorError('invalid-request', 400, `Invalid value: '${tool.type}'. Supported values are: ${supported}.`, { param: `tools[${index}].type`, code: 'invalid_value' });
  }
  return undefined;
}

/** Hosted tools are not emulated: the 400 OpenAI gives a model that does not support them. */
export function hostedToolError(tools: ReadonlyArray<Record<string, unknown>>, responseModel: string): EmulatorError | undefined {
  const hosted = tools.find((tool) => typeof tool.type === 'string' && HOSTED_TOOL_TYPES.has(tool.type));
  if (hosted === undefined) return undefined;
  return emulatorError('invalid-request', 400, `Hosted tool '${String(hosted.type)}' is not supported with ${responseModel}.`, { param: 'tools' });
}

/** An explicit `strict: true` on a schema strict mode cannot take. */
export function checkStrictTools(tools: readonly ResponsesTool[]): EmulatorError | undefined {
  for (const [index, tool] of tools.entries()) {
    if (!isFunctionTool(tool) || tool.strict !== true) continue;
    const problem = strictProblem(tool.parameters ?? {}, [], true);
    if (problem !== undefined) {
      return emulatorError('invalid-request', 400, `Invalid schema for function '${tool.name}': ${problem}`, { param: `tools[${index}].parameters`, code: 'invalid_function_parameters' });
    }
  }
  return undefined;
}

export function checkStrictFormat(name: string, schema: Record<string, unknown>): EmulatorError | undefined {
  const problem = strictProblem(schema, [], true);
  if (problem === undefined) return undefined;
  return emulatorError('invalid-request', 400, `Invalid schema for response_format '${name}': ${problem}`, { param: 'text.format.schema', code: 'invalid_json_schema' });
}

export function promptTools(tools: readonly ResponsesTool[]): PromptTool[] {
  return tools.filter(isFunctionTool).map((tool) => ({
    name: tool.name,
    description: tool.description ?? '',
    parameters: (tool.parameters ?? { type: 'object', properties: {} }) as JsonSchema,
  }));
}

/** The tools as the response object lists them. */
export function echoTools(tools: readonly ResponsesTool[]): Array<Record<string, unknown>> {
  return tools.map((tool) => {
    if (!isFunctionTool(tool)) return { ...tool };
    const parameters = tool.parameters ?? { type: 'object', properties: {} };
    const strict = tool.strict ?? strictProblem(parameters, [], false) === undefined;
    return { type: 'function', description: tool.description ?? null, name: tool.name, parameters: strict ? closeObjects(parameters) : parameters, strict };
  });
}

/**
 * The first rule of strict mode the schema breaks, in OpenAI's words, or undefined. With
 * `requireClosed` false a missing `additionalProperties` is no problem (the API adds it).
 */
function strictProblem(schema: unknown, context: readonly string[], requireClosed: boolean): string | undefined {
  if (!isRecord(schema)) return undefined;
  const where = `In context=(${context.map((segment) => `'${segment}'`).join(', ')}${context.length === 1 ? ',' : ''})`;
  const properties = isRecord(schema.properties) ? schema.properties : undefined;
  if (schema.type === 'object' || properties !== undefined) {
    if (schema.additionalProperties !== false && (requireClosed || schema.additionalProperties === true || isRecord(schema.additionalProperties))) {
      return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const keys = Object.keys(properties ?? {});
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = keys.find((key) => !required.includes(key));
    if (missing !== undefined) {
      return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    }
    for (const key of keys) {
      const problem = strictProblem(properties?.[key], [...context, 'properties', key], requireClosed);
      if (problem !== undefined) return problem;
    }
  }
  const nested: Array<[unknown, string[]]> = [[schema.items, [...context, 'items']]];
  for (const keyword of ['anyOf', 'allOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options)) options.forEach((option, index) => nested.push([option, [...context, keyword, String(index)]]));
  }
  for (const container of ['$defs', 'definitions'] as const) {
    const definitions = schema[container];
    if (isRecord(definitions)) for (const [name, definition] of Object.entries(definitions)) nested.push([definition, [...context, container, name]]);
  }
  for (const [child, childContext] of nested) {
    const problem = strictProblem(child, childContext, requireClosed);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Fill in `additionalProperties: false` on every object schema that leaves it out. */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!isRecord(schema)) return schema;
  const closed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    closed[key] = key === 'properties' || key === '$defs' || key === 'definitions'
      ? (isRecord(value) ? Object.fromEntries(Object.entries(value).map(([name, child]) => [name, closeObjects(child)])) : value)
      : key === 'items' || key === 'anyOf' || key === 'allOf' ? closeObjects(value) : value;
  }
  if ((schema.type === 'object' || isRecord(schema.properties)) && !('additionalProperties' in schema)) closed.additionalProperties = false;
  return closed;
}
