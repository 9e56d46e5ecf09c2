import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { openRedisResponseCacheStore } from './redis-store.js';
import { sampleEntry, T0 } from './testing/fixtures.js';
import { describeStoreContract } from './testing/store-contract.js';

const REDIS_URL = process.env.SWITCHYARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Every key this run writes starts here, and is deleted at the end. */
const RUN_PREFIX = `switchyard-test:response-cache:${randomUUID()}:`;

async function redisSkipReason(): Promise<string | undefined> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (error) {
    return `no Redis at ${REDIS_URL}: ${(error as Error).message}`;
  } finally {
    probe.disconnect();
  }
}

async function deleteRunKeys(client: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${RUN_PREFIX}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

const skip = await redisSkipReason();
let stores = 0;

describeStoreContract(
  {
    name: 'redis',
    boundsTotals: false,
    open: async (limits = {}) => openRedisResponseCacheStore({ url: REDIS_URL, keyPrefix: `${RUN_PREFIX}${(stores += 1)}:`, maxEntryBytes: limits.maxEntryBytes }),
    dispose: async () => {
      const client = new Redis(REDIS_URL);
      try {
        await deleteRunKeys(client);
      } finally {
        await client.quit();
      }
    },
  },
  { skip: skip ?? false },
);

describe('redis store', { skip: skip ?? false }, () => {
  let client: Redis;
  const prefix = `${RUN_PREFIX}own:`;
  before(() => {
    client = new Redis(REDIS_URL);
  });
  after(async () => {
    await deleteRunKeys(client);
    await client.quit();
  });

  it('writes under its prefix with a PX expiry Redis enforces itself', async () => {
    const store = openRedisResponseCacheStore({ client, keyPrefix: prefix });
    // `now` is the real clock here: Redis counts the TTL from when it receives the SET.
    const now = Date.now();
    await store.set('k', sampleEntry(30_000, now), now);
    const ttl = await client.pttl(`${prefix}k`);
    assert.ok(ttl > 0 && ttl <= 30_000, `PTTL ${ttl}`);
    await store.close();
    // A shared client stays open after the store closes.
    assert.equal(await client.ping(), 'PONG');
  });

  it('reads a value that is not an entry as a miss', async () => {
    const store = openRedisResponseCacheStore({ client, keyPrefix: prefix });
    await client.set(`${prefix}bad`, 'not json', 'PX', 60_000);
    assert.equal(await store.get('bad', T0), undefined);
  });
});
