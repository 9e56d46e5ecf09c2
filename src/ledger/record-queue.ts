/**
 * A FIFO of items with the time each was queued. Items are read from the head without removing
 * them, and removed only once written, so a failed write leaves them in place and in order.
 */
export class RecordQueue<Item> {
  private items: Item[] = [];
  private queuedAt: number[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: Item, now: number): void {
    this.items.push(item);
    this.queuedAt.push(now);
  }

  /** Up to `count` items from the head, still queued. */
  peek(count: number): Item[] {
    return this.items.slice(this.head, this.head + count);
  }

  /** Removes `count` items from the head (after they were written). */
  remove(count: number): void {
    this.head += Math.min(count, this.size);
    // Compact now and then rather than shifting the arrays on every removal.
    if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.queuedAt = this.queuedAt.slice(this.head);
      this.head = 0;
    }
  }

  /** When the oldest item was queued, or undefined when empty. */
  oldestQueuedAt(): number | undefined {
    return this.size === 0 ? undefined : this.queuedAt[this.head];
  }
}
