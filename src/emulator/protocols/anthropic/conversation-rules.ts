/**
 * The rules the Messages API enforces across fields, each with Anthropic's own wording, so a
 * gateway that builds an invalid conversation gets the 400 the real API would give
 * [conformance anthropic/messages-error-400-tool-use-without-result; PROTOCOLS.md §3 traps 3, 7, 9, 10].
 * Each rule returns the error message, or undefined when the request passes.
 */
import type { AnthropicBlock, AnthropicMessage, PromptRequest } from './request-schema.js';
import { verifyRedactedThinking, verifyThinking } from './thinking-signature.js';

export const MINIMUM_THINKING_BUDGET = 1024;
export const MAXIMUM_CACHE_BREAKPOINTS = 4;
const THINKING_DOCS = 'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/** Rules that hold for `messages` and `messages/count_tokens` alike. */
export function checkPromptRules(request: PromptRequest): string | undefined {
  return checkTurns(request.messages)
    ?? checkText(request)
    ?? checkToolPairing(request.messages)
    ?? checkThinkingBlocks(request.messages)
    ?? checkBudgetFloor(request)
    ?? checkCacheBreakpoints(request);
}

/** Rules that involve the output settings (`max_tokens`, sampling), which only `messages` has. */
export function checkGenerationRules(request: PromptRequest & { max_tokens: number }): string | undefined {
  const thinking = request.thinking;
  const thinkingOn = thinking !== undefined && thinking.type !== 'disabled';
  if (thinking?.type === 'enabled' && request.max_tokens <= thinking.budget_tokens) {
    return `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at ${THINKING_DOCS}#max-tokens-and-context-window-size`;
  }
  if (!thinkingOn) return undefined;
  const choice = request.tool_choice?.type;
  if (choice === 'any' || choice === 'tool') return 'Thinking may not be enabled when tool_choice forces tool use.';
  if (request.temperature !== undefined && request.temperature !== 1) {
    return `\`temperature\` may only be set to 1 when thinking is enabled. Please consult our documentation at ${THINKING_DOCS}#feature-compatibility`;
  }
  return checkFinalAssistantThinking(request.messages);
}

function checkTurns(messages: readonly AnthropicMessage[]): string | undefined {
  if (messages.length === 0) return 'messages: at least one message is required';
  if (messages[0]?.role !== 'user') return 'messages: first message must use the "user" role';
  for (const [index, message] of messages.entries()) {
    const finalAssistant = index === messages.length - 1 && message.role === 'assistant';
    if (message.content.length === 0 && !finalAssistant) {
      return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
    }
  }
  const last = messages.at(-1);
  if (last?.role === 'assistant' && /\s$/.test(lastText(last))) return 'messages: final assistant content cannot end with trailing whitespace';
  return undefined;
}

/** Text blocks must carry text (trap 7): `""` is refused. */
function checkText(request: PromptRequest): string | undefined {
  const system = request.system;
  const systemTexts = system === undefined ? [] : typeof system === 'string' ? [] : system.map((block) => block.text);
  const systemProblem = textProblem(systemTexts);
  if (systemProblem !== undefined) return `system: ${systemProblem}`;
  const texts: string[] = [];
  for (const message of request.messages) {
    if (typeof message.content === 'string') {
      if (message.content.length > 0) texts.push(message.content);
      continue;
    }
    for (const block of message.content) {
      if (block.type === 'text') texts.push(block.text);
      if (block.type === 'tool_result' && Array.isArray(block.content)) {
        for (const inner of block.content) if (inner.type === 'text') texts.push(inner.text);
      }
    }
  }
  const problem = textProblem(texts);
  return problem === undefined ? undefined : `messages: ${problem}`;
}

/** Whitespace-only text is accepted: recorded traffic replays an assistant `" "` block [messages-tool-result-parallel.request.json]. */
function textProblem(texts: readonly string[]): string | undefined {
  return texts.some((text) => text.length === 0) ? 'text content blocks must be non-empty' : undefined;
}

/**
 * Every `tool_use` is answered by a `tool_result` at the start of the very next (user) message,
 * and every `tool_result` answers a `tool_use` of the message just before (trap 3).
 */
function checkToolPairing(messages: readonly AnthropicMessage[]): string | undefined {
  for (const [index, message] of messages.entries()) {
    if (message.role === 'assistant') {
      const calls = blocksOf(message).filter((block) => block.type === 'tool_use').map((block) => block.id);
      const next = messages[index + 1];
      if (calls.length === 0 || next === undefined) continue;
      const answered = new Set(next.role === 'user' ? leadingResultIds(next) : []);
      const missing = calls.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
      continue;
    }
    const previous = messages[index - 1];
    const offered = new Set(previous?.role === 'assistant' ? blocksOf(previous).filter((block) => block.type === 'tool_use').map((block) => block.id) : []);
    for (const [position, block] of blocksOf(message).entries()) {
      if (block.type === 'tool_result' && !offered.has(block.tool_use_id)) {
        return `messages.${index}.content.${position}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
  }
  return undefined;
}

/** Results only count when they open the message: text before them breaks the pairing. */
function leadingResultIds(message: AnthropicMessage): string[] {
  const ids: string[] = [];
  for (const block of blocksOf(message)) {
    if (block.type !== 'tool_result') break;
    ids.push(block.tool_use_id);
  }
  return ids;
}

/** Replayed thinking must be exactly what the model produced (trap 10). */
function checkThinkingBlocks(messages: readonly AnthropicMessage[]): string | undefined {
  for (const [index, message] of messages.entries()) {
    for (const [position, block] of blocksOf(message).entries()) {
      if (block.type === 'thinking' && !verifyThinking(block.thinking, block.signature)) {
        return `messages.${index}.content.${position}: Invalid \`signature\` in \`thinking\` block`;
      }
      if (block.type === 'redacted_thinking' && !verifyRedactedThinking(block.data)) {
        return `messages.${index}.content.${position}: Invalid \`data\` in \`redacted_thinking\` block`;
      }
    }
  }
  return undefined;
}

function checkBudgetFloor(request: PromptRequest): string | undefined {
  const thinking = request.thinking;
  if (thinking?.type === 'enabled' && thinking.budget_tokens < MINIMUM_THINKING_BUDGET) {
    return `thinking.enabled.budget_tokens: Input should be greater than or equal to ${MINIMUM_THINKING_BUDGET}`;
  }
  return undefined;
}

/**
 * With thinking on, an assistant turn that called tools and is being answered by tool results must
 * open with its thinking block, replayed as it came.
 */
function checkFinalAssistantThinking(messages: readonly AnthropicMessage[]): string | undefined {
  const last = messages.at(-1);
  const assistantIndex = messages.length - 2;
  const assistant = messages[assistantIndex];
  if (last === undefined || assistant?.role !== 'assistant' || leadingResultIds(last).length === 0) return undefined;
  const blocks = blocksOf(assistant);
  if (!blocks.some((block) => block.type === 'tool_use')) return undefined;
  const first = blocks[0];
  if (first?.type === 'thinking' || first?.type === 'redacted_thinking') return undefined;
  return `messages.${assistantIndex}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type ?? 'text'}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at ${THINKING_DOCS}`;
}

/** At most four breakpoints per request: tools, system and message blocks, and the top-level one. */
function checkCacheBreakpoints(request: PromptRequest): string | undefined {
  let count = request.cache_control == null ? 0 : 1;
  for (const tool of request.tools ?? []) if (tool.cache_control != null) count++;
  if (Array.isArray(request.system)) for (const block of request.system) if (block.cache_control != null) count++;
  for (const message of request.messages) {
    for (const block of blocksOf(message)) {
      if ('cache_control' in block && block.cache_control != null) count++;
      if (block.type === 'tool_result' && Array.isArray(block.content)) {
        for (const inner of block.content) if (inner.cache_control != null) count++;
      }
    }
  }
  return count > MAXIMUM_CACHE_BREAKPOINTS ? `A maximum of ${MAXIMUM_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${count}.` : undefined;
}

export function blocksOf(message: AnthropicMessage): AnthropicBlock[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

function lastText(message: AnthropicMessage): string {
  const last = blocksOf(message).at(-1);
  return last?.type === 'text' ? last.text : '';
}
