import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson } from '../../../testing/conformance.js';
import { emulatorError, faultError } from '../../errors.js';
import { canonicalStatus, invalidApiKey, missingCredentials, payloadError, renderGeminiError, type GeminiRouteContext } from './errors.js';

const studio: GeminiRouteContext = { flavor: 'gemini', apiVersion: 'v1beta', method: 'generateContent' };
const vertex: GeminiRouteContext = { flavor: 'vertex', apiVersion: 'v1', method: 'streamGenerateContent', project: 'acme', location: 'us-central1' };

type GoogleBody = { error: { code: number; message: string; status: string; details?: Array<Record<string, unknown>> } };

function body(reply: { body: string }): GoogleBody {
  return JSON.parse(reply.body) as GoogleBody;
}

describe('Gemini errors', () => {
  it('a 429 has the recorded shape: QuotaFailure and RetryInfo in the body, no Retry-After header', () => {
    const reply = renderGeminiError(faultError({ status: 429, retryAfter: 3 }, 'gemini-3.1-pro'), studio);
    assert.equal(reply.status, 429);
    assert.equal(reply.headers['retry-after'], undefined);
    const rendered = body(reply);
    const recorded = readConformanceJson('gemini', 'error-429-resource-exhausted.json') as GoogleBody;
    assert.deepEqual(Object.keys(rendered.error), Object.keys(recorded.error));
    assert.equal(rendered.error.status, 'RESOURCE_EXHAUSTED');
    const types = rendered.error.details?.map((detail) => detail['@type']);
    assert.ok(types?.includes('type.googleapis.com/google.rpc.QuotaFailure'));
    assert.deepEqual(rendered.error.details?.find((detail) => detail['@type'] === 'type.googleapis.com/google.rpc.RetryInfo'), { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' });
  });

  it('an exhausted daily quota offers no retry; Vertex 429s carry no details', () => {
    const quota = body(renderGeminiError(faultError({ status: 429, code: 'insufficient_quota' }, 'gemini-3.1-pro'), studio));
    assert.ok(!quota.error.details?.some((detail) => detail['@type'] === 'type.googleapis.com/google.rpc.RetryInfo'));
    const vertexLimit = body(renderGeminiError(faultError({ status: 429 }, 'gemini-3.1-pro'), vertex));
    assert.equal(vertexLimit.error.details, undefined);
    assert.match(vertexLimit.error.message, /^Resource exhausted\. Please try again later\./);
  });

  it('server-side failures use Google statuses and wording', () => {
    const cases: Array<[number, string, RegExp]> = [
      [500, 'INTERNAL', /^An internal error has occurred/],
      [503, 'UNAVAILABLE', /^The model is overloaded\. Please try again later\.$/],
      [504, 'DEADLINE_EXCEEDED', /^Deadline expired/],
    ];
    for (const [status, name, message] of cases) {
      const rendered = body(renderGeminiError(faultError({ status }, 'gemini-3.1-pro'), studio));
      assert.deepEqual([rendered.error.code, rendered.error.status], [status, name]);
      assert.match(rendered.error.message, message);
    }
    const retried = body(renderGeminiError(faultError({ status: 503, retryAfter: 5 }, 'm'), studio));
    assert.equal(retried.error.details?.[0]?.retryDelay, '5s');
  });

  it('names an unknown model the way each API does', () => {
    const missing = emulatorError('model-not-found', 404, 'x', { model: 'gemini-9' });
    assert.equal(body(renderGeminiError(missing, studio)).error.message, 'models/gemini-9 is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.');
    assert.match(body(renderGeminiError(missing, vertex)).error.message, /^Publisher Model `projects\/acme\/locations\/us-central1\/publishers\/google\/models\/gemini-9` was not found/);
  });

  it('credentials: 403 without a key, 400 API_KEY_INVALID for an empty one, Vertex 401 CREDENTIALS_MISSING', () => {
    const noKey = missingCredentials('gemini', studio);
    assert.equal(noKey.status, 403);
    assert.equal(body(noKey).error.status, 'PERMISSION_DENIED');
    const badKey = body(invalidApiKey());
    assert.equal(badKey.error.status, 'INVALID_ARGUMENT');
    assert.equal(badKey.error.details?.[0]?.reason, 'API_KEY_INVALID');
    const noToken = missingCredentials('vertex', vertex);
    assert.equal(noToken.status, 401);
    assert.deepEqual(body(noToken).error.details?.[0]?.metadata, { method: 'google.cloud.aiplatform.v1.PredictionService.StreamGenerateContent', service: 'aiplatform.googleapis.com' });
  });

  it('lists every parse violation in BadRequest details; oversize bodies and wrong methods are 400 and 404', () => {
    const reply = body(renderGeminiError(payloadError([{ description: 'first' }, { field: 'contents[0]', description: 'second' }]), studio));
    assert.equal(reply.error.message, 'first\nsecond');
    assert.deepEqual(reply.error.details, [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ description: 'first' }, { field: 'contents[0]', description: 'second' }] }]);
    assert.equal(renderGeminiError(emulatorError('payload-too-large', 413, 'big'), studio).status, 400);
    assert.equal(renderGeminiError(emulatorError('method-not-allowed', 405, 'no', { method: 'GET', path: '/x' }), studio).status, 404);
    assert.equal(canonicalStatus(409), 'ABORTED');
  });
});
