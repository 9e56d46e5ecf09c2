/** In-process task budgets: one gateway process, no Redis. Same rules as the Redis store. */
import { randomUUID } from 'node:crypto';
import { SingleUse } from './budget-plan.js';
import { HeldReservations } from './held-reservations.js';
import { DEFAULT_RESERVATION_TTL_MS } from './budget-ledger.js';
import {
  EMPTY_TASK_USAGE,
  type TaskAmount,
  type TaskBudget,
  type TaskBudgetOptions,
  type TaskDecision,
  type TaskLimits,
  type TaskReservation,
  type TaskUsage,
  taskCapExceeded,
  validateTaskAmount,
  validateTaskCall,
} from './task-budget.js';

interface TaskRecord {
  tokens: number;
  micros: number;
  expiresAt: number;
  heldTokens: HeldReservations;
  heldMicros: HeldReservations;
}

const PRUNE_EVERY = 1000;

export class MemoryTaskBudget implements TaskBudget {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly reservationTtlMs: number;
  private readonly finished = new SingleUse();
  private callsSincePrune = 0;

  constructor(options: TaskBudgetOptions = {}) {
    this.reservationTtlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
  }

  async reserveTask(traceId: string, estimate: TaskAmount, limits: TaskLimits, ttlMs: number, now = Date.now()): Promise<TaskDecision> {
    validateTaskAmount(estimate, 'estimate');
    validateTaskCall(limits, ttlMs);
    const task = this.taskFor(traceId, now);
    const usage = usageOf(task, now);
    const over = taskCapExceeded(usage, estimate, limits);
    task.expiresAt = now + ttlMs;
    if (over !== undefined) return { admitted: false, ...over, usage };
    const reservation: TaskReservation = { id: randomUUID(), traceId, estimate, expiresAt: now + this.reservationTtlMs, ttlMs, held: true };
    task.heldTokens.add(reservation.id, estimate.tokens, reservation.expiresAt);
    task.heldMicros.add(reservation.id, estimate.micros, reservation.expiresAt);
    return { admitted: true, reservation };
  }

  async settleTask(reservation: TaskReservation, actual: TaskAmount, now = Date.now()): Promise<void> {
    validateTaskAmount(actual, 'actual');
    if (!this.finished.claim(reservation)) return;
    const task = this.taskFor(reservation.traceId, now);
    task.heldTokens.drop(reservation.id);
    task.heldMicros.drop(reservation.id);
    task.tokens += actual.tokens;
    task.micros += actual.micros;
    task.expiresAt = now + reservation.ttlMs;
  }

  async releaseTask(reservation: TaskReservation, now = Date.now()): Promise<void> {
    if (!this.finished.claim(reservation)) return;
    const task = this.live(reservation.traceId, now);
    task?.heldTokens.drop(reservation.id);
    task?.heldMicros.drop(reservation.id);
  }

  async addTaskUsage(traceId: string, tokens: number, micros: number, ttlMs: number, now = Date.now()): Promise<void> {
    validateTaskAmount({ tokens, micros }, 'usage');
    validateTaskCall({}, ttlMs);
    const task = this.taskFor(traceId, now);
    task.tokens += tokens;
    task.micros += micros;
    task.expiresAt = now + ttlMs;
  }

  async taskUsage(traceId: string, now = Date.now()): Promise<TaskUsage> {
    const task = this.live(traceId, now);
    return task === undefined ? { ...EMPTY_TASK_USAGE } : usageOf(task, now);
  }

  /** The task's record unless it idled past its TTL (then it is forgotten). */
  private live(traceId: string, now: number): TaskRecord | undefined {
    const task = this.tasks.get(traceId);
    if (task !== undefined && task.expiresAt <= now) {
      this.tasks.delete(traceId);
      return undefined;
    }
    return task;
  }

  private taskFor(traceId: string, now: number): TaskRecord {
    this.maybePrune(now);
    let task = this.live(traceId, now);
    if (task === undefined) {
      task = { tokens: 0, micros: 0, expiresAt: now, heldTokens: new HeldReservations(), heldMicros: new HeldReservations() };
      this.tasks.set(traceId, task);
    }
    return task;
  }

  private maybePrune(now: number): void {
    this.callsSincePrune += 1;
    if (this.callsSincePrune < PRUNE_EVERY) return;
    this.callsSincePrune = 0;
    for (const [traceId, task] of this.tasks) if (task.expiresAt <= now) this.tasks.delete(traceId);
  }
}

function usageOf(task: TaskRecord, now: number): TaskUsage {
  return { tokens: task.tokens, micros: task.micros, reservedTokens: task.heldTokens.sweep(now), reservedMicros: task.heldMicros.sweep(now) };
}
