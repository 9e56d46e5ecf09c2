import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PromptMessage } from '../../types.js';
import { ResponseStore, type StoredItem } from './store.js';

const turn = (text: string): PromptMessage[] => [{ role: 'user', parts: [{ type: 'text', text }] }];
const items = (...ids: string[]): Map<string, StoredItem> => new Map(ids.map((id) => [id, { kind: 'reasoning' }]));

describe('ResponseStore', () => {
  it('keeps the most recently used responses and drops their items with them', () => {
    const store = new ResponseStore(2);
    store.save('resp_1', turn('one'), items('rs_1'));
    store.save('resp_2', turn('two'), items('rs_2'));
    assert.deepEqual(store.conversation('resp_1'), turn('one')); // resp_1 is now the most recent
    store.save('resp_3', turn('three'), items('rs_3'));
    assert.equal(store.conversation('resp_2'), undefined);
    assert.equal(store.item('rs_2'), undefined);
    assert.deepEqual(store.item('rs_1'), { kind: 'reasoning' });
    assert.deepEqual(store.conversation('resp_3'), turn('three'));
    assert.equal(store.size, 2);
  });
});
