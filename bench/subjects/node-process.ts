/** Starts a Node server process as a subject, pinned to the subject core, and waits until it answers. */
import { SUBJECT_CORE, spawnChild, type Child } from '../lib/children.js';
import { freePort, waitForHttp } from '../lib/http.js';
import { SubjectSkipped } from './types.js';

export interface StartedServer {
  child: Child;
  port: number;
}

/**
 * Spawns `node <args with {port}>` on the subject core and polls `readyPath` until it answers
 * `readyStatus` (any status when null), up to `timeoutMs`; a server that never answers is skipped.
 */
export async function startNodeServer(options: {
  name: string;
  args: (port: number) => string[];
  readyPath: string;
  readyStatus: number | null;
  timeoutMs: number;
  cwd?: string;
  env?: Record<string, string>;
}): Promise<StartedServer> {
  const port = await freePort();
  const child = spawnChild({
    name: options.name,
    nodeArgs: options.args(port),
    core: SUBJECT_CORE,
    stdout: 'ignore',
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const url = `http://127.0.0.1:${port}${options.readyPath}`;
  const readiness =
    options.readyStatus === null
      ? await waitForAnyAnswer(url, options.timeoutMs, child)
      : await waitForHttp(url, { status: options.readyStatus, timeoutMs: options.timeoutMs, gaveUp: () => child.hasExited() });
  if (!readiness.ready) {
    const stderr = child.stderrTail();
    await child.stop();
    throw new SubjectSkipped(
      `${options.name} did not answer GET ${options.readyPath}${options.readyStatus === null ? '' : ` with ${options.readyStatus}`} within ${Math.round(options.timeoutMs / 1000)} s (last: ${readiness.last})${stderr.length > 0 ? `; stderr: ${stderr.slice(-600)}` : ''}`,
    );
  }
  return { child, port };
}

async function waitForAnyAnswer(url: string, timeoutMs: number, child: Child): Promise<{ ready: boolean; last: string }> {
  // Status 0 never matches, so waitForHttp keeps polling; treat any HTTP answer as ready instead.
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const result = await waitForHttp(url, { status: 200, timeoutMs: Math.min(500, deadline - Date.now()), gaveUp: () => child.hasExited() });
    if (result.ready || result.last.startsWith('HTTP ')) return { ready: true, last: result.last };
    last = result.last;
    if (child.hasExited()) break;
  }
  return { ready: false, last };
}
