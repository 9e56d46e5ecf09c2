/**
 * A `Generation` as a Chat Completions SSE stream, exactly as OpenAI frames it
 * [conformance openai/chat-tool-call.stream.sse, chat-text, chat-n3-choices, chat-refusal]:
 * - `data: {json}` events, no `event:` names, then `data: [DONE]`;
 * - each choice opens with `{role:"assistant", content:"" | null, refusal:null | ""}`; a tool-call
 *   answer puts its first call's header (id, type, name, `arguments:""`) in that same chunk;
 * - text as one token per chunk; each call's argument fragments follow its header, by `index`;
 * - a `delta:{}` chunk with the finish reason per choice; with n > 1 choices interleave;
 * - with `include_usage` every chunk has `"usage":null` and a final `choices:[]` chunk has usage;
 * - every chunk carries an `obfuscation` padding string unless `include_obfuscation` is false.
 */
import { formatSseEvent } from '../../util/sse.js';
import type { GeneratedChoice } from '../types.js';
import type { RenderContext, StreamFrame } from './protocol.js';
import type { OpenAiFlavor } from './openai-errors.js';
import type { ChatRenderOptions } from './openai-chat-request.js';
import {
  azureContentFilterResults, azurePromptFilterResults, completionId, mapFinishReason, renderLogprobEntries, renderUsage, systemFingerprint,
} from './openai-chat-response.js';

type ChoiceChunk = Record<string, unknown>;
interface PendingFrame { choice: ChoiceChunk; tokens: number; content: boolean }

export function* renderChatStream(context: RenderContext, options: ChatRenderOptions, flavor: OpenAiFlavor): Generator<StreamFrame> {
  const header = {
    id: completionId(context),
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model.responseModel,
    service_tier: 'default',
    system_fingerprint: systemFingerprint(context.model.responseModel),
  };
  // The header fields never change within a stream: serialise them once, not per chunk.
  const prefix = `${JSON.stringify(header).slice(0, -1)},"choices":`;
  const frame = (choices: ChoiceChunk[], tokens: number, content: boolean, usage: unknown = null): StreamFrame => {
    let json = prefix + JSON.stringify(choices);
    if (options.includeUsage) json += `,"usage":${JSON.stringify(usage)}`;
    if (options.includeObfuscation) json += `,"obfuscation":"${context.random.alphanumeric(context.random.integer(1, 16))}"`;
    return { text: formatSseEvent(`${json}}`), tokens, content };
  };
  if (flavor === 'azure') {
    // Azure opens with a choice-less chunk holding the prompt's content-filter verdict.
    yield { text: formatSseEvent(JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: azurePromptFilterResults() })), tokens: 0, content: false };
  }
  const choiceCount = context.generation.choices.length;
  const perChoice = context.generation.choices.map((choice) => choiceFrames(choice, options, flavor));
  // n > 1: choices decode in parallel, so a round of one chunk per choice costs one token's time.
  const longest = Math.max(0, ...perChoice.map((frames) => frames.length));
  for (let position = 0; position < longest; position++) {
    for (const frames of perChoice) {
      const pending = frames[position];
      if (pending !== undefined) yield frame([pending.choice], pending.tokens / choiceCount, pending.content);
    }
  }
  if (options.includeUsage) yield frame([], 0, false, renderUsage(context.generation));
  yield { text: formatSseEvent('[DONE]'), tokens: 0, content: false };
}

function choiceFrames(choice: GeneratedChoice, options: ChatRenderOptions, flavor: OpenAiFlavor): PendingFrame[] {
  const chunk = (delta: Record<string, unknown>, logprobs: unknown = null, finishReason: string | null = null): ChoiceChunk => {
    const rendered: ChoiceChunk = { index: choice.index, delta, logprobs, finish_reason: finishReason };
    if (flavor === 'azure' && Object.keys(delta).length > 0 && !('role' in delta)) rendered.content_filter_results = azureContentFilterResults();
    return rendered;
  };
  const frames: PendingFrame[] = [];
  const [firstCall, ...otherCalls] = choice.toolCalls;
  const opening: Record<string, unknown> = { role: 'assistant', content: choice.text === null ? null : '' };
  if (firstCall !== undefined) opening.tool_calls = [callHeader(0, firstCall)];
  opening.refusal = choice.refusal === null ? null : '';
  frames.push({ choice: chunk(opening), tokens: 0, content: false });

  choice.textPieces.forEach((piece, position) => {
    const entry = choice.logprobs?.[position];
    const logprobs = options.logprobs && entry !== undefined ? { content: renderLogprobEntries([entry]), refusal: null } : null;
    frames.push({ choice: chunk({ content: piece }, logprobs), tokens: 1, content: true });
  });
  for (const piece of choice.refusalPieces) frames.push({ choice: chunk({ refusal: piece }), tokens: 1, content: true });
  if (firstCall !== undefined) {
    pushArgumentFrames(frames, chunk, 0, firstCall.argumentPieces);
    otherCalls.forEach((call, offset) => {
      frames.push({ choice: chunk({ tool_calls: [callHeader(offset + 1, call)] }), tokens: 1, content: false });
      pushArgumentFrames(frames, chunk, offset + 1, call.argumentPieces);
    });
  }
  frames.push({ choice: chunk({}, null, mapFinishReason(choice.finishReason)), tokens: 0, content: false });
  return frames;
}

function callHeader(index: number, call: { id: string; name: string }): Record<string, unknown> {
  return { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
}

function pushArgumentFrames(frames: PendingFrame[], chunk: (delta: Record<string, unknown>) => ChoiceChunk, index: number, pieces: readonly string[]): void {
  for (const piece of pieces) frames.push({ choice: chunk({ tool_calls: [{ index, function: { arguments: piece } }] }), tokens: 1, content: true });
}
