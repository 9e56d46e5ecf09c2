import type { CanonicalUsage, FinishReason, StreamPart } from '../../canonical/types.js';
import type { EncodeContext, StreamEncoder } from '../codec.js';
import { encodeOpenAIStreamError } from './errors.js';
import { toChatFinishReason } from './finish-reason.js';
import { chatCompletionId } from './response-encode.js';
import { encodeChatUsage, mergeUsage } from './usage.js';
import { encodeChatLogprobs } from './logprobs.js';
import type { ChatDelta, ChatFinishReason, ChatLogprobs } from './wire-types.js';

/**
 * Canonical stream parts into a Chat Completions stream, byte for byte the shape OpenAI sends
 * ([chat-text.stream.sse], [chat-tool-call.stream.sse]):
 *
 *   data: {"id":"chatcmpl-…","object":"chat.completion.chunk","created":…,"model":…,"choices":[{"index":0,
 *          "delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}
 *   … text deltas, refusal deltas, tool calls by index (id/type/name/arguments:"" on each call's
 *     first chunk, then argument fragments only) …
 *   data: {… "delta":{},"finish_reason":"stop"}
 *   data: {… "choices":[],"usage":{…}}     only when the client asked (context.includeUsage),
 *                                         and then every earlier chunk carries "usage":null
 *   data: [DONE]
 *
 * Readable reasoning goes out as `delta.reasoning_content` (DeepSeek's convention; the OpenAI SDK
 * ignores the field). With several choices (n > 1) each chunk carries one choice's `index`, each
 * choice opens with its own role chunk and numbers its own tool calls, and the finish chunks of all
 * choices come together at the end. Text deltas that carry token log probabilities send them in the
 * chunk's `logprobs.content`, as OpenAI does. An error part becomes `data: {"error":{…}}` and ends the stream without
 * `[DONE]`: Chat has no error event, and this is what OpenAI-protocol servers send and the SDKs throw on.
 * Every chunk shares one id/created/model, serialised once (the prefix is reused for every chunk).
 */
export class ChatStreamEncoder implements StreamEncoder {
  private prefix: string | undefined;
  private readonly toolIndexByBlock = new Map<number, number>();
  /** Tool calls per choice, so each choice numbers its calls from 0. */
  private readonly toolCalls = new Map<number, number>();
  /** The choice of each block; blocks not listed belong to choice 0. */
  private readonly choiceByBlock = new Map<number, number>();
  /** Choices after 0 that have had their first (role) chunk. */
  private readonly openedChoices = new Set<number>();
  private finishSent = false;
  private closed = false;
  private usage: Partial<CanonicalUsage> = {};
  private id: string;
  private created = Math.floor(Date.now() / 1000);

  constructor(private readonly context: EncodeContext) {
    this.id = chatCompletionId('', context.requestId);
  }

  encode(part: StreamPart): string {
    if (this.closed) return '';
    switch (part.type) {
      case 'response-start':
        if (this.prefix === undefined) {
          this.id = chatCompletionId(part.id, this.context.requestId);
          this.created = part.created;
        }
        this.usage = mergeUsage(this.usage, part.usage);
        return this.header();
      case 'text-start':
      case 'reasoning-start':
        return this.openChoice(this.assignChoice(part.block, part.choice));
      case 'text-delta':
        return part.text === '' ? '' : this.chunk({ content: part.text }, null, this.choiceOf(part.block), encodeChatLogprobs(part.logprobs));
      case 'refusal-delta':
        return part.text === '' ? '' : this.chunk({ refusal: part.text }, null, this.assignChoice(part.block, part.choice));
      case 'reasoning-delta':
        return part.text === '' ? '' : this.chunk({ reasoning_content: part.text }, null, this.choiceOf(part.block));
      case 'tool-call-start': {
        const choice = this.assignChoice(part.block, part.choice);
        const index = this.toolCalls.get(choice) ?? 0;
        this.toolCalls.set(choice, index + 1);
        this.toolIndexByBlock.set(part.block, index);
        return this.chunk({ tool_calls: [{ index, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }] }, null, choice);
      }
      case 'tool-call-delta': {
        const index = this.toolIndexByBlock.get(part.block);
        if (index === undefined || part.argumentsDelta === '') return '';
        return this.chunk({ tool_calls: [{ index, function: { arguments: part.argumentsDelta } }] }, null, this.choiceOf(part.block));
      }
      case 'text-end':
      case 'reasoning-end':
      case 'tool-call-end':
        return '';
      case 'usage':
        this.usage = mergeUsage(this.usage, part.usage);
        return '';
      case 'finish':
        this.usage = mergeUsage(this.usage, part.usage);
        return this.finish(part.finishReason, part.additionalChoices);
      case 'error':
        this.closed = true;
        return `data: ${JSON.stringify(encodeOpenAIStreamError(part.error))}\n\n`;
    }
  }

  end(): string {
    if (this.closed) return '';
    this.closed = true;
    let text = this.finish('stop');
    if (this.context.includeUsage === true) {
      text += `data: ${this.prefix ?? ''},"choices":[],"usage":${JSON.stringify(encodeChatUsage(this.usage))}}\n\n`;
    }
    return `${text}data: [DONE]\n\n`;
  }

  /** The first chunk (role, empty content, null refusal), once, before anything else. */
  private header(): string {
    if (this.prefix !== undefined) return '';
    this.prefix = `{"id":${JSON.stringify(this.id)},"object":"chat.completion.chunk","created":${this.created},"model":${JSON.stringify(this.context.model)}`;
    return this.chunk({ role: 'assistant', content: '', refusal: null });
  }

  /** Each further choice opens with its own role chunk, as OpenAI streams `n` choices. */
  private openChoice(choice: number): string {
    const header = this.header();
    if (choice === 0 || this.openedChoices.has(choice)) return header;
    this.openedChoices.add(choice);
    return header + this.chunk({ role: 'assistant', content: '', refusal: null }, null, choice);
  }

  private assignChoice(block: number, choice: number | undefined): number {
    if (choice !== undefined && choice !== 0) this.choiceByBlock.set(block, choice);
    return choice ?? this.choiceOf(block);
  }

  private choiceOf(block: number): number {
    return this.choiceByBlock.get(block) ?? 0;
  }

  private finish(reason: FinishReason, others: ReadonlyArray<{ index: number; finishReason: FinishReason }> = []): string {
    if (this.finishSent) return '';
    this.finishSent = true;
    let text = this.chunk({}, toChatFinishReason(reason, (this.toolCalls.get(0) ?? 0) > 0));
    for (const other of others) {
      text += this.chunk({}, toChatFinishReason(other.finishReason, (this.toolCalls.get(other.index) ?? 0) > 0), other.index);
    }
    return text;
  }

  private chunk(delta: ChatDelta, finishReason: ChatFinishReason | null = null, choice = 0, logprobs: ChatLogprobs | null = null): string {
    const header = choice === 0 ? this.header() : this.openChoice(choice);
    const usage = this.context.includeUsage === true ? ',"usage":null' : '';
    const reason = finishReason === null ? 'null' : `"${finishReason}"`;
    return `${header}data: ${this.prefix ?? ''},"choices":[{"index":${choice},"delta":${JSON.stringify(delta)},"logprobs":${JSON.stringify(logprobs)},"finish_reason":${reason}}]${usage}}\n\n`;
  }
}
