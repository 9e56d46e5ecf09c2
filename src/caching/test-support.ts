/** Builders shared by the caching tests. */
import { isObject, type JsonObject } from './json.js';

/** Text the token estimate counts as about `tokens` tokens (one per word). */
export function prose(tokens: number, word = 'lorem'): string {
  return `${word} `.repeat(tokens).trimEnd();
}

/** Paths of every `cache_control` in an Anthropic body, in prompt order: `tools[1]`, `system[0]`, `messages[3].content[2]`, `cache_control`. */
export function cacheMarks(body: JsonObject): string[] {
  const marks: string[] = [];
  const visit = (path: string, blocks: unknown): void => {
    if (!Array.isArray(blocks)) return;
    blocks.forEach((block, index) => {
      if (isObject(block) && block.cache_control != null) marks.push(`${path}[${index}]`);
      if (isObject(block) && Array.isArray(block.content)) visit(`${path}[${index}].content`, block.content);
    });
  };
  visit('tools', body.tools);
  visit('system', body.system);
  if (Array.isArray(body.messages)) body.messages.forEach((message, index) => isObject(message) && visit(`messages[${index}].content`, message.content));
  if (body.cache_control != null) marks.push('cache_control');
  return marks;
}

/** Freezes a parsed body all the way down, so a test fails if anything writes to it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export const weatherTool = { name: 'get_weather', description: 'Current weather for a city.', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

/**
 * An agent conversation in Anthropic's shape: a long system prompt, two tools, a task, then `rounds`
 * tool rounds (assistant call → user result), each assistant turn opening with a thinking block
 * unless `thinking: false`.
 */
export function agentConversation(options: { rounds: number; systemTokens?: number; resultTokens?: number; parallel?: number; model?: string; thinking?: boolean }): JsonObject {
  const thinking = options.thinking === false ? [] : [{ type: 'thinking', thinking: 'I should call the tool.', signature: 'c2ln' }];
  const messages: JsonObject[] = [{ role: 'user', content: 'Find the weather in every city on the list and summarise it.' }];
  for (let round = 0; round < options.rounds; round++) {
    const calls = Array.from({ length: options.parallel ?? 1 }, (_, call) => ({ type: 'tool_use', id: `toolu_${round}_${call}`, name: 'get_weather', input: { city: `City ${round}.${call}` } }));
    messages.push({ role: 'assistant', content: [...thinking, { type: 'text', text: 'Checking.' }, ...calls] });
    messages.push({ role: 'user', content: calls.map((call) => ({ type: 'tool_result', tool_use_id: call.id, content: prose(options.resultTokens ?? 200, 'sunny') })) });
  }
  return {
    model: options.model ?? 'claude-sonnet-4-5-20250929',
    max_tokens: 1024,
    system: prose(options.systemTokens ?? 3000, 'policy'),
    tools: [weatherTool, { ...weatherTool, name: 'get_forecast' }],
    messages,
  };
}
