import type { CanonicalUsage, FinishReason, StreamPart } from '../../canonical/types.js';
import type { EncodeContext, StreamEncoder } from '../codec.js';
import { encodeOpenAIStreamError } from './errors.js';
import { toChatFinishReason } from './finish-reason.js';
import { chatCompletionId } from './response-encode.js';
import { encodeChatUsage, mergeUsage } from './usage.js';
import type { ChatDelta, ChatFinishReason } from './wire-types.js';

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
 * ignores the field). An error part becomes `data: {"error":{…}}` and ends the stream without
 * `[DONE]`: Chat has no error event, and this is what OpenAI-protocol servers send and the SDKs throw on.
 * Every chunk shares one id/created/model, serialised once (the prefix is reused for every chunk).
 */
export class ChatStreamEncoder implements StreamEncoder {
  private prefix: string | undefined;
  private readonly toolIndexByBlock = new Map<number, number>();
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
        return this.header();
      case 'text-delta':
        return part.text === '' ? '' : this.chunk({ content: part.text });
      case 'refusal-delta':
        return part.text === '' ? '' : this.chunk({ refusal: part.text });
      case 'reasoning-delta':
        return part.text === '' ? '' : this.chunk({ reasoning_content: part.text });
      case 'tool-call-start': {
        const index = this.toolIndexByBlock.size;
        this.toolIndexByBlock.set(part.block, index);
        return this.chunk({ tool_calls: [{ index, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }] });
      }
      case 'tool-call-delta': {
        const index = this.toolIndexByBlock.get(part.block);
        if (index === undefined || part.argumentsDelta === '') return '';
        return this.chunk({ tool_calls: [{ index, function: { arguments: part.argumentsDelta } }] });
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
        return this.finish(part.finishReason);
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

  private finish(reason: FinishReason): string {
    if (this.finishSent) return '';
    this.finishSent = true;
    return this.chunk({}, toChatFinishReason(reason, this.toolIndexByBlock.size > 0));
  }

  private chunk(delta: ChatDelta, finishReason: ChatFinishReason | null = null): string {
    const header = this.header();
    const usage = this.context.includeUsage === true ? ',"usage":null' : '';
    const reason = finishReason === null ? 'null' : `"${finishReason}"`;
    return `${header}data: ${this.prefix ?? ''},"choices":[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${reason}}]${usage}}\n\n`;
  }
}
