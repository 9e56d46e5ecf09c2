/**
 * What the README's threat list promises, checked on a real server: no secret (provider key,
 * virtual key, admin key) in any log line, even at debug level and on failures; oversized bodies
 * and headers refused; no CORS headers unless configured (there is no setting: browsers are not
 * clients of a gateway holding provider keys).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { Governance } from '../../src/governance/index.js';
import { openKeyStore, type KeyStore } from '../../src/keys/index.js';
import { openLimits } from '../../src/limits/index.js';
import { createLogger, flushLogger, type Logger } from '../../src/logging/logger.js';
import { listen, type RunningServer } from '../../src/server/node-server.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const PROVIDER_KEY = 'sk-provider-very-secret-0123456789';
const ADMIN_KEY = 'admin-very-secret-0123456789abcdef';

describe('security', () => {
  let emulator: RunningEmulator;
  let server: RunningServer;
  let keys: KeyStore;
  let logger: Logger;
  let directory: string;
  let virtualKey: string;
  const logs: string[] = [];

  before(async () => {
    emulator = await startEmulator({ timeScale: 0 });
    directory = await mkdtemp(join(tmpdir(), 'switchyard-security-'));
    keys = await openKeyStore(join(directory, 'keys.db'));
    virtualKey = (await keys.createKey({ name: 'app' })).rawKey;
    const config = parseConfig(
      `
server: { body_limit_bytes: 10000 }
providers:
  emulator: { kind: openai-compatible, base_url: "${emulator.url}/openai/v1", api_key: ${PROVIDER_KEY} }
  wrongkey: { kind: openai-compatible, base_url: "${emulator.url}/openai/v1", api_key: sk-wrong-but-secret-987654321, forward_headers: [x-emulator-fault] }
routes:
  main: { targets: [emulator/gpt-5.5] }
  broken: { targets: [wrongkey/gpt-5.5] }
governance: { admin_key: ${ADMIN_KEY} }
`,
      'security.yaml',
      { env: {} },
    );
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(chunk.toString());
        callback();
      },
    });
    logger = createLogger('debug', sink);
    const governance = new Governance({ config: config.governance, keys, limits: openLimits(), logger });
    server = await listen(createGateway(config, { logger, governance, keys }), { host: '127.0.0.1', port: 0, logger });
  });
  after(async () => {
    await server.shutdown(1_000);
    await keys.close();
    await emulator.close();
    await rm(directory, { recursive: true, force: true });
  });

  const post = (path: string, headers: Record<string, string>, body: unknown): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('writes no secret to the logs, on success or failure, at debug level', async () => {
    const ok = await post('/v1/chat/completions', { authorization: `Bearer ${virtualKey}` }, { model: 'main', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(ok.status, 200);
    // The provider refuses the gateway's key (the emulator answers 401): the gateway logs the credentials failure.
    const broken = await post('/v1/chat/completions', { authorization: `Bearer ${virtualKey}`, 'x-emulator-fault': 'status=401' }, { model: 'broken', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(broken.status, 502);
    assert.doesNotMatch(await broken.text(), /sk-wrong/);
    await post('/v1/chat/completions', { authorization: `Bearer ${virtualKey}x` }, { model: 'main', messages: [] });
    await fetch(`${server.url}/admin/keys`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    await fetch(`${server.url}/admin/keys`, { headers: { authorization: 'Bearer admin-guess-0123456789abcdef' } });
    await flushLogger(logger);
    const text = logs.join('');
    assert.ok(text.includes('"request"'), 'requests were logged');
    assert.ok(text.includes('credentials'), 'the credentials failure was logged');
    for (const secret of [PROVIDER_KEY, 'sk-wrong-but-secret-987654321', virtualKey, virtualKey.split('_')[1]!, ADMIN_KEY, 'admin-guess-0123456789abcdef']) {
      assert.ok(!text.includes(secret), `a secret reached the logs: ${secret.slice(0, 6)}…`);
    }
  });

  it('refuses bodies over the limit with 413 and headers over the limit with 431', async () => {
    const big = await post('/v1/chat/completions', { authorization: `Bearer ${virtualKey}` }, { model: 'main', messages: [{ role: 'user', content: 'x'.repeat(20_000) }] });
    assert.equal(big.status, 413);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${server.url}/v1/models`, { headers: { 'x-padding': 'y'.repeat(64 * 1024) } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end();
    });
    assert.equal(status, 431);
  });

  it('sends no CORS headers and answers no preflight', async () => {
    const preflight = await fetch(`${server.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.ok(preflight.status >= 400);
    const response = await fetch(`${server.url}/v1/models`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${virtualKey}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});
