/**
 * In-process reservations that free themselves: amounts by id with an expiry, plus their total.
 * The Redis stores keep the same thing as a sorted set by expiry and a hash (lua-script.ts).
 */
export class HeldReservations {
  private readonly entries = new Map<string, { amount: number; expiresAt: number }>();
  total = 0;

  /** Drops expired reservations and returns the live total. */
  sweep(now: number): number {
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt <= now) this.drop(id);
    }
    return this.total;
  }

  add(id: string, amount: number, expiresAt: number): void {
    this.drop(id);
    this.entries.set(id, { amount, expiresAt });
    this.total += amount;
  }

  /** Frees a reservation; true if it was still held. */
  drop(id: string): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    this.total -= entry.amount;
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}
