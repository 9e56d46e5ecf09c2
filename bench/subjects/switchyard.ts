/**
 * Subject 4: Switchyard itself, `node bin/switchyard.js serve --config <file> --port <N>`, with a
 * config that routes the alias `bench-model` to the upstream as an openai-compatible provider.
 * Skipped, with the reason, while the gateway does not exist or does not answer GET /readyz with 200.
 * Its JSON logs go to /dev/null: the process still pays for writing them.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startNodeServer } from './node-process.js';
import { SubjectSkipped, type SubjectDefinition } from './types.js';

export function switchyardConfig(upstreamOrigin: string): string {
  return `# Written by bench/subjects/switchyard.ts for one benchmark run.
server:
  host: 127.0.0.1
  log_level: info
providers:
  bench:
    kind: openai-compatible
    base_url: ${upstreamOrigin}/v1
    api_key: sk-bench
routes:
  bench-model:
    targets: [bench/bench-model]
`;
}

export const switchyard: SubjectDefinition = {
  id: 'switchyard',
  label: 'Switchyard',
  description: 'This gateway: alias bench-model routed to an openai-compatible provider (same protocol, model rewritten).',
  start: async (context) => {
    const bin = join(context.repoRoot, 'bin', 'switchyard.js');
    if (!existsSync(bin)) throw new SubjectSkipped(`${bin} does not exist yet (the gateway is not built); skipped`);
    const configFile = join(context.tempDir, 'switchyard.yaml');
    await writeFile(configFile, switchyardConfig(context.upstreamOrigin));
    const { child, port } = await startNodeServer({
      name: 'switchyard',
      args: (listenPort) => [bin, 'serve', '--config', configFile, '--port', String(listenPort)],
      readyPath: '/readyz',
      readyStatus: 200,
      timeoutMs: 20_000,
      // Its working folder is the temp dir, so any state it keeps (.switchyard/) stays out of the repo.
      cwd: context.tempDir,
    });
    return {
      origin: `http://127.0.0.1:${port}`,
      path: '/v1/chat/completions',
      // No Authorization: the config defines no virtual keys, and the provider key is in the config.
      headers: {},
      pid: child.pid,
      stop: () => child.stop(),
    };
  },
};
