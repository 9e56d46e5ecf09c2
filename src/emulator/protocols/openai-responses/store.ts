/**
 * Responses created with `store` (the API's default) are kept so a later request can continue them
 * with `previous_response_id`, or point at one of their output items (`item_reference`, a reasoning
 * item replayed by id). OpenAI keeps them for 30 days; the emulator keeps the most recent
 * `limit` responses in memory, least recently used evicted first.
 */
import type { PromptMessage } from '../../types.js';

/** An output item as a later request can reuse it: the conversation message it stands for. */
export type StoredItem = { kind: 'reasoning' } | { kind: 'message'; message: PromptMessage };

interface StoredResponse {
  /** Input and output of the response, without its `instructions` (those are never carried over). */
  conversation: PromptMessage[];
  itemIds: string[];
}

export const DEFAULT_STORED_RESPONSES = 1_000;

export class ResponseStore {
  private readonly responses = new Map<string, StoredResponse>();
  private readonly items = new Map<string, StoredItem>();

  constructor(private readonly limit: number = DEFAULT_STORED_RESPONSES) {}

  save(responseId: string, conversation: PromptMessage[], items: ReadonlyMap<string, StoredItem>): void {
    this.responses.delete(responseId);
    this.responses.set(responseId, { conversation, itemIds: [...items.keys()] });
    for (const [id, item] of items) this.items.set(id, item);
    while (this.responses.size > this.limit) {
      const [oldestId, oldest] = this.responses.entries().next().value as [string, StoredResponse];
      this.responses.delete(oldestId);
      for (const id of oldest.itemIds) this.items.delete(id);
    }
  }

  /** The stored conversation (input + output), or undefined for an unknown or evicted id. */
  conversation(responseId: string): PromptMessage[] | undefined {
    const stored = this.responses.get(responseId);
    if (stored === undefined) return undefined;
    // Using a response keeps it: re-insert so Map order stays least recently used first.
    this.responses.delete(responseId);
    this.responses.set(responseId, stored);
    return stored.conversation;
  }

  item(itemId: string): StoredItem | undefined {
    return this.items.get(itemId);
  }

  get size(): number {
    return this.responses.size;
  }
}
