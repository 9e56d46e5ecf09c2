import type { StreamPart } from '../../canonical/types.js';
import type { SseEvent } from '../../util/sse.js';
import type { StreamDecoder } from '../codec.js';
import { kindForAnthropicErrorType, statusForAnthropicErrorType } from './errors.js';
import { mapAnthropicStopReason } from './stop-reason.js';
import { mergeAnthropicUsage, readAnthropicUsage, toCanonicalUsage, type AnthropicUsageFields } from './usage.js';
import { isRecord, type JsonObject } from '../shared/field-reader.js';

/**
 * One provider stream (https://docs.anthropic.com/en/docs/build-with-claude/streaming) → canonical
 * parts. One handler per event type. Anthropic blocks are strictly sequential; each keeps its own state
 * by `index`, so two blocks' fragments are never glued (PROTOCOLS.md trap 1).
 *
 * Text and thinking are piped delta by delta. A tool_use block is buffered until its
 * `content_block_stop` and then emitted whole (start, one arguments delta, end): a `max_tokens` stop
 * can end the stream mid-arguments with no `content_block_stop`
 * [anthropic/messages-tool-use-max-tokens-truncated], and such a call must not reach any client as if
 * it were complete (trap 2). The finish then says `length`.
 */

type OpenBlock =
  | { kind: 'text'; block: number }
  | { kind: 'thinking'; block: number; signature: string }
  | { kind: 'redacted'; block: number; data: string }
  | { kind: 'tool'; id: string; name: string; fragments: string; initialInput: string };

export class AnthropicStreamDecoder implements StreamDecoder {
  private readonly blocks = new Map<number, OpenBlock>();
  private nextBlock = 0;
  private usage: AnthropicUsageFields = {};
  private started = false;
  private done = false;

  constructor(private readonly now: () => number = Date.now) {}

  push(event: SseEvent): StreamPart[] {
    if (this.done) return [];
    let data: unknown;
    try {
      data = JSON.parse(event.data) as unknown;
    } catch {
      return this.fail(502, 'server_error', `the Anthropic stream sent an event whose data is not JSON: ${event.data.slice(0, 200)}`);
    }
    if (!isRecord(data)) return [];
    const type = typeof data.type === 'string' ? data.type : event.event;
    switch (type) {
      case 'message_start':
        return this.onMessageStart(data);
      case 'content_block_start':
        return this.onBlockStart(data);
      case 'content_block_delta':
        return this.onBlockDelta(data);
      case 'content_block_stop':
        return this.onBlockStop(data);
      case 'message_delta':
        return this.onMessageDelta(data);
      case 'message_stop':
        // message_delta already finished the message; a stream that skipped it still needs a finish.
        return this.finish({ finishReason: 'other' });
      case 'error':
        return this.onError(data);
      default:
        // `ping` and event types added later carry nothing we translate.
        return [];
    }
  }

  end(): StreamPart[] {
    if (this.done) return [];
    const what = this.started ? 'before message_delta' : 'before message_start';
    return [...this.closeOpenBlocks(), ...this.fail(502, 'server_error', `the Anthropic stream ended ${what}`)];
  }

  private onMessageStart(data: JsonObject): StreamPart[] {
    const message = isRecord(data.message) ? data.message : {};
    this.started = true;
    this.usage = readAnthropicUsage(message.usage);
    return [
      {
        type: 'response-start',
        id: typeof message.id === 'string' ? message.id : '',
        model: typeof message.model === 'string' ? message.model : '',
        created: Math.floor(this.now() / 1000),
        usage: toCanonicalUsage(this.usage),
      },
    ];
  }

  private onBlockStart(data: JsonObject): StreamPart[] {
    const index = data.index;
    const content = data.content_block;
    if (typeof index !== 'number' || !isRecord(content)) return [];
    const text = (key: string): string => (typeof content[key] === 'string' ? (content[key] as string) : '');
    switch (content.type) {
      case 'text': {
        const block = this.nextBlock++;
        this.blocks.set(index, { kind: 'text', block });
        const initial = text('text');
        return initial === '' ? [{ type: 'text-start', block }] : [{ type: 'text-start', block }, { type: 'text-delta', block, text: initial }];
      }
      case 'thinking': {
        const block = this.nextBlock++;
        this.blocks.set(index, { kind: 'thinking', block, signature: text('signature') });
        const initial = text('thinking');
        const start: StreamPart = { type: 'reasoning-start', block, origin: 'anthropic' };
        return initial === '' ? [start] : [start, { type: 'reasoning-delta', block, text: initial }];
      }
      case 'redacted_thinking': {
        // Arrives whole inside content_block_start, no deltas [anthropic/messages-thinking-redacted].
        const block = this.nextBlock++;
        this.blocks.set(index, { kind: 'redacted', block, data: text('data') });
        return [{ type: 'reasoning-start', block, origin: 'anthropic' }];
      }
      case 'tool_use': {
        const input = content.input;
        const initialInput = isRecord(input) && Object.keys(input).length > 0 ? JSON.stringify(input) : '';
        this.blocks.set(index, { kind: 'tool', id: text('id'), name: text('name'), fragments: '', initialInput });
        return [];
      }
      default:
        // Server-tool blocks (server_tool_use, web_search_tool_result, …) have no canonical form.
        return [];
    }
  }

  private onBlockDelta(data: JsonObject): StreamPart[] {
    const open = typeof data.index === 'number' ? this.blocks.get(data.index) : undefined;
    const delta = data.delta;
    if (open === undefined || !isRecord(delta)) return [];
    const value = (key: string): string => (typeof delta[key] === 'string' ? (delta[key] as string) : '');
    switch (delta.type) {
      case 'text_delta': {
        const text = value('text');
        return open.kind === 'text' && text !== '' ? [{ type: 'text-delta', block: open.block, text }] : [];
      }
      case 'thinking_delta': {
        // Anthropic often sends an empty thinking_delta before the signature [anthropic/messages-thinking].
        const text = value('thinking');
        return open.kind === 'thinking' && text !== '' ? [{ type: 'reasoning-delta', block: open.block, text }] : [];
      }
      case 'signature_delta':
        if (open.kind === 'thinking') open.signature += value('signature');
        return [];
      case 'input_json_delta':
        if (open.kind === 'tool') open.fragments += value('partial_json');
        return [];
      default:
        // citations_delta and later delta types: nothing canonical to carry.
        return [];
    }
  }

  private onBlockStop(data: JsonObject): StreamPart[] {
    if (typeof data.index !== 'number') return [];
    const open = this.blocks.get(data.index);
    if (open === undefined) return [];
    this.blocks.delete(data.index);
    return this.endBlock(open);
  }

  private endBlock(open: OpenBlock): StreamPart[] {
    switch (open.kind) {
      case 'text':
        return [{ type: 'text-end', block: open.block }];
      case 'thinking':
        return [open.signature === '' ? { type: 'reasoning-end', block: open.block } : { type: 'reasoning-end', block: open.block, signature: open.signature }];
      case 'redacted':
        return [{ type: 'reasoning-end', block: open.block, redactedData: open.data }];
      case 'tool': {
        const block = this.nextBlock++;
        // A no-arg tool streams only `partial_json: ""`: its arguments are `{}`, never "" [messages-tool-use-parallel].
        const args = open.fragments.trim() !== '' ? open.fragments : open.initialInput !== '' ? open.initialInput : '{}';
        return [
          { type: 'tool-call-start', block, id: open.id, name: open.name },
          { type: 'tool-call-delta', block, argumentsDelta: args },
          { type: 'tool-call-end', block },
        ];
      }
    }
  }

  /** Blocks left open at the end: text and thinking are closed; a tool call cut short is dropped. */
  private closeOpenBlocks(): StreamPart[] {
    const parts: StreamPart[] = [];
    for (const open of this.blocks.values()) if (open.kind !== 'tool') parts.push(...this.endBlock(open));
    this.blocks.clear();
    return parts;
  }

  private onMessageDelta(data: JsonObject): StreamPart[] {
    // Usage here is cumulative and may restate the input counts: it replaces, never adds (trap 4).
    this.usage = mergeAnthropicUsage(this.usage, readAnthropicUsage(data.usage));
    const delta = isRecord(data.delta) ? data.delta : {};
    const stopReason = typeof delta.stop_reason === 'string' ? delta.stop_reason : undefined;
    const stopSequence = typeof delta.stop_sequence === 'string' ? delta.stop_sequence : undefined;
    return this.finish({ finishReason: mapAnthropicStopReason(stopReason), stopSequence });
  }

  private finish(reason: { finishReason: ReturnType<typeof mapAnthropicStopReason>; stopSequence?: string | undefined }): StreamPart[] {
    if (this.done) return [];
    this.done = true;
    const finish: StreamPart = { type: 'finish', finishReason: reason.finishReason, usage: toCanonicalUsage(this.usage) };
    if (reason.stopSequence !== undefined) finish.stopSequence = reason.stopSequence;
    return [...this.closeOpenBlocks(), finish];
  }

  private onError(data: JsonObject): StreamPart[] {
    const error = isRecord(data.error) ? data.error : {};
    const type = typeof error.type === 'string' ? error.type : undefined;
    const message = typeof error.message === 'string' ? error.message : 'Anthropic reported an error in the stream';
    const status = statusForAnthropicErrorType(type);
    return this.fail(status, kindForAnthropicErrorType(type, status), message);
  }

  private fail(status: number, kind: string, message: string): StreamPart[] {
    this.done = true;
    this.blocks.clear();
    return [{ type: 'error', error: { status, kind, message } }];
  }
}
