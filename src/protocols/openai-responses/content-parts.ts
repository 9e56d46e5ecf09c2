import type { AssistantContentPart, StreamPart } from '../../canonical/types.js';

/**
 * Whole content parts as the stream parts that would have carried them, one block each from
 * `firstBlock`: for items a provider sends complete (no deltas), and for tests.
 */
export function streamPartsFor(content: AssistantContentPart[], firstBlock: number): StreamPart[] {
  const parts: StreamPart[] = [];
  content.forEach((part, index) => {
    const block = firstBlock + index;
    switch (part.type) {
      case 'text':
        parts.push({ type: 'text-start', block }, { type: 'text-delta', block, text: part.text }, { type: 'text-end', block });
        return;
      case 'refusal':
        parts.push({ type: 'refusal-delta', block, text: part.text });
        return;
      case 'tool-call':
        parts.push({ type: 'tool-call-start', block, id: part.id, name: part.name }, { type: 'tool-call-delta', block, argumentsDelta: part.arguments }, { type: 'tool-call-end', block });
        return;
      case 'reasoning': {
        const start: StreamPart = { type: 'reasoning-start', block, origin: part.origin };
        if (part.itemId !== undefined) start.itemId = part.itemId;
        const end: StreamPart = { type: 'reasoning-end', block };
        if (part.signature !== undefined) end.signature = part.signature;
        if (part.redactedData !== undefined) end.redactedData = part.redactedData;
        if (part.encryptedContent !== undefined) end.encryptedContent = part.encryptedContent;
        parts.push(start);
        if (part.text !== '') parts.push({ type: 'reasoning-delta', block, text: part.text });
        parts.push(end);
        return;
      }
    }
  });
  return parts;
}
