import type { AssistantContentPart, CanonicalResponse, StreamPart, TokenLogprob } from '../canonical/types.js';

/**
 * A cached response as the canonical stream a provider would have produced for it: `response-start`,
 * one block per content part (start, one delta, end) in order, then `finish`. Every protocol's stream
 * encoder turns this into its own valid event sequence.
 *
 * The full usage rides on `response-start` as well as on `finish`: protocols that report input
 * tokens at the start (Anthropic `message_start`) then show the real counts from the first event.
 * Further choices (n > 1) follow choice 0 with block numbers continuing and their `choice` on each
 * opening part; their finish reasons ride on the one `finish`. A choice's token log probabilities go
 * on its first text delta, whose text they cover in order.
 */
export function cachedStreamParts(response: CanonicalResponse): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'response-start', id: response.id, model: response.model, created: response.created, usage: response.usage }];
  let block = 0;
  const choices = [{ index: 0, content: response.content, logprobs: response.logprobs }, ...(response.additionalChoices ?? [])];
  for (const choice of choices) {
    let logprobs = choice.logprobs;
    for (const part of choice.content) {
      parts.push(...blockParts(part, block++, choice.index, logprobs));
      if (part.type === 'text' && part.text !== '') logprobs = undefined;
    }
  }
  const finish: StreamPart = { type: 'finish', finishReason: response.finishReason, usage: response.usage };
  if (response.stopSequence !== undefined) finish.stopSequence = response.stopSequence;
  if (response.additionalChoices !== undefined && response.additionalChoices.length > 0) {
    finish.additionalChoices = response.additionalChoices.map((choice) => ({ index: choice.index, finishReason: choice.finishReason }));
  }
  parts.push(finish);
  return parts;
}

/** One content part as its block's parts; `choice` 0 is left implicit, as providers' decoders leave it. */
function blockParts(part: AssistantContentPart, block: number, choice: number, logprobs: TokenLogprob[] | undefined): StreamPart[] {
  const ofChoice = choice === 0 ? {} : { choice };
  switch (part.type) {
    case 'text': {
      const start: StreamPart = { type: 'text-start', block, ...ofChoice };
      if (part.thoughtSignature !== undefined) start.thoughtSignature = part.thoughtSignature;
      if (part.text === '') return [start, { type: 'text-end', block }];
      const delta: StreamPart = { type: 'text-delta', block, text: part.text };
      if (logprobs !== undefined) delta.logprobs = logprobs;
      return [start, delta, { type: 'text-end', block }];
    }
    case 'refusal':
      // Refusals have no start or end part: a delta opens the block, the next block closes it.
      return [{ type: 'refusal-delta', block, text: part.text, ...ofChoice }];
    case 'reasoning': {
      const start: StreamPart = { type: 'reasoning-start', block, origin: part.origin, ...ofChoice };
      if (part.itemId !== undefined) start.itemId = part.itemId;
      const end: StreamPart = { type: 'reasoning-end', block };
      if (part.signature !== undefined) end.signature = part.signature;
      if (part.redactedData !== undefined) end.redactedData = part.redactedData;
      if (part.encryptedContent !== undefined) end.encryptedContent = part.encryptedContent;
      return part.text === '' ? [start, end] : [start, { type: 'reasoning-delta', block, text: part.text }, end];
    }
    case 'tool-call': {
      const start: StreamPart = { type: 'tool-call-start', block, id: part.id, name: part.name, ...ofChoice };
      if (part.thoughtSignature !== undefined) start.thoughtSignature = part.thoughtSignature;
      const end: StreamPart = { type: 'tool-call-end', block };
      return part.arguments === '' ? [start, end] : [start, { type: 'tool-call-delta', block, argumentsDelta: part.arguments }, end];
    }
  }
}
