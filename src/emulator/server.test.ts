/** HTTP-level behaviour: errors in OpenAI's shapes, recording, control endpoints, Azure, shutdown. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI, { AzureOpenAI } from 'openai';
import { startEmulator, type RunningEmulator } from './index.js';
import type { RecordedRequest } from './recorder.js';

const chatBody = { model: 'gpt-5.5', messages: [{ role: 'user', content: 'hello' }] };

describe('emulator server', () => {
  let emulator: RunningEmulator;
  const post = (path: string, body: string, headers: Record<string, string> = { authorization: 'Bearer sk-test' }): Promise<Response> =>
    fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  before(async () => {
    emulator = await startEmulator({ timeScale: 0, config: { models: { 'tiny-model': { context_window: 200, max_output: 100 } } } });
  });
  after(() => emulator.close());

  it('answers missing auth with 401 invalid_api_key', async () => {
    const response = await post('/openai/v1/chat/completions', JSON.stringify(chatBody), {});
    assert.equal(response.status, 401);
    const body = (await response.json()) as { error: Record<string, unknown> };
    assert.deepEqual(Object.keys(body.error), ['message', 'type', 'param', 'code']);
    assert.deepEqual([body.error.type, body.error.param, body.error.code], ['invalid_request_error', null, 'invalid_api_key']);
    assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
  });

  it('answers unknown paths with 404 and wrong methods with 405, OpenAI style', async () => {
    const missing = await post('/openai/v1/nope', '{}');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: { message: 'Invalid URL (POST /openai/v1/nope)', type: 'invalid_request_error', param: null, code: null } });
    const elsewhere = await post('/v1/chat/completions', '{}');
    assert.equal(elsewhere.status, 404);
    const wrongMethod = await fetch(`${emulator.url}/openai/v1/chat/completions`, { headers: { authorization: 'Bearer sk-test' } });
    assert.equal(wrongMethod.status, 405);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await post('/openai/v1/chat/completions', '{"model": "gpt-5.5", ');
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { message: string; type: string } };
    assert.match(body.error.message, /We could not parse the JSON body of your request/);
    assert.equal(body.error.type, 'invalid_request_error');
  });

  it('answers unknown models with 404 model_not_found', async () => {
    const response = await post('/openai/v1/chat/completions', JSON.stringify({ ...chatBody, model: 'gpt-2' }));
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'model_not_found');
    assert.match(body.error.message, /The model `gpt-2` does not exist/);
  });

  it('serves any catalog model under the OpenAI prefix', async () => {
    const response = await post('/openai/v1/chat/completions', JSON.stringify({ ...chatBody, model: 'claude-haiku-4-5' }));
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { model: string }).model, 'claude-haiku-4-5');
  });

  it('rejects prompts beyond the context window with context_length_exceeded', async () => {
    const response = await post('/openai/v1/chat/completions', JSON.stringify({ model: 'tiny-model', messages: [{ role: 'user', content: 'word '.repeat(400) }] }));
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: string; param: string; message: string } };
    assert.deepEqual([body.error.code, body.error.param], ['context_length_exceeded', 'messages']);
    assert.match(body.error.message, /maximum context length is 200 tokens/);
    const tooMuchOutput = await post('/openai/v1/chat/completions', JSON.stringify({ model: 'tiny-model', max_completion_tokens: 500, messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(tooMuchOutput.status, 400);
  });

  it('records requests, readable programmatically and over HTTP, newest last', async () => {
    emulator.clearReceived();
    await post('/openai/v1/chat/completions?trace=1', JSON.stringify({ ...chatBody, messages: [{ role: 'user', content: 'first' }] }), { authorization: 'Bearer sk-one', 'x-custom': 'yes' });
    await post('/openai/v1/chat/completions', 'not json');
    const received = emulator.received();
    assert.equal(received.length, 2);
    assert.equal(received[0]?.path, '/openai/v1/chat/completions');
    assert.deepEqual(received[0]?.query, { trace: '1' });
    assert.equal(received[0]?.headers.authorization, 'Bearer sk-one');
    assert.equal(received[0]?.headers['x-custom'], 'yes');
    assert.deepEqual((received[0]?.json as { messages: unknown }).messages, [{ role: 'user', content: 'first' }]);
    assert.equal(received[1]?.bodyText, 'not json');
    assert.equal(received[1]?.json, undefined);
    const overHttp = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { requests: RecordedRequest[] };
    assert.deepEqual(overHttp.requests.map((request) => request.bodyText), received.map((request) => request.bodyText));
    assert.equal((await fetch(`${emulator.url}/_emulator/requests`, { method: 'DELETE' })).status, 200);
    assert.equal(emulator.received().length, 0);
  });

  it('reports health', async () => {
    const health = (await (await fetch(`${emulator.url}/_emulator/health`)).json()) as { status: string; models: string[] };
    assert.equal(health.status, 'ok');
    assert.ok(health.models.includes('tiny-model'));
  });

  it('serves the Azure deployment scheme with api-key auth', async () => {
    const azure = new AzureOpenAI({ apiKey: 'azure-key', endpoint: `${emulator.url}/azure`, apiVersion: '2024-10-21', deployment: 'gpt-5.4', maxRetries: 0 });
    const completion = await azure.chat.completions.create({ model: 'ignored-by-azure', messages: [{ role: 'user', content: 'Hi [[reply: from Azure]]' }] });
    assert.equal(completion.choices[0]?.message.content, 'from Azure');
    const recorded = emulator.received().at(-1);
    assert.equal(recorded?.path, '/azure/openai/deployments/gpt-5.4/chat/completions');
    assert.equal(recorded?.query['api-version'], '2024-10-21');
    assert.equal(recorded?.headers['api-key'], 'azure-key');
    const stream = await azure.chat.completions.create({ model: 'x', stream: true, messages: [{ role: 'user', content: '[[reply: streamed]]' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'streamed');
    const unauthorised = await post('/azure/openai/deployments/gpt-5.4/chat/completions?api-version=2024-10-21', JSON.stringify(chatBody), {});
    assert.equal(unauthorised.status, 401);
    assert.equal(((await unauthorised.json()) as { error: { code: string } }).error.code, '401');
    const unknown = await post('/azure/openai/deployments/nope/chat/completions?api-version=2024-10-21', JSON.stringify(chatBody), { 'api-key': 'k' });
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'DeploymentNotFound');
  });
});

describe('emulator lifecycle', () => {
  it('stops generating when the client disconnects', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const emulator = await startEmulator({ timeScale: 1, config: { models: { 'slow-model': { ttft_ms: 0, tokens_per_second: 50 } } }, logger: (line) => lines.push(line as Record<string, unknown>) });
    try {
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${emulator.url}/openai/v1`, maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: 'slow-model', stream: true, messages: [{ role: 'user', content: '[[tokens: 500]]' }] });
      let chunks = 0;
      for await (const _chunk of stream) if (++chunks === 3) break; // leaving the loop aborts the request
      const deadline = Date.now() + 2000;
      while (lines.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      const duration = Number(lines[0]?.duration_ms);
      assert.ok(duration < 2000, `the handler should end soon after the client left, took ${duration}ms of a ~10s stream`);
    } finally {
      await emulator.close();
    }
  });

  it('close() ends open streams and held connections promptly', async () => {
    const emulator = await startEmulator({ timeScale: 1, config: { models: { 'slow-model': { ttft_ms: 0, tokens_per_second: 20 } } } });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${emulator.url}/openai/v1`, maxRetries: 0 });
    const held = client.chat.completions.create({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-emulator-fault': 'timeout' } }).catch((error: unknown) => error);
    const stream = await client.chat.completions.create({ model: 'slow-model', stream: true, messages: [{ role: 'user', content: '[[tokens: 500]]' }] });
    const reading = (async () => {
      for await (const _chunk of stream) { /* keep reading until the emulator goes away */ }
    })().then(() => 'ended', () => 'errored');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await emulator.close();
    assert.ok(Date.now() - started < 500, `close took ${Date.now() - started}ms`);
    assert.ok(['ended', 'errored'].includes(await reading));
    assert.ok((await held) instanceof Error);
  });
});
