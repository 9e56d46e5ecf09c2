import { emptyUsage, type AssistantContentPart, type CanonicalResponse, type CanonicalUsage, type FinishReason, type StreamErrorInfo, type StreamPart } from '../../canonical/types.js';

/**
 * Canonical stream parts folded back into one canonical response: what a client that buffered the
 * stream would have. Blocks are ordered by number (their start order); empty text is dropped; a tool
 * call that never ended (cut off by the output limit) is left out rather than returned broken.
 * Protocol-neutral: used by the codecs' tests and usable wherever a stream must be summarised.
 */
export class StreamAccumulator {
  private readonly blocks = new Map<number, { part: AssistantContentPart; complete: boolean }>();
  private id = '';
  private model = '';
  private created = 0;
  private usage: CanonicalUsage = emptyUsage();
  private finishReason: FinishReason | undefined;
  private stopSequence: string | undefined;
  error: StreamErrorInfo | undefined;

  push(part: StreamPart): void {
    switch (part.type) {
      case 'response-start':
        this.id = part.id;
        this.model = part.model;
        this.created = part.created;
        this.mergeUsage(part.usage);
        return;
      case 'text-start': {
        const text: AssistantContentPart = { type: 'text', text: '' };
        if (part.thoughtSignature !== undefined) text.thoughtSignature = part.thoughtSignature;
        this.blocks.set(part.block, { part: text, complete: true });
        return;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const entry = this.blocks.get(part.block)?.part;
        if (entry?.type === 'text' || entry?.type === 'reasoning') entry.text += part.text;
        return;
      }
      case 'refusal-delta': {
        const entry = this.blocks.get(part.block)?.part;
        if (entry?.type === 'refusal') entry.text += part.text;
        else this.blocks.set(part.block, { part: { type: 'refusal', text: part.text }, complete: true });
        return;
      }
      case 'reasoning-start': {
        const reasoning: AssistantContentPart = { type: 'reasoning', text: '', origin: part.origin };
        if (part.itemId !== undefined) reasoning.itemId = part.itemId;
        this.blocks.set(part.block, { part: reasoning, complete: true });
        return;
      }
      case 'reasoning-end': {
        const entry = this.blocks.get(part.block)?.part;
        if (entry?.type !== 'reasoning') return;
        if (part.signature !== undefined) entry.signature = part.signature;
        if (part.redactedData !== undefined) entry.redactedData = part.redactedData;
        if (part.encryptedContent !== undefined) entry.encryptedContent = part.encryptedContent;
        return;
      }
      case 'tool-call-start': {
        const call: AssistantContentPart = { type: 'tool-call', id: part.id, name: part.name, arguments: '' };
        if (part.thoughtSignature !== undefined) call.thoughtSignature = part.thoughtSignature;
        this.blocks.set(part.block, { part: call, complete: false });
        return;
      }
      case 'tool-call-delta': {
        const entry = this.blocks.get(part.block)?.part;
        if (entry?.type === 'tool-call') entry.arguments += part.argumentsDelta;
        return;
      }
      case 'tool-call-end': {
        const entry = this.blocks.get(part.block);
        if (entry !== undefined) entry.complete = true;
        return;
      }
      case 'text-end': {
        // Gemini can send a text block's signature at its end (on an empty last part).
        const entry = this.blocks.get(part.block)?.part;
        if (entry?.type === 'text' && part.thoughtSignature !== undefined) entry.thoughtSignature = part.thoughtSignature;
        return;
      }
      case 'usage':
        this.mergeUsage(part.usage);
        return;
      case 'finish':
        this.finishReason = part.finishReason;
        this.stopSequence = part.stopSequence;
        this.mergeUsage(part.usage);
        return;
      case 'error':
        this.error = part.error;
        return;
    }
  }

  private mergeUsage(usage: Partial<CanonicalUsage> | undefined): void {
    if (usage !== undefined) this.usage = { ...this.usage, ...usage };
  }

  /** Whether the stream reached a finish (or an error). */
  get ended(): boolean {
    return this.finishReason !== undefined || this.error !== undefined;
  }

  response(): CanonicalResponse {
    const content = [...this.blocks.entries()]
      .sort(([left], [right]) => left - right)
      .filter(([, entry]) => entry.complete && !(entry.part.type === 'text' && entry.part.text === '' && entry.part.thoughtSignature === undefined))
      .map(([, entry]) => entry.part);
    const response: CanonicalResponse = {
      id: this.id,
      model: this.model,
      created: this.created,
      content,
      finishReason: this.error !== undefined ? 'error' : (this.finishReason ?? 'other'),
      usage: this.usage,
    };
    if (this.stopSequence !== undefined && this.error === undefined) response.stopSequence = this.stopSequence;
    return response;
  }
}

export function accumulateStream(parts: Iterable<StreamPart>): StreamAccumulator {
  const accumulator = new StreamAccumulator();
  for (const part of parts) accumulator.push(part);
  return accumulator;
}
