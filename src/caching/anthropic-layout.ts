/**
 * An Anthropic Messages body seen the way its prompt cache sees it: every block in prompt order
 * (tools → system → messages), with the estimated prompt length up to and including it, whether
 * Anthropic accepts a `cache_control` on it, and any breakpoint the caller already put there.
 */
import { estimateTextTokens } from '../routing/token-estimate.js';
import { isObject, isPresent, type JsonObject } from './json.js';

export type CacheTtl = '5m' | '1h';

export interface LayoutBlock {
  area: 'tools' | 'system' | 'messages';
  /** The message index; -1 in the tools and system areas. */
  message: number;
  /** Index in its array (tools, system blocks, or the message's content). */
  index: number;
  /** Estimated prompt tokens from the start of the prompt through this block. */
  prefixTokens: number;
  cacheable: boolean;
  /** The caller's breakpoint on this block (or inside it, for a tool result's content). */
  callerTtl: CacheTtl | undefined;
}

export interface AnthropicLayout {
  blocks: LayoutBlock[];
  /** Per message, its blocks' range in `blocks` (end exclusive). */
  messages: Array<{ role: string; start: number; end: number }>;
  /** Breakpoints the caller placed, the top-level (automatic) one included. */
  callerBreakpoints: number;
  /** The caller's top-level `cache_control`: Anthropic puts it on the last cacheable block. */
  topLevelTtl: CacheTtl | undefined;
  totalTokens: number;
}

/** Framing per message, as the request estimate counts it. */
const PER_MESSAGE = 4;
/** As the request estimate: an image is costed flat, a document by its size. */
const PER_IMAGE = 1_000;
const PER_DOCUMENT_MIN = 1_000;
const DOCUMENT_BASE64_CHARS_PER_TOKEN = 250;

/**
 * Blocks Anthropic takes a `cache_control` on. Thinking and redacted thinking blocks refuse one,
 * and so does empty text ("text content blocks must be non-empty"); server-tool blocks are left
 * out because nothing documents them as breakpoint carriers.
 */
const CACHEABLE_TYPES = new Set(['text', 'image', 'document', 'tool_use', 'tool_result', 'search_result']);

export function readAnthropicLayout(body: JsonObject): AnthropicLayout {
  const blocks: LayoutBlock[] = [];
  const messages: AnthropicLayout['messages'] = [];
  let tokens = 0;
  let callerBreakpoints = 0;

  const tools = Array.isArray(body.tools) ? body.tools : [];
  tools.forEach((tool, index) => {
    tokens += estimateTextTokens(JSON.stringify(tool));
    const ttl = ttlOf(isObject(tool) ? tool.cache_control : undefined);
    if (ttl !== undefined) callerBreakpoints++;
    blocks.push({ area: 'tools', message: -1, index, prefixTokens: tokens, cacheable: isObject(tool), callerTtl: ttl });
  });

  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : Array.isArray(body.system) ? body.system : [];
  system.forEach((block, index) => {
    tokens += blockTokens(block);
    const ttl = ttlOf(isObject(block) ? block.cache_control : undefined);
    if (ttl !== undefined) callerBreakpoints++;
    blocks.push({ area: 'system', message: -1, index, prefixTokens: tokens, cacheable: isCacheable(block), callerTtl: ttl });
  });

  const conversation = Array.isArray(body.messages) ? body.messages : [];
  conversation.forEach((message, messageIndex) => {
    const start = blocks.length;
    const role = isObject(message) && typeof message.role === 'string' ? message.role : '';
    tokens += PER_MESSAGE;
    for (const [index, block] of contentBlocks(message).entries()) {
      tokens += blockTokens(block);
      const marks = blockMarks(block);
      callerBreakpoints += marks.count;
      blocks.push({ area: 'messages', message: messageIndex, index, prefixTokens: tokens, cacheable: isCacheable(block), callerTtl: marks.ttl });
    }
    messages.push({ role, start, end: blocks.length });
  });

  const topLevelTtl = ttlOf(body.cache_control);
  if (topLevelTtl !== undefined) callerBreakpoints++;
  return { blocks, messages, callerBreakpoints, topLevelTtl, totalTokens: tokens };
}

/** A message's content as blocks; string content is one text block. */
export function contentBlocks(message: unknown): unknown[] {
  if (!isObject(message)) return [];
  if (typeof message.content === 'string') return [{ type: 'text', text: message.content }];
  return Array.isArray(message.content) ? message.content : [];
}

function isCacheable(block: unknown): boolean {
  if (!isObject(block) || typeof block.type !== 'string' || !CACHEABLE_TYPES.has(block.type)) return false;
  if (block.type === 'text') return typeof block.text === 'string' && block.text.trim().length > 0;
  return true;
}

function ttlOf(cacheControl: unknown): CacheTtl | undefined {
  if (!isPresent(cacheControl)) return undefined;
  return isObject(cacheControl) && cacheControl.ttl === '1h' ? '1h' : '5m';
}

/** A block's own breakpoint plus those inside a tool result's content (each counts towards the four). */
function blockMarks(block: unknown): { count: number; ttl: CacheTtl | undefined } {
  if (!isObject(block)) return { count: 0, ttl: undefined };
  let ttl = ttlOf(block.cache_control);
  let count = ttl === undefined ? 0 : 1;
  if (block.type === 'tool_result' && Array.isArray(block.content)) {
    for (const inner of block.content) {
      const innerTtl = ttlOf(isObject(inner) ? inner.cache_control : undefined);
      if (innerTtl === undefined) continue;
      count++;
      ttl ??= innerTtl;
    }
  }
  return { count, ttl };
}

/**
 * A block's share of the prompt. Thinking counts nothing: Anthropic drops earlier turns' thinking
 * from the prompt, so counting it would overstate the prefix.
 */
function blockTokens(block: unknown): number {
  if (!isObject(block)) return 0;
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? estimateTextTokens(block.text) : 0;
    case 'image':
      return PER_IMAGE;
    case 'document':
      return documentTokens(block.source);
    case 'tool_use':
      return estimateTextTokens(`${String(block.name)} ${JSON.stringify(block.input ?? {})}`);
    case 'tool_result':
      if (typeof block.content === 'string') return estimateTextTokens(block.content);
      return Array.isArray(block.content) ? block.content.reduce<number>((sum, inner) => sum + blockTokens(inner), 0) : 0;
    case 'thinking':
    case 'redacted_thinking':
      return 0;
    default:
      return estimateTextTokens(JSON.stringify(block));
  }
}

function documentTokens(source: unknown): number {
  if (!isObject(source)) return PER_DOCUMENT_MIN;
  if (source.type === 'text' && typeof source.data === 'string') return estimateTextTokens(source.data);
  if (source.type === 'base64' && typeof source.data === 'string') return Math.max(PER_DOCUMENT_MIN, Math.ceil(source.data.length / DOCUMENT_BASE64_CHARS_PER_TOKEN));
  return PER_DOCUMENT_MIN;
}
