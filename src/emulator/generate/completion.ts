/**
 * The generation core: from a decoded prompt and a catalog model to what the model says (text,
 * tool calls, JSON, refusal), its token counts and its pace. Deterministic: the seed is a hash of
 * the emulator seed, the model and the conversation, so the same request always gets the same
 * answer, streamed or not. Output limits only cut the answer short; they never change it.
 */
import type { CatalogModel } from '../catalog.js';
import { deriveSeed, SeededRandom } from '../random.js';
import { countTokens, splitIntoTokenPieces, TOOL_CALL_OVERHEAD_TOKENS, truncateToTokens } from '../tokens.js';
import { firstTokenDelayMs, millisecondsPerToken } from '../timing.js';
import type { EmulatorPrompt, FinishReason, GeneratedChoice, GeneratedToolCall, Generation, PromptTool } from '../types.js';
import { readConversation, type ConversationFacts } from './conversation.js';
import { generateJsonValue } from './json-schema-value.js';
import { logprobsFor } from './logprobs.js';
import { reasoningTokensFor } from './reasoning.js';
import { composeReply } from './text.js';
import { argumentPieces, generateToolCall } from './tool-arguments.js';
import { selectTools } from './tool-selection.js';

export interface CompletionInput {
  prompt: EmulatorPrompt;
  model: CatalogModel;
  inputTokens: number;
  cachedInputTokens: number;
  /** The emulator-wide seed (config `seed`). */
  seed: number;
  timeScale: number;
}

export function generateCompletion(input: CompletionInput): Generation {
  const { prompt, model } = input;
  const seed = conversationSeed(input.seed, model.name, prompt);
  const facts = readConversation(prompt);
  const tools = selectTools(prompt, facts.lastUserText);
  const choices: GeneratedChoice[] = [];
  for (let index = 0; index < prompt.choiceCount; index++) {
    choices.push(generateChoice(index, new SeededRandom(deriveSeed(seed, 'choice', index)), input, facts, tools));
  }
  const reasoningTokens = choices.reduce((sum, choice) => sum + choice.reasoningTokens, 0);
  // Choices are generated in parallel: the slowest one's reasoning delays the first token.
  const longestReasoning = Math.max(0, ...choices.map((choice) => choice.reasoningTokens));
  const uncachedInput = input.inputTokens - input.cachedInputTokens;
  return {
    choices,
    usage: {
      inputTokens: input.inputTokens,
      cachedInputTokens: input.cachedInputTokens,
      outputTokens: choices.reduce((sum, choice) => sum + choice.outputTokens, 0),
      reasoningTokens,
    },
    seed,
    firstTokenDelayMs: firstTokenDelayMs(model, uncachedInput, longestReasoning, input.timeScale),
    millisecondsPerToken: millisecondsPerToken(model, input.timeScale),
  };
}

/** What identifies "the same request": the conversation and everything that shapes the answer. */
function conversationSeed(seed: number, model: string, prompt: EmulatorPrompt): number {
  const identity = JSON.stringify([
    prompt.messages, prompt.tools, prompt.toolChoice, prompt.parallelToolCalls, prompt.responseFormat, prompt.samplingSeed,
  ]);
  return deriveSeed('conversation', seed, model, identity);
}

function generateChoice(index: number, random: SeededRandom, input: CompletionInput, facts: ConversationFacts, tools: PromptTool[]): GeneratedChoice {
  const { prompt, model } = input;
  const budget = prompt.maxOutputTokens ?? model.maxOutput;
  const reasoningTokens = Math.min(budget, reasoningTokensFor(model, prompt.reasoningEffort, random.fork('reasoning')));
  const remaining = budget - reasoningTokens;
  const choice: GeneratedChoice = {
    index, text: null, textPieces: [], refusal: null, refusalPieces: [], toolCalls: [], finishReason: 'stop',
    reasoningTokens, outputTokens: reasoningTokens, logprobs: undefined,
  };
  if (remaining <= 0) return { ...choice, text: '', finishReason: 'length' };

  if (facts.hooks.refusal !== undefined) {
    const { text, finishReason, tokens } = limitText(facts.hooks.refusal, remaining, prompt.stopSequences);
    return { ...choice, refusal: text, refusalPieces: splitIntoTokenPieces(text).map((piece) => piece.text), finishReason: finishReason === 'stop' ? 'refusal' : finishReason, outputTokens: reasoningTokens + tokens };
  }

  if (tools.length > 0) {
    const { calls, tokens, truncated } = limitToolCalls(tools.map((tool, callIndex) => generateToolCall(tool, random.fork(`tool:${callIndex}`), facts.hints)), remaining);
    // A budget too small for even one call leaves an empty answer cut by the limit.
    return { ...choice, text: calls.length === 0 ? '' : null, toolCalls: calls, finishReason: truncated ? 'length' : 'tool-calls', outputTokens: reasoningTokens + tokens };
  }

  const { text, finishReason, tokens, stopSequence } = limitText(composeText(random.fork('text'), prompt, facts), remaining, prompt.stopSequences);
  const pieces = splitIntoTokenPieces(text);
  return {
    ...choice,
    text,
    textPieces: pieces.map((piece) => piece.text),
    finishReason,
    ...(stopSequence === undefined ? {} : { stopSequence }),
    outputTokens: reasoningTokens + tokens,
    logprobs: prompt.logprobsTop === undefined ? undefined : logprobsFor(pieces, prompt.logprobsTop, random.fork('logprobs')),
  };
}

function composeText(random: SeededRandom, prompt: EmulatorPrompt, facts: ConversationFacts): string {
  if (facts.hooks.reply !== undefined) return facts.hooks.reply;
  const format = prompt.responseFormat;
  if (format.type === 'json-schema') return JSON.stringify(generateJsonValue(format.schema, random, facts.hints));
  if (format.type === 'json-object') {
    const sentence = composeReply(facts, random, 12).split(/(?<=\.)\s/)[0] ?? '';
    return JSON.stringify({ answer: sentence, topics: facts.hints.keywords.slice(0, 3), confidence: Math.round((0.7 + random.next() * 0.29) * 100) / 100 });
  }
  if (facts.hooks.tokens !== undefined) return truncateToTokens(composeReply(facts, random, facts.hooks.tokens), facts.hooks.tokens);
  return composeReply(facts, random);
}

/** Apply stop sequences (the answer ends before the first one) and the output token budget. */
function limitText(text: string, budget: number, stopSequences: readonly string[]): { text: string; finishReason: FinishReason; tokens: number; stopSequence?: string } {
  let limited = text;
  let matched: string | undefined;
  for (const stop of stopSequences) {
    const position = stop.length > 0 ? limited.indexOf(stop) : -1;
    if (position >= 0) {
      limited = limited.slice(0, position);
      matched = stop;
    }
  }
  const tokens = countTokens(limited);
  if (tokens <= budget) return matched === undefined ? { text: limited, finishReason: 'stop', tokens } : { text: limited, finishReason: 'stop', tokens, stopSequence: matched };
  const truncated = truncateToTokens(limited, budget);
  return { text: truncated, finishReason: 'length', tokens: countTokens(truncated) };
}

/** Tool calls within the budget; the call that crosses it is cut mid-arguments, as real APIs do. */
function limitToolCalls(calls: GeneratedToolCall[], budget: number): { calls: GeneratedToolCall[]; tokens: number; truncated: boolean } {
  const kept: GeneratedToolCall[] = [];
  let used = 0;
  for (const call of calls) {
    const cost = TOOL_CALL_OVERHEAD_TOKENS + countTokens(call.name) + countTokens(call.argumentsJson);
    if (used + cost <= budget) {
      kept.push(call);
      used += cost;
      continue;
    }
    const room = budget - used - TOOL_CALL_OVERHEAD_TOKENS - countTokens(call.name);
    if (room > 0) {
      const argumentsJson = truncateToTokens(call.argumentsJson, room);
      kept.push({ ...call, argumentsJson, argumentPieces: argumentPieces(argumentsJson) });
    }
    return { calls: kept, tokens: budget, truncated: true };
  }
  return { calls: kept, tokens: used, truncated: false };
}
