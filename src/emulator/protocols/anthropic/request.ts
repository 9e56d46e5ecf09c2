/**
 * Messages request → the core's prompt, plus what only Anthropic renders: the thinking block and
 * the cache breakpoints. Validation runs first (schema, then the conversation rules), so every
 * refusal carries Anthropic's wording.
 *
 * Mapping notes: `system` becomes a leading system message (one part per block, so a breakpoint on
 * a block has a position); a user turn's `tool_result` blocks become a tool message placed before
 * the rest of that turn; replayed thinking is verified and then left out of the prompt (Anthropic
 * strips earlier turns' thinking from the context); server-tool blocks are accepted and ignored.
 */
import type { z } from 'zod';
import { emulatorError, type EmulatorError } from '../../errors.js';
import { readConversation } from '../../generate/conversation.js';
import type { EmulatorPrompt, JsonSchema, PromptMessage, PromptPart, PromptResponseFormat, PromptTool, PromptToolChoice } from '../../types.js';
import type { DecodedRequest } from '../protocol.js';
import { checkGenerationRules, checkPromptRules } from './conversation-rules.js';
import type { EffortLevel } from './models.js';
import {
  countTokensRequestSchema, messagesRequestSchema, type AnthropicBlock, type AnthropicCacheControl, type AnthropicMessage, type AnthropicTool, type PromptRequest,
} from './request-schema.js';
import { describeSchemaIssue } from './schema-errors.js';

export type CacheTtl = '5m' | '1h';

/** Where a `cache_control` marker ends its prefix, in terms of the decoded prompt. */
export type CacheBreakpoint =
  | { at: 'tools'; toolIndex: number; ttl: CacheTtl }
  /** After the first `parts` parts of prompt message `message`. */
  | { at: 'message'; message: number; parts: number; ttl: CacheTtl };

export interface AnthropicRenderOptions {
  /** Set when the answer opens with a thinking block; `omitted` shows an empty text with its signature. */
  thinking: { display: 'summarized' | 'omitted' } | undefined;
  /** The thinking comes back as `redacted_thinking` (Anthropic's documented test trigger was sent). */
  redactThinking: boolean;
  /** What the thinking text talks about. */
  question: string;
  keywords: string[];
  breakpoints: CacheBreakpoint[];
  /** As requested, for the model checks. */
  thinkingType: 'enabled' | 'adaptive' | 'disabled' | undefined;
  effort: EffortLevel | undefined;
}

/** Anthropic's documented way to make a model answer with redacted thinking. */
export const REDACTED_THINKING_TRIGGER = 'ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING';

export function decodeMessagesRequest(body: unknown): DecodedRequest<AnthropicRenderOptions> | EmulatorError {
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) return invalid(parsed.error.issues, body);
  const request = parsed.data;
  const ruleError = checkPromptRules(request) ?? checkGenerationRules(request);
  if (ruleError !== undefined) return emulatorError('invalid-request', 400, ruleError);
  return buildDecoded(request, request.max_tokens, request.stream === true);
}

/** `messages/count_tokens`: the same prompt validation, no output settings. */
export function decodeCountTokensRequest(body: unknown): DecodedRequest<AnthropicRenderOptions> | EmulatorError {
  const parsed = countTokensRequestSchema.safeParse(body);
  if (!parsed.success) return invalid(parsed.error.issues, body);
  const ruleError = checkPromptRules(parsed.data);
  if (ruleError !== undefined) return emulatorError('invalid-request', 400, ruleError);
  return buildDecoded(parsed.data, undefined, false);
}

function invalid(issues: readonly z.core.$ZodIssue[], body: unknown): EmulatorError {
  return emulatorError('invalid-request', 400, describeSchemaIssue(issues, body));
}

function buildDecoded(request: PromptRequest, maxTokens: number | undefined, streaming: boolean): DecodedRequest<AnthropicRenderOptions> {
  const { messages, breakpoints } = decodeConversation(request);
  const thinkingType = request.thinking?.type;
  const effort = request.output_config?.effort ?? undefined;
  const prompt: EmulatorPrompt = {
    model: request.model,
    messages,
    tools: decodeTools(request),
    toolChoice: decodeToolChoice(request),
    parallelToolCalls: request.tool_choice?.type === 'none' || request.tool_choice?.disable_parallel_tool_use !== true,
    responseFormat: decodeResponseFormat(request),
    maxOutputTokens: maxTokens,
    choiceCount: 1,
    reasoningEffort: reasoningEffortFor(request, maxTokens),
    stopSequences: request.stop_sequences ?? [],
    samplingSeed: undefined,
    logprobsTop: undefined,
  };
  const facts = readConversation(prompt);
  const thinkingOn = thinkingType === 'enabled' || thinkingType === 'adaptive';
  const display = request.thinking?.type === 'enabled' || request.thinking?.type === 'adaptive' ? request.thinking.display : undefined;
  return {
    prompt,
    streaming,
    options: {
      thinking: thinkingOn ? { display: display ?? 'summarized' } : undefined,
      redactThinking: thinkingOn && facts.lastUserText.includes(REDACTED_THINKING_TRIGGER),
      question: facts.hints.query,
      keywords: facts.hints.keywords,
      breakpoints,
      thinkingType,
      effort,
    },
  };
}

/** The core's effort levels, ordered, with the most thinking tokens each can produce (reasoning.ts). */
const THINKING_LEVELS: ReadonlyArray<[level: string, maximumTokens: number]> = [
  ['minimal', 64], ['low', 256], ['medium', 768], ['high', 2048], ['xhigh', 4096],
];

/**
 * How hard the core thinks. A manual budget picks the level by size (the thinking always stays
 * under it); adaptive thinking follows `output_config.effort` (default high). Either way the level
 * steps down until its longest thinking fits in half of `max_tokens`, so an answer always follows.
 */
function reasoningEffortFor(request: PromptRequest, maxTokens: number | undefined): string | undefined {
  const thinking = request.thinking;
  if (thinking === undefined || thinking.type === 'disabled') return undefined;
  let wanted: string;
  if (thinking.type === 'enabled') {
    const budget = thinking.budget_tokens;
    wanted = budget < 4_096 ? 'low' : budget < 16_384 ? 'medium' : budget < 32_768 ? 'high' : 'xhigh';
  } else {
    const effort = request.output_config?.effort ?? 'high';
    wanted = effort === 'max' ? 'xhigh' : effort;
  }
  let position = THINKING_LEVELS.findIndex(([level]) => level === wanted);
  const room = (maxTokens ?? Number.POSITIVE_INFINITY) / 2;
  while (position > 0 && (THINKING_LEVELS[position]?.[1] ?? 0) > room) position--;
  return THINKING_LEVELS[Math.max(0, position)]?.[0];
}

interface ConversationBuilder {
  messages: PromptMessage[];
  breakpoints: CacheBreakpoint[];
  callNames: Map<string, string>;
}

function decodeConversation(request: PromptRequest): { messages: PromptMessage[]; breakpoints: CacheBreakpoint[] } {
  const builder: ConversationBuilder = { messages: [], breakpoints: [], callNames: new Map() };
  // Positions count the tools the prompt keeps (custom ones); a marker on a server tool ends after the custom tool before it.
  let customTools = 0;
  for (const tool of request.tools ?? []) {
    if (isCustomTool(tool)) customTools++;
    if (tool.cache_control != null) builder.breakpoints.push({ at: 'tools', toolIndex: customTools - 1, ttl: ttlOf(tool.cache_control) });
  }
  if (typeof request.system === 'string' && request.system.length > 0) {
    builder.messages.push({ role: 'system', parts: [{ type: 'text', text: request.system }] });
  } else if (Array.isArray(request.system) && request.system.length > 0) {
    const system: PromptMessage = { role: 'system', parts: [] };
    builder.messages.push(system);
    for (const block of request.system) {
      system.parts.push({ type: 'text', text: block.text });
      mark(builder, block.cache_control, builder.messages.length - 1);
    }
  }
  for (const message of request.messages) {
    if (message.role === 'assistant') decodeAssistantTurn(builder, message);
    else decodeUserTurn(builder, message);
  }
  // Automatic caching: a top-level cache_control marks the last block of the prompt.
  const last = builder.messages.length - 1;
  if (request.cache_control != null && last >= 0) mark(builder, request.cache_control, last);
  return { messages: builder.messages, breakpoints: builder.breakpoints };
}

function decodeAssistantTurn(builder: ConversationBuilder, message: AnthropicMessage): void {
  const turn: PromptMessage = { role: 'assistant', parts: [] };
  builder.messages.push(turn);
  const index = builder.messages.length - 1;
  for (const block of blocksOf(message)) {
    if (block.type === 'text') turn.parts.push({ type: 'text', text: block.text });
    if (block.type === 'tool_use') {
      builder.callNames.set(block.id, block.name);
      turn.parts.push({ type: 'tool-call', id: block.id, name: block.name, argumentsJson: JSON.stringify(block.input) });
    }
    mark(builder, cacheControlOf(block), index);
  }
}

/** Tool results first, as their own tool message; whatever else the turn says follows as a user message. */
function decodeUserTurn(builder: ConversationBuilder, message: AnthropicMessage): void {
  const blocks = blocksOf(message);
  let results: PromptMessage | undefined;
  let resultsIndex = -1;
  if (blocks.some((block) => block.type === 'tool_result')) {
    results = { role: 'tool', parts: [] };
    builder.messages.push(results);
    resultsIndex = builder.messages.length - 1;
  }
  let user: PromptMessage | undefined;
  let userIndex = -1;
  const userTurn = (): number => {
    if (user === undefined) {
      user = { role: 'user', parts: [] };
      builder.messages.push(user);
      userIndex = builder.messages.length - 1;
    }
    return userIndex;
  };
  for (const block of blocks) {
    if (block.type === 'tool_result' && results !== undefined) {
      results.parts.push(...toolResultParts(block, builder.callNames.get(block.tool_use_id)));
      mark(builder, block.cache_control, resultsIndex);
      if (Array.isArray(block.content)) for (const inner of block.content) mark(builder, inner.cache_control, resultsIndex);
      continue;
    }
    const index = userTurn();
    const part = contentPart(block);
    if (part !== undefined) user?.parts.push(part);
    mark(builder, cacheControlOf(block), index);
  }
}

function toolResultParts(block: Extract<AnthropicBlock, { type: 'tool_result' }>, name: string | undefined): PromptPart[] {
  const content = block.content ?? '';
  if (typeof content === 'string') return [{ type: 'tool-result', callId: block.tool_use_id, name, content }];
  const text = content.flatMap((inner) => (inner.type === 'text' ? [inner.text] : [])).join('\n');
  const images = content.flatMap((inner) => {
    const part = inner.type === 'image' ? contentPart(inner) : undefined;
    return part === undefined ? [] : [part];
  });
  return [{ type: 'tool-result', callId: block.tool_use_id, name, content: text }, ...images];
}

function contentPart(block: AnthropicBlock): PromptPart | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'image': {
      const source = block.source;
      const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.type === 'url' ? source.url : `file:${source.file_id}`;
      return { type: 'image', url, detail: 'auto' };
    }
    case 'document':
      // Plain-text documents are read; PDFs and files are accepted but not looked into.
      return block.source.type === 'text' ? { type: 'text', text: block.source.data } : undefined;
    default:
      return undefined;
  }
}

function mark(builder: ConversationBuilder, cacheControl: AnthropicCacheControl | null | undefined, message: number): void {
  if (cacheControl == null) return;
  const parts = builder.messages[message]?.parts.length ?? 0;
  builder.breakpoints.push({ at: 'message', message, parts, ttl: ttlOf(cacheControl) });
}

function cacheControlOf(block: AnthropicBlock): AnthropicCacheControl | null | undefined {
  return 'cache_control' in block ? (block.cache_control as AnthropicCacheControl | null | undefined) : undefined;
}

function ttlOf(cacheControl: AnthropicCacheControl): CacheTtl {
  return cacheControl.ttl ?? '5m';
}

function blocksOf(message: AnthropicMessage): AnthropicBlock[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/** Custom tools only: Anthropic's own tools (web search, bash, …) are never called by the emulator. */
function decodeTools(request: PromptRequest): PromptTool[] {
  const tools: PromptTool[] = [];
  for (const tool of request.tools ?? []) {
    if (!isCustomTool(tool)) continue;
    tools.push({ name: tool.name, description: typeof tool.description === 'string' ? tool.description : '', parameters: tool.input_schema as JsonSchema });
  }
  return tools;
}

function isCustomTool(tool: AnthropicTool): tool is Extract<AnthropicTool, { input_schema: unknown }> {
  return 'input_schema' in tool && tool.input_schema !== undefined;
}

function decodeToolChoice(request: PromptRequest): PromptToolChoice {
  const choice = request.tool_choice;
  switch (choice?.type) {
    case undefined:
    case 'auto': return { type: 'auto' };
    case 'any': return { type: 'required' };
    case 'none': return { type: 'none' };
    case 'tool': return { type: 'tool', name: choice.name };
  }
}

function decodeResponseFormat(request: PromptRequest): PromptResponseFormat {
  const format = request.output_config?.format ?? request.output_format ?? undefined;
  return format === undefined ? { type: 'text' } : { type: 'json-schema', name: 'output', schema: format.schema as JsonSchema };
}
