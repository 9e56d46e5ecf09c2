import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { EMULATOR_KEY, postRaw, startHarness, type Harness } from '../support/harness.js';

/** Every error reaches the caller in OpenAI's error format, with a request id. */
describe('errors on the chat endpoint', () => {
  let harness: Harness;
  let closedPort: number;
  let url: string;

  before(async () => {
    closedPort = await freePort();
    harness = await startHarness({
      config: `
server:
  body_limit_bytes: 2000
providers:
  emulator:
    kind: openai-compatible
    base_url: \${EMULATOR_URL}/openai/v1
    api_key: ${EMULATOR_KEY}
    forward_headers: [x-emulator-fault]
    timeouts: { first_byte_ms: 300 }
  nowhere:
    kind: openai-compatible
    base_url: http://127.0.0.1:${closedPort}/v1
    api_key: ${EMULATOR_KEY}
  wrong-key:
    kind: openai-compatible
    base_url: \${EMULATOR_URL}/openai/v1
routes:
  default:
    targets: [emulator/gpt-5.5]
`,
    });
    url = `${harness.baseURL}/chat/completions`;
  });
  after(() => harness.close());

  const hello = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] });

  function assertOpenAIError(result: Awaited<ReturnType<typeof postRaw>>, status: number, type: string, code: string): void {
    assert.equal(result.status, status, result.text);
    assert.equal(result.json.error?.type, type);
    assert.equal(result.json.error?.code, code);
    assert.ok((result.json.error?.message.length ?? 0) > 10);
    assert.ok(result.headers.get('x-request-id'));
  }

  it('refuses malformed JSON and says where it broke', async () => {
    const result = await postRaw(url, '{"model": "default", "messages": [}');
    assertOpenAIError(result, 400, 'invalid_request_error', 'invalid_json');
    assert.match(result.json.error!.message, /not valid JSON: .*\S/);
  });

  it('refuses a body that is not an object', async () => {
    assertOpenAIError(await postRaw(url, '[1,2]'), 400, 'invalid_request_error', 'invalid_json');
  });

  it('refuses a missing model, naming the param', async () => {
    const result = await postRaw(url, JSON.stringify({ messages: [] }));
    assertOpenAIError(result, 400, 'invalid_request_error', 'missing_model');
    assert.equal(result.json.error?.param, 'model');
  });

  it('answers an unknown model with 404 and the names it would accept', async () => {
    const result = await postRaw(url, hello('gpt-nonexistent'));
    assertOpenAIError(result, 404, 'not_found_error', 'model_not_found');
    assert.match(result.json.error!.message, /default/);
  });

  it('refuses a body over the size limit with 413', async () => {
    const result = await postRaw(url, JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'x'.repeat(5000) }] }));
    assertOpenAIError(result, 413, 'invalid_request_error', 'body_too_large');
  });

  it('answers an unreachable provider with 502 naming the provider, not its key', async () => {
    const result = await postRaw(url, hello('nowhere/gpt-5.5'));
    assertOpenAIError(result, 502, 'server_error', 'upstream_unreachable');
    assert.match(result.json.error!.message, /nowhere/);
    assert.doesNotMatch(result.text, /sk-emulator/);
  });

  it('answers a provider that never responds with 504 after first_byte_ms', async () => {
    const result = await postRaw(url, hello('default'), { 'x-emulator-fault': 'timeout' });
    assertOpenAIError(result, 504, 'server_error', 'upstream_timeout');
    assert.match(result.json.error!.message, /first_byte_ms=300/);
  });

  it("keeps the provider's own 4xx status and message", async () => {
    const result = await postRaw(url, hello('emulator/no-such-model'));
    assert.equal(result.status, 404);
    assert.equal(result.json.error?.code, 'model_not_found');
    assert.match(result.json.error!.message, /no-such-model/);
  });

  it('keeps Retry-After on a provider 429, and the SDK sees a RateLimitError', async () => {
    const client = new OpenAI({ baseURL: harness.baseURL, apiKey: 'x', maxRetries: 0 });
    await assert.rejects(
      // Its own deployment: a 429 cools the deployment it hits down for Retry-After.
      client.chat.completions.create({ model: 'emulator/gpt-5.4', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-emulator-fault': 'status=429; retry_after=7' } }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.RateLimitError);
        assert.equal(error.headers?.get('retry-after'), '7');
        return true;
      },
    );
  });

  it('passes a provider 5xx through with its status', async () => {
    for (const status of [500, 503]) {
      const result = await postRaw(url, hello('default'), { 'x-emulator-fault': `status=${status}` });
      assert.equal(result.status, status);
      assert.ok(result.json.error?.message);
    }
  });

  it("turns a provider's 401 into a gateway error that does not repeat the provider's message", async () => {
    const result = await postRaw(url, hello('wrong-key/gpt-5.5'));
    assertOpenAIError(result, 502, 'server_error', 'upstream_credentials');
    assert.match(result.json.error!.message, /wrong-key.*credentials/);
  });

  it('answers unknown paths and wrong methods in the same format', async () => {
    const notFound = await fetch(`${harness.server.url}/v1/nothing`);
    assert.equal(notFound.status, 404);
    const wrongMethod = await fetch(url);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    assert.equal(((await wrongMethod.json()) as { error: { code: string } }).error.code, 'method_not_allowed');
  });

  it('echoes a safe caller request id and replaces an unsafe one', async () => {
    const kept = await postRaw(url, '{', { 'x-request-id': 'trace-42.a' });
    assert.equal(kept.headers.get('x-request-id'), 'trace-42.a');
    const replaced = await postRaw(url, '{', { 'x-request-id': 'bad id with spaces' });
    assert.match(replaced.headers.get('x-request-id') ?? '', /^req_/);
  });

  it('never writes a provider key to the logs', () => {
    const logs = harness.logs.join('');
    assert.ok(logs.length > 0);
    assert.ok(!logs.includes(EMULATOR_KEY));
    assert.match(logs, /"status":502/);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
