/**
 * The same session through the official `openai` client, in Chat Completions shape, to the same
 * Claude route: the gateway translates each turn to Anthropic Messages and places the breakpoints
 * on the translated body. Chat usage counts cached and written tokens inside `prompt_tokens`.
 */
import OpenAI from 'openai';
import { parseUsdHeader, type TurnRecord } from './costs.js';
import { Dice } from './dice.js';
import type { Session } from './session.js';

export interface OpenAiRunOptions {
  baseURL: string;
  model: string;
  maxTokens: number;
}

export function openAiRequest(session: Session, turn: number, options: OpenAiRunOptions): OpenAI.ChatCompletionCreateParamsNonStreaming {
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'system', content: session.system },
    { role: 'user', content: session.task },
  ];
  session.rounds.slice(0, turn - 1).forEach((round, index) => {
    const id = `call_${new Dice(index + 1).id(24)}`;
    messages.push({ role: 'assistant', content: round.say, tool_calls: [{ id, type: 'function', function: { name: round.call.name, arguments: JSON.stringify(round.call.input) } }] });
    messages.push({ role: 'tool', tool_call_id: id, content: round.result });
    messages.push({ role: 'user', content: round.followUp });
  });
  return {
    model: options.model,
    max_tokens: options.maxTokens,
    messages,
    tools: session.tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } })),
  };
}

export async function runOpenAiSession(
  session: Session, turns: number, options: OpenAiRunOptions, observe: (record: TurnRecord) => void, lastBreakpoints: () => string[],
): Promise<TurnRecord[]> {
  const client = new OpenAI({ baseURL: `${options.baseURL}/v1`, apiKey: 'bench', maxRetries: 0 });
  const records: TurnRecord[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    const started = performance.now();
    const { data, response } = await client.chat.completions.create(openAiRequest(session, turn, options)).withResponse();
    const promptTokens = data.usage?.prompt_tokens ?? 0;
    const cacheReadTokens = data.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    const cacheWriteTokens = data.usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
    const record: TurnRecord = {
      turn,
      uncachedInputTokens: promptTokens - cacheReadTokens - cacheWriteTokens,
      cacheWriteTokens,
      cacheReadTokens,
      inputTokens: promptTokens,
      outputTokens: data.usage?.completion_tokens ?? 0,
      headerCostMicros: parseUsdHeader(response.headers.get('x-switchyard-cost-usd')),
      promptCacheNote: response.headers.get('x-switchyard-prompt-cache'),
      breakpointsSent: lastBreakpoints(),
      milliseconds: Math.round(performance.now() - started),
    };
    records.push(record);
    observe(record);
  }
  return records;
}
