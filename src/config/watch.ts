/**
 * Hot reload: watch a config file and hand every valid new version to `onConfig`. A broken edit is
 * reported to `onError` and changes nothing, so the running config keeps serving. The directory is
 * watched, not the file, because editors save by writing a new file and renaming it over the old one.
 */
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { ConfigError, parseConfig, type LoadOptions } from './load.js';
import type { GatewayConfig } from './types.js';

export interface ConfigWatcher {
  /** Re-read the file now (SIGHUP does this). */
  check(): void;
  close(): void;
}

export interface WatchOptions extends LoadOptions {
  /** Quiet period after a change before the file is read (editors write in several steps). */
  debounceMs?: number;
}

export function watchConfigFile(path: string, onConfig: (config: GatewayConfig) => void, onError: (error: ConfigError) => void, options: WatchOptions = {}): ConfigWatcher {
  const file = resolve(path);
  let lastDigest = digest(safeRead(file) ?? '');
  let timer: NodeJS.Timeout | undefined;

  const check = (): void => {
    const text = safeRead(file);
    if (text === undefined) return; // mid-rename: the next event brings the new file
    const current = digest(text);
    if (current === lastDigest) return;
    lastDigest = current;
    try {
      onConfig(parseConfig(text, path, options));
    } catch (error) {
      if (error instanceof ConfigError) onError(error);
      else throw error;
    }
  };

  const watcher: FSWatcher = watch(dirname(file), (_event, name) => {
    if (name !== null && name !== basename(file)) return;
    clearTimeout(timer);
    timer = setTimeout(check, options.debounceMs ?? 100);
  });
  watcher.unref();
  return {
    check,
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
