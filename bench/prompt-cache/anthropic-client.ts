/**
 * The session through the official Anthropic SDK: each turn re-sends the whole history, as an agent
 * loop does. With `callerBreakpoints`, the client manages its own cache the way Anthropic's docs
 * show: one breakpoint at the end of the system prompt, one on the last block of the conversation.
 */
import Anthropic from '@anthropic-ai/sdk';
import { parseUsdHeader, type TurnRecord } from './costs.js';
import { Dice } from './dice.js';
import type { Session } from './session.js';

export interface AnthropicRunOptions {
  baseURL: string;
  /** A gateway route, or the provider's model name when talking to it directly. */
  model: string;
  callerBreakpoints: boolean;
  maxTokens: number;
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/** The request for turn `turn` (1-based): the task and the first `turn - 1` rounds. */
export function anthropicRequest(session: Session, turn: number, options: AnthropicRunOptions): Anthropic.MessageCreateParamsNonStreaming {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: session.task }] }];
  session.rounds.slice(0, turn - 1).forEach((round, index) => {
    const id = `toolu_01${new Dice(index + 1).id(22)}`;
    messages.push({ role: 'assistant', content: [{ type: 'text', text: round.say }, { type: 'tool_use', id, name: round.call.name, input: round.call.input }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: round.result }, { type: 'text', text: round.followUp }] });
  });
  const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: session.system }];
  if (options.callerBreakpoints) {
    system[0] = { ...system[0]!, cache_control: EPHEMERAL };
    const last = messages.at(-1)!;
    const content = last.content as Anthropic.ContentBlockParam[];
    const tail = content.at(-1) as Anthropic.TextBlockParam;
    last.content = [...content.slice(0, -1), { ...tail, cache_control: EPHEMERAL }];
  }
  return {
    model: options.model,
    max_tokens: options.maxTokens,
    system,
    tools: session.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.parameters as Anthropic.Tool.InputSchema })),
    messages,
  };
}

export async function runAnthropicSession(
  session: Session, turns: number, options: AnthropicRunOptions, observe: (record: TurnRecord) => void, lastBreakpoints: () => string[],
): Promise<TurnRecord[]> {
  const client = new Anthropic({ baseURL: options.baseURL, apiKey: 'bench', maxRetries: 0 });
  const records: TurnRecord[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    const started = performance.now();
    const { data, response } = await client.messages.create(anthropicRequest(session, turn, options)).withResponse();
    const usage = data.usage;
    const cacheWriteTokens = usage.cache_creation_input_tokens ?? 0;
    const cacheReadTokens = usage.cache_read_input_tokens ?? 0;
    const record: TurnRecord = {
      turn,
      uncachedInputTokens: usage.input_tokens,
      cacheWriteTokens,
      cacheReadTokens,
      inputTokens: usage.input_tokens + cacheWriteTokens + cacheReadTokens,
      outputTokens: usage.output_tokens,
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
