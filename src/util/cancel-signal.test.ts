import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelSignal } from './cancel-signal.js';

test('abort runs listeners once, with the reason, and later aborts change nothing', () => {
  const signal = new CancelSignal();
  const seen: unknown[] = [];
  signal.onAbort((reason) => seen.push(reason));
  const first = new Error('client closed');
  signal.abort(first);
  signal.abort(new Error('second'));
  assert.equal(signal.aborted, true);
  assert.equal(signal.reason, first);
  assert.deepEqual(seen, [first]);
  // Subscribing after the fact runs at once.
  const late: unknown[] = [];
  signal.onAbort((reason) => late.push(reason));
  assert.deepEqual(late, [first]);
});

test('a following signal aborts with its parent until detached, and never aborts the parent', () => {
  const parent = new CancelSignal();
  const child = CancelSignal.following(parent);
  const detached = CancelSignal.following(parent);
  detached.detach();
  assert.equal(parent.listenerCount('abort'), 1);
  child.signal.abort('hedge lost');
  assert.equal(parent.aborted, false);
  const again = CancelSignal.following(parent);
  parent.abort('gone');
  assert.equal(again.signal.reason, 'gone');
  assert.equal(detached.signal.aborted, false);
});

test('it follows a Web AbortSignal, already aborted or later', () => {
  const early = new AbortController();
  early.abort('early');
  assert.equal(CancelSignal.fromAbortSignal(early.signal).reason, 'early');
  const late = new AbortController();
  const signal = CancelSignal.fromAbortSignal(late.signal);
  assert.equal(signal.aborted, false);
  late.abort('late');
  assert.equal(signal.reason, 'late');
});
