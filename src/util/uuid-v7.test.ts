import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuidV7 } from './uuid-v7.js';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timestampOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

test('a UUIDv7 has the version and variant bits and carries its millisecond', () => {
  // Later than the clock: ids made before in this process cannot carry the timestamp past it.
  const now = Date.UTC(2030, 5, 1, 8, 30, 15, 123);
  const id = uuidV7(now);
  assert.match(id, FORMAT);
  assert.equal(timestampOf(id), now);
});

test('ids sort in the order they were made, within a millisecond, across the 4,096-id counter and when the clock steps back', () => {
  const start = Date.UTC(2031, 0, 1);
  const ids: string[] = [];
  for (let index = 0; index < 10_000; index += 1) ids.push(uuidV7(start)); // one millisecond: the counter overflows twice
  ids.push(uuidV7(start - 5_000)); // the clock stepped back
  ids.push(uuidV7(start + 60_000));
  for (const id of ids) assert.match(id, FORMAT);
  const sorted = [...ids].sort();
  assert.deepEqual(sorted, ids);
  assert.equal(new Set(ids).size, ids.length);
  // Overflow carried the timestamp forward by whole milliseconds, never backwards.
  assert.equal(timestampOf(ids[4_095]!), start);
  assert.equal(timestampOf(ids[4_096]!), start + 1);
  assert.equal(timestampOf(ids[10_000]!), start + 2);
});

test('the random part differs from id to id', () => {
  const tails = new Set(Array.from({ length: 1_000 }, () => uuidV7().slice(19)));
  assert.equal(tails.size, 1_000);
});
