/**
 * The checks Gemini makes after the body parsed, in its own words: contents and parts present,
 * valid roles (Vertex insists on an explicit one), one data field per part, function-call turns
 * answered by exactly as many function responses in the next turn, valid function names, allowed
 * response MIME types, one of thinking budget or level. Model-dependent rules (thought signatures,
 * penalties, thinking on models that cannot switch it off) live in gemini-protocol.ts.
 */
import type { EmulatorError } from '../../errors.js';
import { fieldError, invalidArgument, vertexInvalid } from './errors.js';
import type { GeminiFlavor } from './wire-schema.js';
import type { GeminiContent, GeminiPart, GeminiRequest } from './wire-types.js';

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
const MIME_TYPES = new Set(['text/plain', 'application/json', 'application/xml', 'application/yaml', 'text/x.enum']);
const ROLES = new Set(['user', 'model', 'function']);

export function checkRequestRules(request: GeminiRequest, flavor: GeminiFlavor): EmulatorError | undefined {
  return checkContents(request.contents ?? [], flavor) ?? checkFunctionTurns(request.contents ?? []) ?? checkTools(request) ?? checkGenerationConfig(request);
}

function checkContents(contents: readonly GeminiContent[], flavor: GeminiFlavor): EmulatorError | undefined {
  if (contents.length === 0) {
    return flavor === 'vertex' ? vertexInvalid('it has an empty contents field.') : fieldError('contents', 'contents is not specified');
  }
  for (const [index, content] of contents.entries()) {
    const role = content.role ?? '';
    // AI Studio reads a missing role as "user"; Vertex refuses it.
    if (!ROLES.has(role) && !(role === '' && flavor === 'gemini')) return invalidArgument('Please use a valid role: user, model.');
    const parts = content.parts ?? [];
    if (parts.length === 0) {
      return flavor === 'vertex' ? vertexInvalid('it must include at least one parts field, which describes the prompt input.') : fieldError(`contents[${index}].parts`, 'contents.parts must not be empty.');
    }
    for (const [partIndex, part] of parts.entries()) {
      const error = checkPart(part, `contents[${index}].parts[${partIndex}]`, role, flavor);
      if (error !== undefined) return error;
    }
  }
  return undefined;
}

function checkPart(part: GeminiPart, path: string, role: string, flavor: GeminiFlavor): EmulatorError | undefined {
  const data = [part.text, part.inlineData, part.fileData, part.functionCall, part.functionResponse, part.executableCode, part.codeExecutionResult];
  if (data.every((value) => value === undefined)) return fieldError(`${path}.data`, "required oneof field 'data' must have one initialized field");
  if (part.functionCall !== undefined && !part.functionCall.name) return fieldError(`${path}.function_call.name`, 'Name cannot be empty.');
  if (part.functionResponse !== undefined && !part.functionResponse.name) return fieldError(`${path}.function_response.name`, 'Name cannot be empty.');
  // Vertex refuses empty user text; model turns may carry an empty text part holding a signature.
  if (flavor === 'vertex' && role !== 'model' && part.text === '') return vertexInvalid('it has an empty text parameter. Add a value to the parameter and try again.');
  return undefined;
}

/** Every model turn with function calls is answered, in the very next turn, by one response per call. */
function checkFunctionTurns(contents: readonly GeminiContent[]): EmulatorError | undefined {
  const count = (content: GeminiContent | undefined, key: 'functionCall' | 'functionResponse'): number => (content?.parts ?? []).filter((part) => part[key] !== undefined).length;
  for (const [index, content] of contents.entries()) {
    const previous = contents[index - 1];
    const calls = count(content, 'functionCall');
    const responses = count(content, 'functionResponse');
    if (calls > 0 && (previous === undefined || previous.role === 'model')) {
      return invalidArgument('Please ensure that function call turn comes immediately after a user turn or after a function response turn.');
    }
    if (responses > 0) {
      const previousCalls = count(previous, 'functionCall');
      if (previousCalls === 0) return invalidArgument('Please ensure that function response turn comes immediately after a function call turn.');
      if (previousCalls !== responses) return invalidArgument('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
    }
    const next = contents[index + 1];
    if (calls > 0 && next !== undefined && count(next, 'functionResponse') === 0) {
      return invalidArgument('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
    }
  }
  return undefined;
}

function checkTools(request: GeminiRequest): EmulatorError | undefined {
  for (const [toolIndex, tool] of (request.tools ?? []).entries()) {
    for (const [index, declaration] of (tool.functionDeclarations ?? []).entries()) {
      const path = `tools[${toolIndex}].function_declarations[${index}]`;
      if (!FUNCTION_NAME.test(declaration.name ?? '')) {
        return fieldError(`${path}.name`, 'Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.');
      }
      if (declaration.parameters !== undefined && declaration.parametersJsonSchema !== undefined) {
        return fieldError(`${path}.parameters_json_schema`, 'parameters and parameters_json_schema cannot both be set.');
      }
    }
  }
  return undefined;
}

function checkGenerationConfig(request: GeminiRequest): EmulatorError | undefined {
  const config = request.generationConfig ?? {};
  if (config.responseMimeType !== undefined && config.responseMimeType !== '' && !MIME_TYPES.has(config.responseMimeType)) {
    return fieldError('generation_config.response_mime_type', 'allowed mimetypes are `text/plain`, `application/json`, `application/xml`, `application/yaml` and `text/x.enum`.');
  }
  if (config.candidateCount !== undefined && (config.candidateCount < 0 || config.candidateCount > 8)) {
    return fieldError('generation_config.candidate_count', 'candidate_count must be between 1 and 8.');
  }
  const thinking = config.thinkingConfig;
  if (thinking?.thinkingBudget !== undefined && thinking.thinkingLevel !== undefined) {
    return invalidArgument('You can only set one of thinking budget and thinking level.');
  }
  if (thinking?.thinkingBudget !== undefined && thinking.thinkingBudget < -1) {
    return fieldError('generation_config.thinking_config.thinking_budget', 'thinking_budget must be -1 (dynamic), 0 or a positive number of tokens.');
  }
  return undefined;
}
