import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from './load.js';
import type { GatewayConfig } from './types.js';
import { watchConfigFile, type ConfigWatcher } from './watch.js';

const directory = mkdtempSync(join(tmpdir(), 'switchyard-watch-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const configText = (port: number): string => `server:\n  port: ${port}\nproviders:\n  openai: { kind: openai }\nroutes:\n  auto:\n    targets: [openai/a]\n`;
const BROKEN = `server:\n  port: 9000\nproviders:\n  openai: { kind: openai }\nroutes:\n  auto:\n    targets: [openai/a]\n    rules: [{ name: r, when: tools >, targets: [openai/b] }]\n`;

/** Longest wait for a callback that should come; only reached when the test is failing anyway. */
const GIVE_UP_MS = 10_000;

type Event = { kind: 'config'; config: GatewayConfig } | { kind: 'error'; error: ConfigError };

/** Records the watcher's callbacks; `next()` resolves with the next one to arrive. */
function recorder() {
  const events: Event[] = [];
  const waiters: Array<() => void> = [];
  const push = (event: Event): void => {
    events.push(event);
    for (const wake of waiters.splice(0)) wake();
  };
  return {
    events,
    onConfig: (config: GatewayConfig): void => push({ kind: 'config', config }),
    onError: (error: ConfigError): void => push({ kind: 'error', error }),
    next(): Promise<Event> {
      const index = events.length;
      return new Promise((resolve, reject) => {
        // A referenced timer also keeps the process alive while the (unreferenced) watcher waits.
        const guard = setTimeout(() => reject(new Error(`no callback within ${GIVE_UP_MS} ms`)), GIVE_UP_MS);
        const wake = (): void => {
          clearTimeout(guard);
          resolve(events[index]!);
        };
        if (events.length > index) wake();
        else waiters.push(wake);
      });
    },
  };
}

let fileCount = 0;
function start(initial: string): { file: string; watcher: ConfigWatcher; calls: ReturnType<typeof recorder> } {
  fileCount += 1;
  const file = join(directory, `switchyard-${fileCount}.yaml`);
  writeFileSync(file, initial);
  const calls = recorder();
  const watcher = watchConfigFile(file, calls.onConfig, calls.onError, { env: {}, debounceMs: 20 });
  return { file, watcher, calls };
}

/** Resolves once the file system has reported a change to `file` (to any watcher of its directory). */
function changeSeen(file: string): { done: Promise<void>; close: () => void } {
  const name = file.slice(directory.length + 1);
  let close = (): void => {};
  const done = new Promise<void>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error('the file system reported no change')), GIVE_UP_MS);
    const observer = watch(directory, (_event, changed) => {
      if (changed !== name) return;
      clearTimeout(guard);
      resolve();
    });
    close = () => {
      clearTimeout(guard);
      observer.close();
    };
  });
  return { done, close };
}

describe('watchConfigFile', () => {
  test('a valid edit hands the new config to onConfig', async () => {
    const { file, watcher, calls } = start(configText(9000));
    try {
      const next = calls.next();
      writeFileSync(file, configText(9001));
      const event = await next;
      assert.equal(event.kind, 'config');
      assert.equal(event.kind === 'config' && event.config.server.port, 9001);
      assert.equal(calls.events.length, 1);
    } finally {
      watcher.close();
    }
  });

  test('a broken edit goes to onError, not onConfig; reverting it is picked up again', async () => {
    const { file, watcher, calls } = start(configText(9000));
    try {
      const broken = calls.next();
      writeFileSync(file, BROKEN);
      const event = await broken;
      assert.equal(event.kind, 'error');
      assert.ok(event.kind === 'error' && event.error instanceof ConfigError);
      assert.match(event.kind === 'error' ? event.error.message : '', /switchyard-\d+\.yaml:8:.*rules\[0\]\.when/);
      assert.deepEqual(
        calls.events.map((recorded) => recorded.kind),
        ['error'],
      );

      const fixed = calls.next();
      writeFileSync(file, configText(9000));
      const after = await fixed;
      assert.equal(after.kind === 'config' && after.config.server.port, 9000, 'the text it started with is new again after a broken version');
    } finally {
      watcher.close();
    }
  });

  test('rewriting identical text calls nothing', async () => {
    const { file, watcher, calls } = start(configText(9000));
    try {
      writeFileSync(file, configText(9000));
      watcher.check();
      assert.equal(calls.events.length, 0, 'an explicit check of unchanged text');
      // Whatever the watcher made of the identical write, the next real change is the only callback.
      const next = calls.next();
      writeFileSync(file, configText(9002));
      const event = await next;
      assert.equal(event.kind === 'config' && event.config.server.port, 9002);
      assert.equal(calls.events.length, 1);
      watcher.check();
      assert.equal(calls.events.length, 1);
    } finally {
      watcher.close();
    }
  });

  test('a save that writes a temporary file and renames it over the config is picked up', async () => {
    const { file, watcher, calls } = start(configText(9000));
    try {
      const next = calls.next();
      const temporary = `${file}.tmp`;
      writeFileSync(temporary, configText(9003));
      renameSync(temporary, file);
      const event = await next;
      assert.equal(event.kind === 'config' && event.config.server.port, 9003);
    } finally {
      watcher.close();
    }
  });

  test('check() reads the file at once (SIGHUP)', () => {
    const { file, watcher, calls } = start(configText(9000));
    try {
      writeFileSync(file, configText(9004));
      watcher.check();
      assert.equal(calls.events.length, 1);
      assert.equal(calls.events[0]?.kind === 'config' && calls.events[0].config.server.port, 9004);
    } finally {
      watcher.close();
    }
  });

  test('close() stops it', async () => {
    const { file, watcher, calls } = start(configText(9000));
    watcher.close();
    const seen = changeSeen(file);
    try {
      writeFileSync(file, configText(9005));
      await seen.done;
      // The change has been reported; give a debounce that would still be pending ample time to fire.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(calls.events, []);
    } finally {
      seen.close();
    }
  });
});
