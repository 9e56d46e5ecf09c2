/**
 * Responses request → the core's prompt, plus what rendering needs: the request fields the
 * response object echoes, `include` flags, and the conversation to store for a later
 * `previous_response_id`. Bounds and rules use OpenAI's wording and codes
 * [conformance openai/responses-error-400.json].
 */
import { emulatorError, type EmulatorError } from '../../errors.js';
import { readConversation, textOf } from '../../generate/conversation.js';
import type { EmulatorPrompt, PromptMessage, PromptResponseFormat, PromptToolChoice } from '../../types.js';
import { issueToError } from '../openai-chat-request.js';
import type { DecodedRequest } from '../protocol.js';
import { checkCallPairs, decodeInput, nameToolResults, type InputDependencies } from './input.js';
import { responsesRequestSchema, type ResponsesRequest } from './request-schema.js';
import { checkStrictFormat, checkStrictTools, checkToolKinds, echoTools, isFunctionTool, promptTools } from './tools.js';

export type ReasoningSummaryMode = 'auto' | 'concise' | 'detailed';

/** Request fields the response object repeats back, already defaulted as OpenAI reports them. */
export interface ResponseEcho {
  background: boolean;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  prompt_cache_key: string | null;
  prompt_cache_retention: string;
  reasoning: { effort: string | null; summary: string | null };
  safety_identifier: string | null;
  service_tier: string;
  store: boolean;
  temperature: number;
  text: Record<string, unknown>;
  tool_choice: unknown;
  tools: Array<Record<string, unknown>>;
  top_logprobs: number;
  top_p: number;
  truncation: string;
  user: string | null;
  metadata: Record<string, string>;
}

export interface ResponsesRenderOptions {
  echo: ResponseEcho;
  store: boolean;
  includeEncryptedReasoning: boolean;
  includeLogprobs: boolean;
  includeObfuscation: boolean;
  reasoningSummary: ReasoningSummaryMode | undefined;
  /** Input conversation without `instructions`: what a stored response hands to its successor. */
  conversation: PromptMessage[];
  /** Topic words of the last user turn, for the reasoning summary. */
  topicWords: string[];
}

export function decodeResponsesRequest(body: unknown, dependencies: InputDependencies): DecodedRequest<ResponsesRenderOptions> | EmulatorError {
  const parsed = responsesRequestSchema.safeParse(body);
  if (!parsed.success) return issueToError(parsed.error.issues, body);
  const request = parsed.data;
  const ruleError = checkBounds(request) ?? checkToolRules(request);
  if (ruleError !== undefined) return ruleError;

  let previous: PromptMessage[] = [];
  if (request.previous_response_id != null) {
    const stored = dependencies.store.conversation(request.previous_response_id);
    if (stored === undefined) {
      return emulatorError('invalid-request', 400, `Previous response with id '${request.previous_response_id}' not found.`, { param: 'previous_response_id', code: 'previous_response_not_found' });
    }
    previous = stored;
  } else if (request.input === undefined) {
    return emulatorError('invalid-request', 400, "Missing required parameter: 'input'.", { param: 'input', code: 'missing_required_parameter' });
  }
  if (Array.isArray(request.input) && request.input.length === 0 && previous.length === 0) {
    return emulatorError('invalid-request', 400, "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.", { param: 'input', code: 'empty_array' });
  }
  const input = request.input === undefined ? [] : decodeInput(request.input, dependencies);
  if (!Array.isArray(input)) return input;
  const conversation = nameToolResults([...previous, ...input]);
  const pairError = checkCallPairs(conversation);
  if (pairError !== undefined) return pairError;

  const instructions = request.instructions ?? undefined;
  const messages: PromptMessage[] = instructions === undefined ? conversation : [{ role: 'system', parts: [{ type: 'text', text: instructions }] }, ...conversation];
  const responseFormat = decodeTextFormat(request);
  if (responseFormat.type === 'json-object' && !messages.some((message) => /json/i.test(textOf(message)))) {
    return emulatorError('invalid-request', 400, "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.", { param: 'input' });
  }
  const include = new Set(request.include ?? []);
  const { tools, toolChoice } = decodeToolChoice(request);
  const effort = request.reasoning?.effort ?? undefined;
  const prompt: EmulatorPrompt = {
    model: request.model,
    messages,
    tools,
    toolChoice,
    parallelToolCalls: request.parallel_tool_calls ?? true,
    responseFormat,
    maxOutputTokens: request.max_output_tokens ?? undefined,
    choiceCount: 1,
    reasoningEffort: effort === 'none' ? undefined : effort,
    stopSequences: [],
    samplingSeed: undefined,
    logprobsTop: include.has('message.output_text.logprobs') ? request.top_logprobs ?? 0 : undefined,
  };
  const store = request.store ?? true;
  return {
    prompt,
    streaming: request.stream === true,
    options: {
      echo: echoRequest(request, store),
      store,
      includeEncryptedReasoning: include.has('reasoning.encrypted_content'),
      includeLogprobs: include.has('message.output_text.logprobs'),
      includeObfuscation: request.stream_options?.include_obfuscation !== false,
      reasoningSummary: request.reasoning?.summary ?? undefined,
      conversation,
      topicWords: readConversation(prompt).hints.keywords,
    },
  };
}

function invalid(message: string, param: string, code: string): EmulatorError {
  return emulatorError('invalid-request', 400, message, { param, code });
}

/** Numeric bounds, worded as OpenAI words them ("decimal below minimum value …"). */
function checkBounds(request: ResponsesRequest): EmulatorError | undefined {
  const bound = (param: string, value: number | null | undefined, minimum: number, maximum: number | undefined, kind: 'decimal' | 'integer'): EmulatorError | undefined => {
    if (value == null) return undefined;
    if (value < minimum) return invalid(`Invalid '${param}': ${kind} below minimum value. Expected a value >= ${minimum}, but got ${value} instead.`, param, `${kind}_below_min_value`);
    if (maximum !== undefined && value > maximum) return invalid(`Invalid '${param}': ${kind} above maximum value. Expected a value <= ${maximum}, but got ${value} instead.`, param, `${kind}_above_max_value`);
    return undefined;
  };
  return bound('temperature', request.temperature, 0, 2, 'decimal')
    ?? bound('top_p', request.top_p, 0, 1, 'decimal')
    ?? bound('max_output_tokens', request.max_output_tokens, 16, undefined, 'integer')
    ?? bound('top_logprobs', request.top_logprobs, 0, 20, 'integer')
    ?? bound('max_tool_calls', request.max_tool_calls, 1, undefined, 'integer');
}

function checkToolRules(request: ResponsesRequest): EmulatorError | undefined {
  const tools = request.tools ?? [];
  const kindError = checkToolKinds(tools);
  if (kindError !== undefined) return kindError;
  const choice = request.tool_choice;
  if (typeof choice === 'object' && choice !== null && choice.type === 'function') {
    const name = (choice as { name: string }).name;
    if (!tools.some((tool) => isFunctionTool(tool) && tool.name === name)) {
      return emulatorError('invalid-request', 400, "Tool choice 'function' not found in 'tools' parameter.", { param: 'tool_choice' });
    }
  }
  const format = request.text?.format;
  if (format?.type === 'json_schema' && format.strict === true) {
    const formatError = checkStrictFormat(format.name, format.schema);
    if (formatError !== undefined) return formatError;
  }
  return checkStrictTools(tools);
}

/** `allowed_tools` narrows what may be called this turn; the mode says whether a call is required. */
function decodeToolChoice(request: ResponsesRequest): { tools: EmulatorPrompt['tools']; toolChoice: PromptToolChoice } {
  const tools = promptTools(request.tools ?? []);
  const choice = request.tool_choice;
  if (choice == null || choice === 'auto') return { tools, toolChoice: { type: 'auto' } };
  if (choice === 'none' || choice === 'required') return { tools, toolChoice: { type: choice } };
  if (choice.type === 'function') return { tools, toolChoice: { type: 'tool', name: (choice as { name: string }).name } };
  if (choice.type === 'allowed_tools') {
    const allowed = new Set((choice as { tools: Array<{ name?: string | null }> }).tools.map((tool) => tool.name));
    const mode = (choice as { mode: 'auto' | 'required' }).mode;
    return { tools: tools.filter((tool) => allowed.has(tool.name)), toolChoice: { type: mode } };
  }
  return { tools, toolChoice: { type: 'auto' } };
}

function decodeTextFormat(request: ResponsesRequest): PromptResponseFormat {
  const format = request.text?.format;
  if (format == null || format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json-object' };
  return { type: 'json-schema', name: format.name, schema: format.schema };
}

function echoRequest(request: ResponsesRequest, store: boolean): ResponseEcho {
  const format = request.text?.format;
  const echoedFormat = format == null ? { type: 'text' }
    : format.type === 'json_schema' ? { type: 'json_schema', description: format.description ?? null, name: format.name, schema: format.schema, strict: format.strict ?? false }
      : { type: format.type };
  return {
    background: request.background ?? false,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    max_tool_calls: request.max_tool_calls ?? null,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    prompt_cache_key: request.prompt_cache_key ?? null,
    prompt_cache_retention: request.prompt_cache_retention ?? '24h',
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    safety_identifier: request.safety_identifier ?? null,
    service_tier: request.service_tier ?? 'auto',
    store,
    temperature: request.temperature ?? 1,
    text: { format: echoedFormat, verbosity: request.text?.verbosity ?? 'medium' },
    tool_choice: request.tool_choice ?? 'auto',
    tools: echoTools(request.tools ?? []),
    top_logprobs: request.top_logprobs ?? 0,
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}
