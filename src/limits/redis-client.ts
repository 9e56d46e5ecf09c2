/**
 * The Redis connection the limits stores share. Its options make a dead or hung Redis fail fast
 * instead of queueing commands until the request that waits on them times out.
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

/**
 * ioredis is loaded the first time a Redis connection is made: a gateway on in-process counters
 * (the default) never pays its ~25 MB of resident memory.
 */
export function loadIoredis(): typeof import('ioredis') {
  return createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
}

export interface LimitsRedisOptions {
  /** A command without a reply after this long rejects (default 500 ms): a hung server fails fast. */
  commandTimeoutMs?: number;
  /** How long one connection attempt may take (default 1000 ms). */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts (default 2000 ms); reconnection never stops. */
  maxReconnectDelayMs?: number;
  /** Connection errors, for the logger; without it they are dropped (each failed call reports its own). */
  onConnectionError?: (error: Error) => void;
}

export function createLimitsRedis(url: string, options: LimitsRedisOptions = {}): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  const { Redis: RedisClient } = loadIoredis();
  const redis = new RedisClient(url, {
    // Commands issued while disconnected reject at once instead of waiting for a reconnect.
    enableOfflineQueue: false,
    // Commands in flight when the connection drops reject instead of being resent later, when
    // their request has long been answered (a resent admission would count twice).
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    // Keep trying forever with capped backoff: Redis coming back is noticed without a restart.
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay),
  });
  // An 'error' event without a listener is printed by ioredis; route it to the caller instead.
  redis.on('error', (error: Error) => options.onConnectionError?.(error));
  return redis;
}

/**
 * Resolves once the connection is ready, or rejects after `timeoutMs` (the client keeps trying in
 * the background either way). For startup checks: the stores themselves never wait.
 */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
