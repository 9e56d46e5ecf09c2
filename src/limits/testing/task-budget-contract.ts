import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { TaskBudget, TaskBudgetOptions, TaskDecision, TaskReservation } from '../task-budget.js';
import type { TestBackend } from './backends.js';

const T0 = Date.UTC(2025, 5, 4, 12);
const TASK_TTL = 3_600_000;
const TURN_TTL = 60_000;

function reservation(decision: TaskDecision): TaskReservation {
  assert.equal(decision.admitted, true, `expected admission, got ${JSON.stringify(decision)}`);
  return (decision as { reservation: TaskReservation }).reservation;
}

function trace(): string {
  return `trace:${randomUUID()}`;
}

/** The behaviour every task budget store must have; run once per store. */
export function taskBudgetContract(backend: TestBackend<TaskBudget, TaskBudgetOptions>): void {
  let tasks: TaskBudget;
  before(async () => {
    await backend.connect?.();
    tasks = backend.create({ reservationTtlMs: TURN_TTL });
  });
  after(() => backend.dispose());

  it('adds usage per trace and reads it back', async () => {
    const id = trace();
    assert.deepEqual(await tasks.taskUsage(id, T0), { tokens: 0, micros: 0, reservedTokens: 0, reservedMicros: 0 });
    await tasks.addTaskUsage(id, 1200, 3400, TASK_TTL, T0);
    await tasks.addTaskUsage(id, 800, 600, TASK_TTL, T0 + 1);
    assert.deepEqual(await tasks.taskUsage(id, T0 + 2), { tokens: 2000, micros: 4000, reservedTokens: 0, reservedMicros: 0 });
    assert.deepEqual(await tasks.taskUsage(trace(), T0 + 2), { tokens: 0, micros: 0, reservedTokens: 0, reservedMicros: 0 }, 'traces are separate');
  });

  it('holds the estimates of turns in flight, so concurrent turns cannot jointly pass a cap', async () => {
    const id = trace();
    const limits = { maxTokens: 10_000, maxMicros: 50_000 };
    const first = reservation(await tasks.reserveTask(id, { tokens: 4000, micros: 10_000 }, limits, TASK_TTL, T0));
    reservation(await tasks.reserveTask(id, { tokens: 4000, micros: 10_000 }, limits, TASK_TTL, T0));
    const third = await tasks.reserveTask(id, { tokens: 4000, micros: 10_000 }, limits, TASK_TTL, T0);
    assert.deepEqual(third, { admitted: false, exceeded: 'tokens', limit: 10_000, usage: { tokens: 0, micros: 0, reservedTokens: 8000, reservedMicros: 20_000 } });
    await tasks.settleTask(first, { tokens: 1000, micros: 2_500 }, T0 + 1);
    assert.deepEqual(await tasks.taskUsage(id, T0 + 2), { tokens: 1000, micros: 2_500, reservedTokens: 4000, reservedMicros: 10_000 });
    reservation(await tasks.reserveTask(id, { tokens: 4000, micros: 10_000 }, limits, TASK_TTL, T0 + 3));
  });

  it('checks the cost cap too, records actual usage past a cap, then refuses', async () => {
    const id = trace();
    const limits = { maxMicros: 1000 };
    const turn = reservation(await tasks.reserveTask(id, { tokens: 10, micros: 100 }, limits, TASK_TTL, T0));
    const refused = await tasks.reserveTask(id, { tokens: 10, micros: 901 }, limits, TASK_TTL, T0);
    assert.equal(refused.admitted === false && refused.exceeded, 'micros');
    await tasks.settleTask(turn, { tokens: 99, micros: 1500 }, T0);
    assert.equal((await tasks.taskUsage(id, T0)).micros, 1500);
    const after = await tasks.reserveTask(id, { tokens: 0, micros: 0 }, limits, TASK_TTL, T0);
    assert.deepEqual(after, { admitted: false, exceeded: 'micros', limit: 1000, usage: { tokens: 99, micros: 1500, reservedTokens: 0, reservedMicros: 0 } });
    assert.equal((await tasks.reserveTask(trace(), { tokens: 0, micros: 0 }, { maxTokens: 0 }, TASK_TTL, T0)).admitted, false, 'a zero cap blocks');
  });

  it('release frees a turn; a second settle or release does nothing', async () => {
    const id = trace();
    const turn = reservation(await tasks.reserveTask(id, { tokens: 500, micros: 50 }, {}, TASK_TTL, T0));
    await tasks.releaseTask(turn, T0);
    await tasks.settleTask(turn, { tokens: 500, micros: 50 }, T0);
    assert.deepEqual(await tasks.taskUsage(id, T0), { tokens: 0, micros: 0, reservedTokens: 0, reservedMicros: 0 });
    const next = reservation(await tasks.reserveTask(id, { tokens: 500, micros: 50 }, {}, TASK_TTL, T0));
    await tasks.settleTask(next, { tokens: 400, micros: 40 }, T0);
    await tasks.settleTask(next, { tokens: 400, micros: 40 }, T0);
    await tasks.releaseTask(next, T0);
    assert.deepEqual(await tasks.taskUsage(id, T0), { tokens: 400, micros: 40, reservedTokens: 0, reservedMicros: 0 });
  });

  it('frees a turn never settled once its reservation expires', async () => {
    const id = trace();
    reservation(await tasks.reserveTask(id, { tokens: 9000, micros: 1 }, { maxTokens: 10_000 }, TASK_TTL, T0));
    assert.equal((await tasks.reserveTask(id, { tokens: 2000, micros: 1 }, { maxTokens: 10_000 }, TASK_TTL, T0 + TURN_TTL - 1)).admitted, false);
    reservation(await tasks.reserveTask(id, { tokens: 2000, micros: 1 }, { maxTokens: 10_000 }, TASK_TTL, T0 + TURN_TTL));
    assert.deepEqual(await tasks.taskUsage(id, T0 + TURN_TTL), { tokens: 0, micros: 0, reservedTokens: 2000, reservedMicros: 1 });
  });

  it('forgets a task idle for its TTL; activity renews it', async () => {
    const id = trace();
    await tasks.addTaskUsage(id, 10, 1, 1000, T0);
    await tasks.addTaskUsage(id, 10, 1, 1000, T0 + 999);
    assert.equal((await tasks.taskUsage(id, T0 + 1998)).tokens, 20, 'the second add renewed the deadline');
    assert.equal((await tasks.taskUsage(id, T0 + 1999)).tokens, 0);
    await tasks.addTaskUsage(id, 5, 1, 1000, T0 + 2000);
    assert.equal((await tasks.taskUsage(id, T0 + 2001)).tokens, 5, 'starts afresh');
  });

  it('refuses malformed input', async () => {
    await assert.rejects(tasks.addTaskUsage(trace(), -1, 0, TASK_TTL, T0), RangeError);
    await assert.rejects(tasks.addTaskUsage(trace(), 1, 0.5, TASK_TTL, T0), RangeError);
    await assert.rejects(tasks.addTaskUsage(trace(), 1, 1, 0, T0), RangeError);
    await assert.rejects(tasks.reserveTask(trace(), { tokens: 1, micros: 1 }, { maxTokens: -1 }, TASK_TTL, T0), RangeError);
  });
}
