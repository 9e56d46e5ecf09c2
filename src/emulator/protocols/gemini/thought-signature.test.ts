import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson } from '../../../testing/conformance.js';
import { SeededRandom } from '../../random.js';
import { checkThoughtSignatures, issueThoughtSignature, verifyThoughtSignature } from './thought-signature.js';
import type { GeminiContent } from './wire-types.js';

const weatherCall = { kind: 'function-call', name: 'get_weather' } as const;

function signature(seed = 1): string {
  return issueThoughtSignature(weatherCall, new SeededRandom(seed), 500);
}

function conversation(firstCallSignature: string | undefined, extraTurns: GeminiContent[] = []): GeminiContent[] {
  return [
    { role: 'user', parts: [{ text: 'Weather in Oslo and Rome?' }] },
    {
      role: 'model',
      parts: [
        { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, ...(firstCallSignature === undefined ? {} : { thoughtSignature: firstCallSignature }) },
        { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
      ],
    },
    { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { c: 7 } } }, { functionResponse: { name: 'get_weather', response: { c: 21 } } }] },
    ...extraTurns,
  ];
}

describe('thought signatures', () => {
  it('are deterministic, verify in base64 and base64url, and only for the part kind they were issued for', () => {
    const issued = signature();
    assert.equal(signature(), issued);
    assert.notEqual(signature(2), issued);
    assert.ok(verifyThoughtSignature(issued, weatherCall));
    assert.ok(verifyThoughtSignature(issued.replace(/\+/g, '-').replace(/\//g, '_'), weatherCall));
    assert.ok(!verifyThoughtSignature(issued, { kind: 'function-call', name: 'get_time' }));
    assert.ok(!verifyThoughtSignature(issued, { kind: 'text' }));
    const tampered = Buffer.from(issued, 'base64');
    tampered[20] = (tampered[20] ?? 0) ^ 1;
    assert.ok(!verifyThoughtSignature(tampered.toString('base64'), weatherCall));
    assert.ok(verifyThoughtSignature('skip_thought_signature_validator', weatherCall));
  });

  it('accept a history replaying what was issued, on Gemini 3 and the rest', () => {
    assert.equal(checkThoughtSignatures(conversation(signature()), 'gemini-3.1-pro', 'gemini'), undefined);
    assert.equal(checkThoughtSignatures(conversation('context_engineering_is_the_way_to_go'), 'gemini-3.1-pro', 'gemini'), undefined);
  });

  it('refuse a signature the emulator did not issue, e.g. a real Google one', () => {
    const recorded = readConformanceJson('gemini', 'stream-tool-result.request.json') as { contents: GeminiContent[] };
    assert.equal(checkThoughtSignatures(recorded.contents, 'gemini-2.5-flash', 'gemini')?.message, 'Corrupted thought signature.');
    assert.equal(checkThoughtSignatures(recorded.contents, 'gemini-3.1-pro', 'vertex')?.message,
      'Unable to submit request because Thought signature is not valid.. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini');
  });

  it('Gemini 3: the first call of each step in the current turn must carry one', () => {
    const missing = checkThoughtSignatures(conversation(undefined), 'gemini-3.1-pro', 'gemini');
    assert.equal(missing?.status, 400);
    assert.match(missing?.message ?? '', /^Function call is missing a thought_signature in functionCall parts\..*`default_api:get_weather` , position 1\./);
    assert.match(checkThoughtSignatures(conversation(undefined), 'gemini-3.1-pro', 'vertex')?.message ?? '', /function call `default_api:get_weather` in the 1\. content block is missing a `thought_signature`/);
    // Older models do not insist.
    assert.equal(checkThoughtSignatures(conversation(undefined), 'gemini-2.5-flash', 'gemini'), undefined);
  });

  it('Gemini 3: turns before the last user message are not checked', () => {
    const later: GeminiContent[] = [{ role: 'model', parts: [{ text: 'Oslo 7°C, Rome 21°C.' }] }, { role: 'user', parts: [{ text: 'Thanks!' }] }];
    assert.equal(checkThoughtSignatures(conversation(undefined, later), 'gemini-3.1-pro', 'gemini'), undefined);
  });
});
