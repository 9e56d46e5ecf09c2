/**
 * The trace of each named session (`x-switchyard-session`): turns, tool calls and tokens so far, so
 * rules can route turn 30 of a tool-heavy agent loop differently from turn 1. Bounded: least
 * recently used sessions are forgotten first, and idle ones expire.
 */
import type { TraceSoFar } from './profile.js';

interface Entry extends TraceSoFar {
  touchedAt: number;
}

export class SessionTracker {
  private readonly sessions = new Map<string, Entry>();

  constructor(private readonly maxSessions: number, private readonly ttlMs: number) {}

  get(session: string, now: number = Date.now()): TraceSoFar | undefined {
    const entry = this.sessions.get(session);
    if (entry === undefined) return undefined;
    if (now - entry.touchedAt > this.ttlMs) {
      this.sessions.delete(session);
      return undefined;
    }
    return { turns: entry.turns, toolCalls: entry.toolCalls, tokens: entry.tokens };
  }

  /** One more assistant turn for the session: its tool calls and the tokens it spent. */
  recordTurn(session: string, turn: { toolCalls: number; tokens: number; conversationTurns: number }, now: number = Date.now()): void {
    const entry = this.sessions.get(session);
    // Map order is insertion order: re-inserting moves the session to the young end.
    if (entry !== undefined) this.sessions.delete(session);
    const base = entry !== undefined && now - entry.touchedAt <= this.ttlMs ? entry : { turns: 0, toolCalls: 0, tokens: 0 };
    this.sessions.set(session, {
      // A client that replays the whole conversation tells us the true turn count even if we missed turns.
      turns: Math.max(base.turns + 1, turn.conversationTurns + 1),
      toolCalls: base.toolCalls + turn.toolCalls,
      tokens: base.tokens + turn.tokens,
      touchedAt: now,
    });
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
  }

  get size(): number {
    return this.sessions.size;
  }
}
