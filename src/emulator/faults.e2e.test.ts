/** Each fault kind, seen through the OpenAI SDK (retries off) or raw HTTP where the SDK hides it. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startEmulator, type RunningEmulator } from './index.js';

const messages = [{ role: 'user' as const, content: 'Tell me about rivers. [[tokens: 30]]' }];

function clientFor(emulator: RunningEmulator, fault?: string, timeout?: number): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test', baseURL: `${emulator.url}/openai/v1`, maxRetries: 0,
    ...(fault === undefined ? {} : { defaultHeaders: { 'x-emulator-fault': fault } }),
    ...(timeout === undefined ? {} : { timeout }),
  });
}

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OpenAI.APIError, `expected an APIError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

describe('fault injection', () => {
  let emulator: RunningEmulator;

  before(async () => {
    emulator = await startEmulator({
      timeScale: 0,
      config: { models: { 'gpt-5.4': { fault: { status: 503 } } } },
    });
  });
  after(() => emulator.close());

  it('429 carries Retry-After and the rate-limit body', async () => {
    const error = await apiError(clientFor(emulator, 'status=429; retry_after=2').chat.completions.create({ model: 'gpt-5.5', messages }));
    assert.equal(error.status, 429);
    assert.equal(error.headers?.get('retry-after'), '2');
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.type, 'tokens');
    const quota = await apiError(clientFor(emulator, 'status=429; code=insufficient_quota').chat.completions.create({ model: 'gpt-5.5', messages }));
    assert.equal(quota.code, 'insufficient_quota');
    assert.equal(quota.headers?.get('retry-after'), null, 'a quota 429 must not invite a retry');
  });

  it('500, 503 and 529 answer with OpenAI server errors', async () => {
    for (const status of [500, 503, 529]) {
      const error = await apiError(clientFor(emulator, `status=${status}`).chat.completions.create({ model: 'gpt-5.5', messages }));
      assert.equal(error.status, status);
      assert.equal(error.type, 'server_error');
    }
  });

  it('rate-based faults fail the same requests on every run with the same seed', async () => {
    const outcomes = async (): Promise<number[]> => {
      const fresh = await startEmulator({ timeScale: 0, seed: 11 });
      const client = clientFor(fresh, 'status=500; rate=0.5');
      const statuses: number[] = [];
      for (let index = 0; index < 16; index++) {
        statuses.push(await client.chat.completions.create({ model: 'gpt-5.5', messages }).then(() => 200, (error: InstanceType<typeof OpenAI.APIError>) => error.status ?? 0));
      }
      await fresh.close();
      return statuses;
    };
    const first = await outcomes();
    assert.deepEqual(await outcomes(), first);
    assert.ok(first.includes(200) && first.includes(500), first.join(','));
  });

  it('applies a model fault from config unless the request header says none', async () => {
    const error = await apiError(clientFor(emulator).chat.completions.create({ model: 'gpt-5.4', messages }));
    assert.equal(error.status, 503);
    const ok = await clientFor(emulator, 'none').chat.completions.create({ model: 'gpt-5.4', messages });
    assert.equal(ok.choices[0]?.finish_reason, 'stop');
  });

  it('rejects a malformed fault header with a 400 naming the problem', async () => {
    const error = await apiError(clientFor(emulator, 'status=500; sometimes').chat.completions.create({ model: 'gpt-5.5', messages }));
    assert.equal(error.status, 400);
    assert.match(error.message, /unknown key 'sometimes'/);
  });

  it('timeout holds the request until the client gives up', async () => {
    const started = Date.now();
    await assert.rejects(clientFor(emulator, 'timeout', 300).chat.completions.create({ model: 'gpt-5.5', messages }), OpenAI.APIConnectionTimeoutError);
    assert.ok(Date.now() - started >= 290);
    const ok = await clientFor(emulator).chat.completions.create({ model: 'gpt-5.5', messages });
    assert.ok(ok.id);
  });

  it('first_token_delay_ms delays the first token even at time_scale 0', async () => {
    const started = Date.now();
    const stream = await clientFor(emulator, 'first_token_delay_ms=300').chat.completions.create({ model: 'gpt-5.5', messages, stream: true });
    for await (const chunk of stream) {
      assert.ok(chunk.id);
      break;
    }
    assert.ok(Date.now() - started >= 290, `first chunk after ${Date.now() - started}ms`);
  });

  it('drop_after sends that many content chunks, then cuts the connection', async () => {
    const stream = await clientFor(emulator, 'drop_after=5').chat.completions.create({ model: 'gpt-5.5', messages, stream: true });
    let contentChunks = 0;
    await assert.rejects(async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) contentChunks++;
    });
    assert.equal(contentChunks, 5);
  });

  it('error_after sends that many content chunks, then an in-stream error', async () => {
    const stream = await clientFor(emulator, 'error_after=3').chat.completions.create({ model: 'gpt-5.5', messages, stream: true });
    let contentChunks = 0;
    const error = await apiError((async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) contentChunks++;
    })());
    assert.equal(contentChunks, 3);
    assert.match(error.message, /The server had an error while processing your request/);
  });

  it('drop_after cuts a non-streaming body mid-JSON', async () => {
    await assert.rejects(clientFor(emulator, 'drop_after=0').chat.completions.create({ model: 'gpt-5.5', messages }));
  });
});
