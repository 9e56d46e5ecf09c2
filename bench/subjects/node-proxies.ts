/** Subjects 2 and 3: the two Node baselines, run from subjects/servers/ as pinned child processes. */
import { benchScript } from '../lib/children.js';
import { startNodeServer } from './node-process.js';
import type { RunningSubject, SubjectContext, SubjectDefinition } from './types.js';

async function startProxy(script: string, name: string, context: SubjectContext): Promise<RunningSubject> {
  const { child, port } = await startNodeServer({
    name,
    args: (listenPort) => [...benchScript(script), '--port', String(listenPort), '--upstream', context.upstreamOrigin],
    readyPath: '/readyz',
    readyStatus: 200,
    timeoutMs: 10_000,
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    path: '/v1/chat/completions',
    headers: { authorization: 'Bearer sk-bench' },
    pid: child.pid,
    stop: () => child.stop(),
  };
}

export const bareProxy: SubjectDefinition = {
  id: 'bare-proxy',
  label: 'bare Node proxy',
  description: 'node:http server + http.request with a keep-alive Agent; bodies piped, never parsed. The 1.00x reference.',
  start: (context) => startProxy('subjects/servers/bare-proxy', 'bare proxy', context),
};

export const parseProxy: SubjectDefinition = {
  id: 'parse-proxy',
  label: 'parsing Node proxy',
  description: 'Parses the request JSON, rewrites model, re-serializes; parses and re-serializes non-streaming responses; pipes streams.',
  start: (context) => startProxy('subjects/servers/parse-proxy', 'parsing proxy', context),
};
