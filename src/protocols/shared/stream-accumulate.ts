import { emptyUsage, type AssistantContentPart, type CanonicalChoice, type CanonicalResponse, type CanonicalUsage, type FinishReason, type StreamErrorInfo, type StreamPart, type TokenLogprob } from '../../canonical/types.js';

/**
 * Canonical stream parts folded back into one canonical response: what a client that buffered the
 * stream would have. Blocks are ordered by number (their start order); empty text is dropped; a tool
 * call that never ended (cut off by the output limit) is left out rather than returned broken.
 * Blocks of choices after the first (n > 1) and their finish reasons become `additionalChoices`;
 * log probabilities on text deltas are collected per choice.
 * Protocol-neutral: used by the codecs' tests and usable wherever a stream must be summarised.
 */
export class StreamAccumulator {
  private readonly blocks = new Map<number, { part: AssistantContentPart; complete: boolean; choice: number }>();
  private readonly logprobs = new Map<number, TokenLogprob[]>();
  private readonly otherFinishes = new Map<number, FinishReason>();
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
        this.blocks.set(part.block, { part: text, complete: true, choice: part.choice ?? 0 });
        return;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const block = this.blocks.get(part.block);
        const entry = block?.part;
        if (entry?.type === 'text' || entry?.type === 'reasoning') entry.text += part.text;
        if (part.type === 'text-delta' && part.logprobs !== undefined) {
          const choice = block?.choice ?? 0;
          this.logprobs.set(choice, [...(this.logprobs.get(choice) ?? []), ...part.logprobs]);
        }
        return;
      }
      case 'refusal-delta': {
        const entry = this.blocks.get(part.block)?.part;
        if (entry?.type === 'refusal') entry.text += part.text;
        else this.blocks.set(part.block, { part: { type: 'refusal', text: part.text }, complete: true, choice: part.choice ?? 0 });
        return;
      }
      case 'reasoning-start': {
        const reasoning: AssistantContentPart = { type: 'reasoning', text: '', origin: part.origin };
        if (part.itemId !== undefined) reasoning.itemId = part.itemId;
        this.blocks.set(part.block, { part: reasoning, complete: true, choice: part.choice ?? 0 });
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
        this.blocks.set(part.block, { part: call, complete: false, choice: part.choice ?? 0 });
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
        for (const other of part.additionalChoices ?? []) this.otherFinishes.set(other.index, other.finishReason);
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
    const finishReason = this.error !== undefined ? 'error' : (this.finishReason ?? 'other');
    const response: CanonicalResponse = {
      id: this.id,
      model: this.model,
      created: this.created,
      content: this.contentOf(0),
      finishReason,
      usage: this.usage,
    };
    if (this.stopSequence !== undefined && this.error === undefined) response.stopSequence = this.stopSequence;
    const logprobs = this.logprobs.get(0);
    if (logprobs !== undefined) response.logprobs = logprobs;
    const others = new Set([...this.blocks.values()].map((entry) => entry.choice).filter((choice) => choice !== 0));
    for (const choice of this.otherFinishes.keys()) others.add(choice);
    if (others.size > 0) {
      response.additionalChoices = [...others].sort((left, right) => left - right).map((index) => {
        const choice: CanonicalChoice = { index, content: this.contentOf(index), finishReason: this.error !== undefined ? 'error' : (this.otherFinishes.get(index) ?? finishReason) };
        const choiceLogprobs = this.logprobs.get(index);
        if (choiceLogprobs !== undefined) choice.logprobs = choiceLogprobs;
        return choice;
      });
    }
    return response;
  }

  private contentOf(choice: number): AssistantContentPart[] {
    return [...this.blocks.entries()]
      .sort(([left], [right]) => left - right)
      .filter(([, entry]) => entry.choice === choice && entry.complete && !(entry.part.type === 'text' && entry.part.text === '' && entry.part.thoughtSignature === undefined))
      .map(([, entry]) => entry.part);
  }
}

export function accumulateStream(parts: Iterable<StreamPart>): StreamAccumulator {
  const accumulator = new StreamAccumulator();
  for (const part of parts) accumulator.push(part);
  return accumulator;
}
