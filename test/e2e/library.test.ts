import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { createGateway, parseConfig, startEmulator, type Gateway } from '../../src/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';

/** The gateway as a library: a fetch-style handler called in-process, no port of its own. */
describe('createGateway().fetch', () => {
  let emulator: RunningEmulator;
  let gateway: Gateway;

  before(async () => {
    emulator = await startEmulator({ port: 0, timeScale: 0 });
    gateway = createGateway(
      parseConfig(`providers:\n  emu:\n    kind: openai-compatible\n    base_url: ${emulator.url}/openai/v1\n    api_key: k\nroutes:\n  default:\n    targets: [emu/gpt-5.5]\n`, 'inline.yaml', { env: {} }),
    );
  });
  after(async () => {
    await gateway.close();
    await emulator.close();
  });

  it('serves the openai SDK through a custom fetch, streaming included', async () => {
    const client = new OpenAI({ baseURL: 'http://gateway.local/v1', apiKey: 'x', fetch: (input, init) => gateway.fetch(new Request(input, init)) });
    const reply = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: '[[reply: in process]]' }] });
    assert.equal(reply.choices[0]?.message.content, 'in process');
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: 'default', stream: true, messages: [{ role: 'user', content: '[[reply: streamed in process]]' }] })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, 'streamed in process');
  });

  it('answers health and readiness, then reports draining', async () => {
    assert.equal((await gateway.fetch(new Request('http://g/healthz'))).status, 200);
    assert.equal((await gateway.fetch(new Request('http://g/readyz'))).status, 200);
    const other = createGateway(gateway.config);
    other.drain();
    assert.equal((await other.fetch(new Request('http://g/readyz'))).status, 503);
    const refused = await other.fetch(new Request('http://g/v1/chat/completions', { method: 'POST', body: '{}' }));
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    await other.close();
  });

  it('enforces the body limit on the fetch path too', async () => {
    const small = createGateway(parseConfig(`server: { body_limit_bytes: 10 }\nproviders: {}\n`, 'inline.yaml', { env: {} }));
    const response = await small.fetch(new Request('http://g/v1/chat/completions', { method: 'POST', body: '{"model":"aaaaaaaaaaaaaaaaa"}' }));
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'body_too_large');
  });
});
