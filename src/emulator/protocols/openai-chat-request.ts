/**
 * Chat Completions request → the core's prompt. Validation errors use OpenAI's wording and `param`
 * paths (`messages[0].content`), and the conversation rules the real API enforces are checked:
 * every assistant `tool_calls` entry must be answered by a `tool` message, and a `tool` message
 * must answer one [PROTOCOLS.md §3, traps 3 and 7].
 */
import type { z } from 'zod';
import { emulatorError, type EmulatorError } from '../errors.js';
import type { EmulatorPrompt, JsonSchema, PromptMessage, PromptPart, PromptResponseFormat, PromptTool, PromptToolChoice } from '../types.js';
import type { DecodedRequest, RouteValues } from './protocol.js';
import { chatRequestSchema, type ChatMessage, type ChatRequest } from './openai-chat-request-schema.js';

export interface ChatRenderOptions {
  includeUsage: boolean;
  includeObfuscation: boolean;
  logprobs: boolean;
}

export function decodeChatRequest(body: unknown, route: RouteValues): DecodedRequest<ChatRenderOptions> | EmulatorError {
  // Azure names the model in the URL and lets the body omit it.
  const withModel = route.model !== undefined && isRecord(body) ? { ...body, model: route.model } : body;
  const parsed = chatRequestSchema.safeParse(withModel);
  if (!parsed.success) return issueToError(parsed.error.issues, withModel);
  const request = parsed.data;
  const ruleError = checkRequestRules(request);
  if (ruleError !== undefined) return ruleError;
  const prompt: EmulatorPrompt = {
    model: request.model,
    messages: decodeMessages(request.messages),
    tools: decodeTools(request),
    toolChoice: decodeToolChoice(request),
    parallelToolCalls: request.parallel_tool_calls ?? true,
    responseFormat: decodeResponseFormat(request),
    maxOutputTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
    choiceCount: request.n ?? 1,
    reasoningEffort: request.reasoning_effort === 'none' ? undefined : request.reasoning_effort ?? undefined,
    stopSequences: request.stop === undefined || request.stop === null ? [] : typeof request.stop === 'string' ? [request.stop] : request.stop,
    samplingSeed: request.seed ?? undefined,
    logprobsTop: request.logprobs === true ? request.top_logprobs ?? 0 : undefined,
  };
  return {
    prompt,
    streaming: request.stream === true,
    options: {
      includeUsage: request.stream_options?.include_usage === true,
      includeObfuscation: request.stream_options?.include_obfuscation !== false,
      logprobs: request.logprobs === true,
    },
  };
}

function checkRequestRules(request: ChatRequest): EmulatorError | undefined {
  const invalid = (message: string, param: string, code?: string): EmulatorError => emulatorError('invalid-request', 400, message, code === undefined ? { param } : { param, code });
  if (request.stream_options != null && request.stream !== true) {
    return invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  }
  if (request.top_logprobs != null && request.logprobs !== true) {
    return invalid("Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.", 'top_logprobs', 'invalid_value');
  }
  const tools = request.tools ?? [];
  if (request.tool_choice != null && tools.length === 0) {
    return invalid("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", 'tool_choice');
  }
  const choice = request.tool_choice;
  if (typeof choice === 'object' && choice !== null && choice.type === 'function') {
    const name = (choice.function as { name: string }).name;
    if (!tools.some((tool) => tool.type === 'function' && functionOf(tool)?.name === name)) {
      return invalid(`Invalid value for 'tool_choice': function '${name}' was not found in 'tools'.`, 'tool_choice', 'invalid_value');
    }
  }
  return checkToolMessageOrder(request.messages);
}

function checkToolMessageOrder(messages: readonly ChatMessage[]): EmulatorError | undefined {
  let awaiting: Set<string> | undefined;
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (awaiting === undefined || !awaiting.has(message.tool_call_id)) {
        return emulatorError('invalid-request', 400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", { param: `messages.[${index}].role` });
      }
      awaiting.delete(message.tool_call_id);
      continue;
    }
    const unanswered = unansweredError(awaiting, index);
    if (unanswered !== undefined) return unanswered;
    awaiting = message.role === 'assistant' && message.tool_calls ? new Set(message.tool_calls.map((call) => call.id)) : undefined;
  }
  return unansweredError(awaiting, messages.length - 1);
}

function unansweredError(awaiting: Set<string> | undefined, index: number): EmulatorError | undefined {
  if (awaiting === undefined || awaiting.size === 0) return undefined;
  return emulatorError('invalid-request', 400, `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...awaiting].join(', ')}`, { param: `messages.[${index}].role` });
}

function decodeMessages(messages: readonly ChatMessage[]): PromptMessage[] {
  const callNames = new Map<string, string>();
  return messages.map((message): PromptMessage => {
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', parts: textParts(message.content) };
      case 'user':
        return { role: 'user', parts: userParts(message.content) };
      case 'assistant': {
        const parts: PromptPart[] = message.content == null ? [] : textParts(message.content);
        if (message.refusal) parts.push({ type: 'text', text: message.refusal });
        for (const call of message.tool_calls ?? []) {
          callNames.set(call.id, call.function.name);
          parts.push({ type: 'tool-call', id: call.id, name: call.function.name, argumentsJson: call.function.arguments });
        }
        return { role: 'assistant', parts };
      }
      case 'tool':
        return { role: 'tool', parts: [{ type: 'tool-result', callId: message.tool_call_id, name: callNames.get(message.tool_call_id), content: joinText(message.content) }] };
      case 'function':
        return { role: 'tool', parts: [{ type: 'tool-result', callId: message.name, name: message.name, content: message.content ?? '' }] };
    }
  });
}

type ContentValue = string | ReadonlyArray<{ type: string } & Record<string, unknown>>;

function textParts(content: ContentValue): PromptPart[] {
  const text = joinText(content);
  return text.length === 0 ? [] : [{ type: 'text', text }];
}

function joinText(content: ContentValue): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (typeof part.text === 'string' ? part.text : typeof part.refusal === 'string' ? part.refusal : '')).join('');
}

function userParts(content: ContentValue): PromptPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: PromptPart[] = [];
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') parts.push({ type: 'text', text: part.text });
    if (part.type === 'image_url' && isRecord(part.image_url) && typeof part.image_url.url === 'string') {
      const detail = part.image_url.detail;
      parts.push({ type: 'image', url: part.image_url.url, detail: detail === 'low' || detail === 'high' ? detail : 'auto' });
    }
  }
  return parts;
}

function functionOf(tool: unknown): { name: string; description?: string | null; parameters?: Record<string, unknown> | null } | undefined {
  if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) return undefined;
  return tool.function as { name: string; description?: string | null; parameters?: Record<string, unknown> | null };
}

function decodeTools(request: ChatRequest): PromptTool[] {
  const tools: PromptTool[] = [];
  for (const tool of request.tools ?? []) {
    const definition = functionOf(tool);
    if (definition === undefined) continue;
    tools.push({ name: definition.name, description: definition.description ?? '', parameters: (definition.parameters ?? { type: 'object', properties: {} }) as JsonSchema });
  }
  return tools;
}

function decodeToolChoice(request: ChatRequest): PromptToolChoice {
  const choice = request.tool_choice;
  if (choice === undefined || choice === null || choice === 'auto') return { type: 'auto' };
  if (choice === 'none' || choice === 'required') return { type: choice };
  if (choice.type === 'function') return { type: 'tool', name: (choice.function as { name: string }).name };
  return { type: 'auto' };
}

function decodeResponseFormat(request: ChatRequest): PromptResponseFormat {
  const format = request.response_format;
  if (format === undefined || format === null || format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json-object' };
  const definition = format.json_schema as { name: string; schema?: Record<string, unknown> | null };
  return definition.schema == null ? { type: 'json-object' } : { type: 'json-schema', name: definition.name, schema: definition.schema as JsonSchema };
}

/** The first zod issue in OpenAI's words, descending into unions to the most specific cause. */
export function issueToError(issues: readonly z.core.$ZodIssue[], body: unknown): EmulatorError {
  const { issue, path } = mostSpecific(issues[0], []);
  const param = formatPath(path);
  const value = valueAt(body, path);
  if (issue === undefined) return emulatorError('invalid-request', 400, 'Invalid request body.');
  if (value === undefined && issue.code === 'invalid_type') {
    return emulatorError('invalid-request', 400, `Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' });
  }
  if (issue.code === 'invalid_type' || (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.errors.every((branch) => branch.every((inner) => inner.path.length === 0)))) {
    const expected = issue.code === 'invalid_type' ? issue.expected : 'one of the supported types';
    return emulatorError('invalid-request', 400, `Invalid type for '${param}': expected ${expected}, but got ${describeType(value)} instead.`, { param, code: 'invalid_type' });
  }
  if (issue.code === 'invalid_value' || (issue.code === 'invalid_union' && 'discriminator' in issue)) {
    return emulatorError('invalid-request', 400, `Invalid value: '${String(value)}'. ${issue.message}.`, { param, code: 'invalid_value' });
  }
  return emulatorError('invalid-request', 400, `Invalid '${param}': ${issue.message}.`, { param, code: 'invalid_value' });
}

function mostSpecific(issue: z.core.$ZodIssue | undefined, prefix: PropertyKey[]): { issue: z.core.$ZodIssue | undefined; path: PropertyKey[] } {
  if (issue === undefined) return { issue, path: prefix };
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  const branches = issue.errors.map((branch) => branch[0]).filter((inner): inner is z.core.$ZodIssue => inner !== undefined);
  const deepest = branches.reduce<z.core.$ZodIssue | undefined>((best, inner) => (best === undefined || inner.path.length > best.path.length ? inner : best), undefined);
  if (deepest === undefined || deepest.path.length === 0) return { issue, path };
  return mostSpecific(deepest, path);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`)).join('');
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let current = body;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
