/**
 * Automatic `cache_control` breakpoints for an Anthropic Messages body
 * (https://docs.claude.com/en/docs/build-with-claude/prompt-caching). Anthropic caches nothing
 * unless asked: a breakpoint caches the prompt up to and including its block, for 5 minutes (or
 * 1 hour) since last use, and a later request reads the longest cached prefix ending at one of its
 * own breakpoints or at one of the ~20 block boundaries before each. At most 4 breakpoints per
 * request, counting the top-level (automatic) one.
 *
 * Which blocks, in order of value, while slots remain (see README.md for the reasoning):
 * 1. `tail`: the last cacheable block of the conversation. It writes the whole conversation, which
 *    the next turn re-sends as its prefix, so each turn pays full price only for what is new.
 * 2. `system`: the end of the system prompt (of the tools when there is none): shared by every
 *    conversation of the application, so a new conversation starts warm.
 * 3. `previous-turn`: the end of the previous request's last message, when more than the lookback
 *    window of blocks lies between it and the tail (an agent turn with many parallel tool results);
 *    the tail alone would then miss the entry the previous turn wrote.
 * 4. `document`: the end of the first user message when it alone is over the minimum (a large
 *    document), so conversations that open with the same document share it.
 * 5. `tools`: the end of the tools when a system prompt follows them (system prompts that vary per
 *    user, tools that do not).
 * 6. `previous-turn` within the lookback window: redundant but free (tokens are written once per
 *    request however many breakpoints cover them), so it takes a slot nothing else wants.
 *
 * A block is only marked when its prefix reaches the model's minimum cacheable length, never when
 * it is thinking, redacted thinking or empty text (Anthropic refuses those), never twice.
 *
 * The caller's own breakpoints: by default (`callerMarks: 'respect'`) a body with any is returned
 * untouched; the caller manages its cache and extra breakpoints would change what it pays for
 * writes. With `'fill'`, ours take only the slots left, and never break Anthropic's rule that a
 * longer TTL must not follow a shorter one.
 */
import { readAnthropicLayout, type AnthropicLayout, type CacheTtl, type LayoutBlock } from './anthropic-layout.js';
import { minimumCacheTokens } from './anthropic-minimums.js';
import { isObject, type JsonObject } from './json.js';
import type { PromptCachingResult } from './types.js';

export const MAXIMUM_BREAKPOINTS = 4;
/** Anthropic looks for earlier cache entries at up to about 20 block boundaries before a breakpoint. */
export const LOOKBACK_BLOCKS = 20;

export interface AnthropicCachingOptions {
  callerMarks?: 'respect' | 'fill';
  /** Lifetime of the breakpoints we add; absent = Anthropic's default (5 minutes). */
  ttl?: CacheTtl;
  /** Overrides the floor looked up from the model name. */
  minimumTokens?: number;
}

export type BreakpointReason = 'tail' | 'system' | 'previous-turn' | 'document' | 'tools';

interface Candidate {
  reason: BreakpointReason;
  position: number | undefined;
}

interface Placement {
  reason: BreakpointReason;
  position: number;
  ttl: CacheTtl;
}

export function placeAnthropicBreakpoints(body: JsonObject, options: AnthropicCachingOptions = {}): PromptCachingResult {
  if (!Array.isArray(body.messages)) return unchanged(body, 'not a Messages body (no messages array)');
  const layout = readAnthropicLayout(body);
  const mode = options.callerMarks ?? 'respect';
  if (layout.callerBreakpoints > 0 && mode === 'respect') return unchanged(body, `kept the caller's ${layout.callerBreakpoints} cache breakpoint(s)`);
  const budget = MAXIMUM_BREAKPOINTS - layout.callerBreakpoints;
  if (budget <= 0) return unchanged(body, `the caller used all ${MAXIMUM_BREAKPOINTS} cache breakpoints`);

  const model = typeof body.model === 'string' ? body.model : '';
  const minimum = options.minimumTokens ?? minimumCacheTokens(model);
  if (layout.totalTokens < minimum) return unchanged(body, `prompt ~${layout.totalTokens} tokens is under the ${minimum}-token cache minimum${model === '' ? '' : ` of ${model}`}`);

  const placements = choose(layout, candidates(layout, minimum), budget, minimum, options.ttl ?? '5m');
  if (placements.length === 0) return unchanged(body, 'no cacheable block ends a prefix over the minimum');
  const marked = markBlocks(body, layout, placements, options.ttl);
  const added = placements.map((placement) => `${placement.reason} ~${layout.blocks[placement.position]?.prefixTokens ?? 0}`).join(', ');
  return { body: marked, changed: true, description: `added ${placements.length} cache breakpoint(s) (${added} tokens; minimum ${minimum})` };
}

function candidates(layout: AnthropicLayout, minimum: number): Candidate[] {
  const { blocks, messages } = layout;
  const firstMessageBlock = messages[0]?.start ?? blocks.length;
  const systemStart = blocks.findIndex((block) => block.area === 'system');
  const toolsEnd = lastCacheable(blocks, 0, systemStart < 0 ? firstMessageBlock : systemStart);
  const systemEnd = systemStart < 0 ? undefined : lastCacheable(blocks, systemStart, firstMessageBlock);
  const tail = lastCacheable(blocks, firstMessageBlock, blocks.length);
  const previous = previousTurnEnd(layout);
  const beyondLookback = previous !== undefined && tail !== undefined && tail - previous > LOOKBACK_BLOCKS;
  return [
    // A caller's top-level cache_control already marks the tail (Anthropic puts it on the last cacheable block).
    { reason: 'tail', position: layout.topLevelTtl === undefined ? tail : undefined },
    systemEnd === undefined ? { reason: 'tools', position: toolsEnd } : { reason: 'system', position: systemEnd },
    { reason: 'previous-turn', position: beyondLookback ? previous : undefined },
    { reason: 'document', position: openingDocumentEnd(layout, minimum) },
    { reason: 'tools', position: systemEnd === undefined ? undefined : toolsEnd },
    { reason: 'previous-turn', position: beyondLookback ? undefined : previous },
  ];
}

function choose(layout: AnthropicLayout, wanted: Candidate[], budget: number, minimum: number, ttl: CacheTtl): Placement[] {
  const placements: Placement[] = [];
  for (const { reason, position } of wanted) {
    if (placements.length >= budget) break;
    if (position === undefined || placements.some((placement) => placement.position === position)) continue;
    const block = layout.blocks[position];
    if (block === undefined || block.callerTtl !== undefined || block.prefixTokens < minimum) continue;
    const allowed = ttlAllowedAt(layout, position, ttl) ? ttl : ttl === '1h' && ttlAllowedAt(layout, position, '5m') ? '5m' : undefined;
    if (allowed !== undefined) placements.push({ reason, position, ttl: allowed });
  }
  return placements;
}

/**
 * Anthropic requires breakpoints with a longer TTL to come before those with a shorter one; a
 * breakpoint of ours must fit between the caller's (the top-level one sits on the last block).
 */
function ttlAllowedAt(layout: AnthropicLayout, position: number, ttl: CacheTtl): boolean {
  const rank = (value: CacheTtl): number => (value === '1h' ? 1 : 0);
  const callers: Array<{ position: number; ttl: CacheTtl }> = [];
  layout.blocks.forEach((block, index) => {
    if (block.callerTtl !== undefined) callers.push({ position: index, ttl: block.callerTtl });
  });
  if (layout.topLevelTtl !== undefined) callers.push({ position: layout.blocks.length, ttl: layout.topLevelTtl });
  return callers.every((caller) => (caller.position < position ? rank(caller.ttl) >= rank(ttl) : rank(caller.ttl) <= rank(ttl)));
}

/** The last cacheable block in `blocks[from, to)`. */
function lastCacheable(blocks: LayoutBlock[], from: number, to: number): number | undefined {
  for (let index = to - 1; index >= from; index--) if (blocks[index]?.cacheable === true) return index;
  return undefined;
}

/**
 * Where the previous request ended: its last message was the user turn before the latest
 * assistant turn, and our tail breakpoint sat on that message's last cacheable block.
 */
function previousTurnEnd(layout: AnthropicLayout): number | undefined {
  const { messages, blocks } = layout;
  let assistant = -1;
  for (let index = messages.length - 2; index >= 0; index--) {
    if (messages[index]?.role === 'assistant') {
      assistant = index;
      break;
    }
  }
  for (let index = assistant - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role === 'user') return lastCacheable(blocks, message.start, message.end);
  }
  return undefined;
}

/** The first user message's end, when that message alone is over the minimum and is not the whole conversation. */
function openingDocumentEnd(layout: AnthropicLayout, minimum: number): number | undefined {
  const first = layout.messages[0];
  if (first === undefined || first.role !== 'user' || layout.messages.length < 2 || first.end === first.start) return undefined;
  const before = first.start > 0 ? (layout.blocks[first.start - 1]?.prefixTokens ?? 0) : 0;
  const own = (layout.blocks[first.end - 1]?.prefixTokens ?? 0) - before;
  return own >= minimum ? lastCacheable(layout.blocks, first.start, first.end) : undefined;
}

/**
 * A copy of the body with `cache_control` on the chosen blocks; only the objects on the way to a
 * marked block are copied, the rest is shared with the input (which is never changed). String
 * content becomes one text block, which Anthropic treats the same.
 */
function markBlocks(body: JsonObject, layout: AnthropicLayout, placements: Placement[], configuredTtl: CacheTtl | undefined): JsonObject {
  const result: JsonObject = { ...body };
  const copied = new Set<unknown>();
  const copyArray = (key: 'tools' | 'system' | 'messages'): unknown[] => {
    const current = result[key];
    if (copied.has(current) && Array.isArray(current)) return current;
    const array = typeof current === 'string' ? [{ type: 'text', text: current }] : Array.isArray(current) ? [...current] : [];
    copied.add(array);
    result[key] = array;
    return array;
  };
  for (const placement of placements) {
    const block = layout.blocks[placement.position];
    if (block === undefined) continue;
    // An explicit 5m is the default: leave it out so the body stays as plain as the caller's.
    const cacheControl = placement.ttl === '1h' || configuredTtl === '5m' ? { type: 'ephemeral', ttl: placement.ttl } : { type: 'ephemeral' };
    if (block.area !== 'messages') {
      const array = copyArray(block.area);
      array[block.index] = { ...(array[block.index] as JsonObject), cache_control: cacheControl };
      continue;
    }
    const messages = copyArray('messages');
    const message = messages[block.message];
    if (!isObject(message)) continue;
    const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : Array.isArray(message.content) ? [...message.content] : [];
    content[block.index] = { ...(content[block.index] as JsonObject), cache_control: cacheControl };
    messages[block.message] = { ...message, content };
  }
  return result;
}

function unchanged(body: JsonObject, description: string): PromptCachingResult {
  return { body, changed: false, description };
}
