/**
 * The Gemini routes over HTTP, with Google's own SDK as the client where it can be: if
 * `@google/genai` accepts what the emulator sends, a gateway's Gemini client sees real-looking traffic.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError, GoogleGenAI, type Content, type Tool } from '@google/genai';
import { startEmulator, type RunningEmulator } from '../../index.js';

const weatherTool: Tool = {
  functionDeclarations: [{
    name: 'get_weather',
    description: 'Current weather for a city',
    parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  }],
};

type GoogleErrorBody = { error: { code: number; status: string; message: string; details?: Array<Record<string, unknown>> } };

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

/** Long enough for Gemini's implicit-cache minimum on every model (4,096 tokens). */
const LONG_CONTEXT = Array.from({ length: 700 }, (_, index) => `Clause ${index}: the tenant keeps the garden tidy.`).join(' ');

describe('emulator: Gemini API and Vertex AI', () => {
  let emulator: RunningEmulator;
  let google: GoogleGenAI;

  before(async () => {
    emulator = await startEmulator({ timeScale: 0, config: { models: { 'gemini-2.5-flash': { reasoning: true, context_window: 1_048_576, max_output: 65_536, owned_by: 'google' } } } });
    google = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: `${emulator.url}/gemini`, apiVersion: 'v1beta' } });
  });
  after(() => emulator.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': 'test-key' }) =>
    fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const hello = { contents: [{ role: 'user', parts: [{ text: 'Hello [[reply: Hi there]]' }] }] };

  it('generateContent and generateContentStream agree, with usage and a thought signature', async () => {
    const params = { model: 'gemini-3.1-pro', contents: 'Explain tides [[tokens: 40]]' };
    const whole = await google.models.generateContent(params);
    assert.equal(whole.candidates?.[0]?.finishReason, 'STOP');
    assert.ok((whole.usageMetadata?.thoughtsTokenCount ?? 0) > 0);
    let text = '';
    let chunks = 0;
    let signature: string | undefined;
    for await (const chunk of await google.models.generateContentStream(params)) {
      chunks++;
      text += chunk.text ?? '';
      signature ??= chunk.candidates?.[0]?.content?.parts?.find((part) => part.thoughtSignature)?.thoughtSignature;
    }
    assert.ok(chunks > 2);
    assert.equal(text, whole.text);
    assert.equal(signature, whole.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature);
    const sent = emulator.received().at(-1);
    assert.equal(sent?.query.alt, 'sse');
  });

  it('function calling round trip: signatures replayed by the SDK chat are accepted, a stripped one is refused', async () => {
    const chat = google.chats.create({ model: 'gemini-3.1-pro', config: { tools: [weatherTool] } });
    const first = await chat.sendMessage({ message: 'What is the weather in Oslo?' });
    const call = first.functionCalls?.[0];
    assert.equal(call?.name, 'get_weather');
    assert.equal((call?.args as { city?: string }).city, 'Oslo');
    assert.ok(first.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature);
    const second = await chat.sendMessage({ message: [{ functionResponse: { name: 'get_weather', response: { temperature: '7°C' } } }] });
    assert.match(second.text ?? '', /get_weather tool returned/);

    const history = chat.getHistory() as Content[];
    const stripped = structuredClone(history.slice(0, 3));
    delete stripped[1]!.parts![0]!.thoughtSignature;
    const missing = await apiError(google.models.generateContent({ model: 'gemini-3.1-pro', contents: stripped, config: { tools: [weatherTool] } }));
    assert.equal(missing.status, 400);
    assert.match(missing.message, /Function call is missing a thought_signature/);
    const forged = structuredClone(history.slice(0, 3));
    forged[1]!.parts![0]!.thoughtSignature = Buffer.from('not ours at all, not ours at all, not ours').toString('base64');
    const corrupted = await apiError(google.models.generateContent({ model: 'gemini-3.1-pro', contents: forged, config: { tools: [weatherTool] } }));
    assert.match(corrupted.message, /Corrupted thought signature/);
  });

  it('without alt=sse the stream is one JSON array the SDK-less client can parse whole', async () => {
    const response = await post('/gemini/v1beta/models/gemini-3.1-pro:streamGenerateContent', hello);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=UTF-8');
    const elements = JSON.parse(await response.text()) as Array<{ candidates: Array<{ content?: { parts?: Array<{ text?: string }> } }> }>;
    assert.equal(elements.flatMap((element) => element.candidates[0]?.content?.parts ?? []).map((part) => part.text ?? '').join(''), 'Hi there');
  });

  it('credentials as Google checks them: header or ?key=, 403 without, 400 for an empty key', async () => {
    const path = '/gemini/v1beta/models/gemini-3.1-pro:generateContent';
    assert.equal((await post(`${path}?key=abc`, hello, {})).status, 200);
    const none = await post(path, hello, {});
    assert.equal(none.status, 403);
    assert.equal(((await none.json()) as GoogleErrorBody).error.status, 'PERMISSION_DENIED');
    const empty = await post(`${path}?key=`, hello, {});
    assert.equal(empty.status, 400);
    assert.equal(((await empty.json()) as GoogleErrorBody).error.details?.[0]?.reason, 'API_KEY_INVALID');
  });

  it('Vertex: Bearer auth on the project path, API key in express mode, Vertex response shape', async () => {
    const path = '/vertex/v1/projects/acme/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent';
    const denied = await post(path, hello, {});
    assert.equal(denied.status, 401);
    assert.equal(((await denied.json()) as GoogleErrorBody).error.status, 'UNAUTHENTICATED');
    const ok = await post(path, hello, { authorization: 'Bearer ya29.token' });
    const body = (await ok.json()) as { candidates: Array<Record<string, unknown>>; createTime?: string; usageMetadata: Record<string, unknown> };
    assert.equal(ok.status, 200);
    assert.ok(body.createTime !== undefined && body.candidates[0]?.index === undefined);
    assert.equal(body.usageMetadata.trafficType, 'ON_DEMAND');
    const express = await post('/vertex/v1/publishers/google/models/gemini-2.5-flash:generateContent', hello, { 'x-goog-api-key': 'k' });
    assert.equal(express.status, 200);
    const unknown = await post('/vertex/v1/projects/acme/locations/us-central1/publishers/google/models/gemini-0:generateContent', hello, { authorization: 'Bearer t' });
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as GoogleErrorBody).error.message, /^Publisher Model `projects\/acme\/locations\/us-central1\/publishers\/google\/models\/gemini-0`/);
  });

  it('lists and gets models; countTokens matches promptTokenCount', async () => {
    const models = await google.models.list();
    const names: string[] = [];
    for await (const model of models) names.push(model.name ?? '');
    assert.ok(names.includes('models/gemini-3.1-pro'));
    const model = await google.models.get({ model: 'gemini-3.1-pro' });
    assert.equal(model.inputTokenLimit, 1_048_576);
    const contents = 'How far is the moon? [[reply: Far.]]';
    const counted = await google.models.countTokens({ model: 'gemini-3.1-pro', contents });
    const generated = await google.models.generateContent({ model: 'gemini-3.1-pro', contents });
    assert.equal(counted.totalTokens, generated.usageMetadata?.promptTokenCount);
  });

  it('implicit caching reports a repeated long prefix, only above the model minimum', async () => {
    const ask = (model: string, question: string) => google.models.generateContent({ model, contents: `${LONG_CONTEXT}\n\n${question}` });
    const first = await ask('gemini-3.1-pro', 'Who tends the garden?');
    assert.ok((first.usageMetadata?.promptTokenCount ?? 0) > 4_096);
    assert.equal(first.usageMetadata?.cachedContentTokenCount, undefined);
    const second = await ask('gemini-3.1-pro', 'Who pays for water?');
    const cached = second.usageMetadata?.cachedContentTokenCount ?? 0;
    assert.ok(cached >= 4_096 && cached < (second.usageMetadata?.promptTokenCount ?? 0), `cached ${cached}`);
    // About 3,000 tokens: under Gemini 3's minimum, over 2.5's.
    const shorter = Array.from({ length: 250 }, (_, index) => `Section ${index}: the landlord repairs the roof.`).join(' ');
    const short = (model: string, question: string) => google.models.generateContent({ model, contents: `${shorter}\n\n${question}` });
    const size = (await short('gemini-3.1-pro', 'a?')).usageMetadata?.promptTokenCount ?? 0;
    assert.ok(size > 2_048 && size < 4_096, `prompt of ${size} tokens`);
    assert.equal((await short('gemini-3.1-pro', 'b?')).usageMetadata?.cachedContentTokenCount, undefined);
    await short('gemini-2.5-flash', 'a?');
    assert.ok(((await short('gemini-2.5-flash', 'b?')).usageMetadata?.cachedContentTokenCount ?? 0) >= 2_048);
  });

  it('faults in Google shape: 429 with RetryInfo, 503, and a mid-stream error the SDK raises', async () => {
    const faulty = (fault: string) => new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: `${emulator.url}/gemini`, apiVersion: 'v1beta', headers: { 'x-emulator-fault': fault } } });
    const limited = await apiError(faulty('status=429; retry_after=7').models.generateContent({ model: 'gemini-3.1-pro', contents: 'hi' }));
    assert.equal(limited.status, 429);
    const limitedBody = JSON.parse(limited.message) as GoogleErrorBody;
    assert.equal(limitedBody.error.status, 'RESOURCE_EXHAUSTED');
    assert.ok(limitedBody.error.details?.some((detail) => detail.retryDelay === '7s'));
    const unavailable = await apiError(faulty('status=503').models.generateContent({ model: 'gemini-3.1-pro', contents: 'hi' }));
    assert.equal(unavailable.status, 503);

    let received = '';
    const streamFailure = await apiError((async () => {
      for await (const chunk of await faulty('error_after=2').models.generateContentStream({ model: 'gemini-3.1-pro', contents: 'Explain tides [[tokens: 200]]' })) received += chunk.text ?? '';
    })());
    assert.equal(streamFailure.status, 500);
    assert.ok(received.length > 0, 'some text arrived before the failure');

    const dropped = await faulty('drop_after=2').models.generateContentStream({ model: 'gemini-3.1-pro', contents: 'Explain tides [[tokens: 200]]' }).then(async (stream) => {
      for await (const _chunk of stream) { /* read until the connection drops */ }
    }).then(() => 'completed', () => 'failed');
    assert.equal(dropped, 'failed');
  });

  it('unknown paths and wrong methods are Google 404s; bad bodies name every problem', async () => {
    const unknown = await post('/gemini/v1beta/models/gemini-3.1-pro:embedEverything', hello);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as GoogleErrorBody).error.status, 'NOT_FOUND');
    const wrongMethod = await fetch(`${emulator.url}/gemini/v1beta/models/gemini-3.1-pro:generateContent`, { headers: { 'x-goog-api-key': 'k' } });
    assert.equal(wrongMethod.status, 404);
    const bad = await post('/gemini/v1beta/models/gemini-3.1-pro:generateContent', { ...hello, generationConfig: { maxTokens: 5 }, tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', additionalProperties: false } }] }] });
    const badBody = (await bad.json()) as GoogleErrorBody;
    assert.equal(bad.status, 400);
    assert.equal(badBody.error.message.split('\n').length, 2);
    assert.equal((badBody.error.details?.[0]?.fieldViolations as unknown[]).length, 2);
    const empty = await fetch(`${emulator.url}/gemini/v1beta/models/gemini-3.1-pro:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': 'k' } });
    assert.match(((await empty.json()) as GoogleErrorBody).error.message, /contents is not specified/);
  });
});
