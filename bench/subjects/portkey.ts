/**
 * Subject 5: the Portkey AI gateway (npm @portkey-ai/gateway), the TypeScript gateway users would
 * otherwise pick. Installed on demand into .bench-cache (git-ignored) with @hono/node-server pinned
 * to 1.13.5 through npm overrides, because its nested newer copy breaks streaming; started as
 * `node build/start-server.js --port=N --headless` (its package.json `bin`). Requests reach the
 * upstream through its OpenAI provider with a custom host: headers `x-portkey-provider: openai` and
 * `x-portkey-custom-host: http://127.0.0.1:P/v1` (Portkey's docs: "custom_host ... include the
 * version identifier (/v1)"); 127.0.0.1 is in its default TRUSTED_CUSTOM_HOSTS.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startNodeServer } from './node-process.js';
import { SubjectSkipped, type SubjectContext, type SubjectDefinition } from './types.js';

export const PORTKEY_VERSION = '1.15.2';
const HONO_NODE_SERVER_VERSION = '1.13.5';
const INSTALL_TIMEOUT_MS = 240_000;

function installedVersion(cacheDir: string, packageName: string): string | null {
  try {
    const manifest = JSON.parse(readFileSync(join(cacheDir, 'node_modules', packageName, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : null;
  } catch {
    return null;
  }
}

/** npm install into .bench-cache unless the pinned versions are already there. Returns the server script. */
async function ensurePortkey(context: SubjectContext): Promise<string> {
  const cacheDir = join(context.repoRoot, '.bench-cache');
  const serverScript = join(cacheDir, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  const nested = join(cacheDir, 'node_modules', '@portkey-ai', 'gateway', 'node_modules', '@hono', 'node-server');
  if (
    existsSync(serverScript) &&
    installedVersion(cacheDir, '@portkey-ai/gateway') === PORTKEY_VERSION &&
    installedVersion(cacheDir, '@hono/node-server') === HONO_NODE_SERVER_VERSION &&
    !existsSync(nested)
  )
    return serverScript;
  context.progress(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into .bench-cache (once)`);
  await mkdir(cacheDir, { recursive: true });
  const manifest = {
    name: 'switchyard-bench-cache',
    private: true,
    description: 'Written by bench/subjects/portkey.ts: comparison gateways for the benchmark. Not part of the product.',
    dependencies: { '@portkey-ai/gateway': PORTKEY_VERSION, '@hono/node-server': HONO_NODE_SERVER_VERSION },
    overrides: { '@hono/node-server': HONO_NODE_SERVER_VERSION },
  };
  await writeFile(join(cacheDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const outcome = await new Promise<{ code: number | null; output: string }>((resolveInstall) => {
    const npm = spawn('npm', ['install', '--prefix', cacheDir, '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: cacheDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-2000);
    };
    npm.stdout.on('data', collect);
    npm.stderr.on('data', collect);
    const timer = setTimeout(() => npm.kill('SIGKILL'), INSTALL_TIMEOUT_MS);
    npm.on('error', (error) => collect(Buffer.from(error.message)));
    npm.on('close', (code) => {
      clearTimeout(timer);
      resolveInstall({ code, output });
    });
  });
  if (outcome.code !== 0 || !existsSync(serverScript))
    throw new SubjectSkipped(`npm could not install @portkey-ai/gateway@${PORTKEY_VERSION} (exit ${String(outcome.code)}): ${outcome.output.trim().slice(-500)}`);
  return serverScript;
}

export const portkey: SubjectDefinition = {
  id: 'portkey',
  label: `Portkey gateway ${PORTKEY_VERSION}`,
  description: `@portkey-ai/gateway ${PORTKEY_VERSION} (Node server, @hono/node-server ${HONO_NODE_SERVER_VERSION}), provider openai with a custom host.`,
  start: async (context) => {
    const serverScript = await ensurePortkey(context);
    const { child, port } = await startNodeServer({
      name: 'portkey',
      args: (listenPort) => [serverScript, `--port=${listenPort}`, '--headless'],
      // Portkey has no readiness route; any HTTP answer on / means it listens.
      readyPath: '/',
      readyStatus: null,
      timeoutMs: 20_000,
      cwd: context.tempDir,
    });
    return {
      origin: `http://127.0.0.1:${port}`,
      path: '/v1/chat/completions',
      headers: {
        authorization: 'Bearer sk-bench',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${context.upstreamOrigin}/v1`,
      },
      pid: child.pid,
      stop: () => child.stop(),
    };
  },
};
