import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SessionTracker } from './session-tracker.js';

const turn = (toolCalls: number, tokens: number, conversationTurns = 0): { toolCalls: number; tokens: number; conversationTurns: number } => ({ toolCalls, tokens, conversationTurns });

describe('SessionTracker', () => {
  test('an unknown session has no trace', () => {
    assert.equal(new SessionTracker(10, 1_000).get('nobody', 0), undefined);
  });

  test('turns, tool calls and tokens accumulate per session', () => {
    const tracker = new SessionTracker(10, 60_000);
    tracker.recordTurn('a', turn(2, 1_000), 0);
    tracker.recordTurn('a', turn(3, 500), 10);
    tracker.recordTurn('b', turn(1, 7), 20);
    tracker.recordTurn('a', turn(0, 250), 30);
    assert.deepEqual(tracker.get('a', 40), { turns: 3, toolCalls: 5, tokens: 1_750 });
    assert.deepEqual(tracker.get('b', 40), { turns: 1, toolCalls: 1, tokens: 7 });
    assert.equal(tracker.size, 2);
  });

  test('get returns a copy: changing it changes nothing', () => {
    const tracker = new SessionTracker(10, 60_000);
    tracker.recordTurn('a', turn(1, 10), 0);
    const trace = tracker.get('a', 0)!;
    trace.turns = 99;
    assert.equal(tracker.get('a', 0)?.turns, 1);
  });

  test('a replayed conversation raises the turn count to what it shows', () => {
    const tracker = new SessionTracker(10, 60_000);
    // The gateway first sees this session at turn 8: seven assistant turns are already in the history.
    tracker.recordTurn('a', turn(0, 100, 7), 0);
    assert.equal(tracker.get('a', 0)?.turns, 8);
    // A conversation that shows fewer turns than recorded (a trimmed history) does not lower it.
    tracker.recordTurn('a', turn(0, 100, 2), 1);
    assert.equal(tracker.get('a', 1)?.turns, 9);
  });

  test('the least recently recorded session is forgotten first', () => {
    const tracker = new SessionTracker(2, 60_000);
    tracker.recordTurn('a', turn(0, 1), 0);
    tracker.recordTurn('b', turn(0, 1), 1);
    tracker.recordTurn('a', turn(0, 1), 2); // a is now the most recent
    tracker.recordTurn('c', turn(0, 1), 3);
    assert.equal(tracker.size, 2);
    assert.equal(tracker.get('b', 4), undefined, 'b was the oldest');
    assert.deepEqual(tracker.get('a', 4), { turns: 2, toolCalls: 0, tokens: 2 });
    assert.notEqual(tracker.get('c', 4), undefined);
  });

  test('never holds more than its maximum', () => {
    const tracker = new SessionTracker(3, 60_000);
    for (let index = 0; index < 50; index += 1) tracker.recordTurn(`s${index}`, turn(0, 1), index);
    assert.equal(tracker.size, 3);
    assert.deepEqual(['s47', 's48', 's49'].map((name) => tracker.get(name, 50) !== undefined), [true, true, true]);
    assert.equal(tracker.get('s46', 50), undefined);
  });

  test('an idle session expires after the TTL, and starts again from zero', () => {
    const tracker = new SessionTracker(10, 1_000);
    tracker.recordTurn('a', turn(4, 400), 0);
    assert.deepEqual(tracker.get('a', 1_000), { turns: 1, toolCalls: 4, tokens: 400 }, 'exactly the TTL is still alive');
    assert.equal(tracker.get('a', 1_001), undefined);
    assert.equal(tracker.size, 0, 'an expired session found by get is dropped');
    tracker.recordTurn('b', turn(4, 400), 0);
    tracker.recordTurn('b', turn(1, 10), 5_000);
    assert.deepEqual(tracker.get('b', 5_000), { turns: 1, toolCalls: 1, tokens: 10 }, 'the expired trace is not added to');
  });

  test('each recorded turn renews the TTL', () => {
    const tracker = new SessionTracker(10, 1_000);
    tracker.recordTurn('a', turn(0, 1), 0);
    tracker.recordTurn('a', turn(0, 1), 900);
    tracker.recordTurn('a', turn(0, 1), 1_800);
    assert.deepEqual(tracker.get('a', 2_700), { turns: 3, toolCalls: 0, tokens: 3 });
  });
});
