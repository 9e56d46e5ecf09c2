/**
 * Whether the model calls tools this turn, and which. Rules (README.md):
 * - no tools offered, or tool_choice none → never;
 * - tool_choice names a function → that one; `required` → the tools the user named, else the best match;
 * - auto → only when the conversation ends with a user turn that asks for an action (names a tool,
 *   or says call / use / get / look up / fetch / search / weather …);
 * - several named tools → one call each (parallel), unless parallel tool calls are off.
 * After tool results come back (conversation ends with a tool message) auto answers in text.
 */
import type { EmulatorPrompt, PromptTool } from '../types.js';

const ACTION_WORDS = /\b(call|use|using|get|look\s*up|lookup|fetch|search|weather|invoke|run)\b/i;

export function selectTools(prompt: EmulatorPrompt, lastUserText: string): PromptTool[] {
  const { tools, toolChoice } = prompt;
  if (tools.length === 0 || toolChoice.type === 'none') return [];
  if (toolChoice.type === 'tool') {
    const named = tools.find((tool) => tool.name === toolChoice.name);
    return named === undefined ? [] : [named];
  }
  const lastRole = prompt.messages.at(-1)?.role;
  const mentioned = mentionedTools(tools, lastUserText);
  let chosen: PromptTool[];
  if (toolChoice.type === 'required') {
    chosen = mentioned.length > 0 ? mentioned : [bestMatch(tools, lastUserText)];
  } else {
    if (lastRole !== 'user') return [];
    if (mentioned.length > 0) chosen = mentioned;
    else if (ACTION_WORDS.test(lastUserText)) chosen = [bestMatch(tools, lastUserText)];
    else return [];
  }
  return prompt.parallelToolCalls ? chosen : chosen.slice(0, 1);
}

/** Tools whose name appears in the text (`get_weather`, or `get weather`), in order of mention. */
function mentionedTools(tools: readonly PromptTool[], text: string): PromptTool[] {
  const lower = text.toLowerCase();
  return tools
    .map((tool) => {
      const name = tool.name.toLowerCase();
      const spaced = name.replace(/[_-]+/g, ' ');
      const positions = [lower.indexOf(name), lower.indexOf(spaced)].filter((position) => position >= 0);
      return { tool, position: positions.length > 0 ? Math.min(...positions) : -1 };
    })
    .filter((entry) => entry.position >= 0)
    .sort((first, second) => first.position - second.position)
    .map((entry) => entry.tool);
}

/** The tool sharing most words with the request (name parts count double); ties go to the first. */
function bestMatch(tools: readonly PromptTool[], text: string): PromptTool {
  const words = new Set(text.toLowerCase().match(/[a-z]{3,}/g) ?? []);
  let best = tools[0] as PromptTool;
  let bestScore = -1;
  for (const tool of tools) {
    const nameWords = tool.name.toLowerCase().split(/[^a-z]+/).filter((word) => word.length >= 3);
    const descriptionWords = tool.description.toLowerCase().match(/[a-z]{4,}/g) ?? [];
    const score = nameWords.filter((word) => words.has(word)).length * 2 + descriptionWords.filter((word) => words.has(word)).length;
    if (score > bestScore) {
      best = tool;
      bestScore = score;
    }
  }
  return best;
}
