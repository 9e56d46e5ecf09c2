import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson } from '../../../testing/conformance.js';
import { renderGenerateContentResponse } from './response.js';
import { geminiModel, keyShape, prepare, renderBody, userText } from './test-support.js';
import { verifyThoughtSignature } from './thought-signature.js';

type Part = Record<string, unknown> & { text?: string; thought?: boolean; thoughtSignature?: string; functionCall?: { name: string; args: unknown } };
type Candidate = { content?: { parts?: Part[]; role: string }; finishReason: string; index?: number; finishMessage?: string; safetyRatings?: unknown[] };
type Usage = Record<string, number | undefined>;
type Body = { candidates: Candidate[]; usageMetadata: Usage; modelVersion: string; responseId: string; createTime?: string };

const weatherTools = [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] }];

function withoutServiceTier(shape: unknown): unknown {
  const copy = structuredClone(shape) as { usageMetadata?: Record<string, unknown> };
  delete copy.usageMetadata?.serviceTier;
  return copy;
}

describe('renderGenerateContentResponse', () => {
  it('a Gemini 3 text answer has the recorded shape and key order, its text part signed', () => {
    const body = renderBody(userText('How many r are in strawberry?')) as Body;
    assert.deepEqual(withoutServiceTier(keyShape(body)), keyShape(readConformanceJson('gemini', 'generate-text.response.json')));
    const part = body.candidates[0]?.content?.parts?.[0];
    assert.ok(part?.thoughtSignature !== undefined && verifyThoughtSignature(part.thoughtSignature, { kind: 'text' }));
    assert.match(body.responseId, /^[A-Za-z0-9_-]{23}$/);
    assert.equal(body.modelVersion, 'gemini-3.1-pro');
  });

  it('counts thoughts apart from candidates, and the total as their sum with the prompt', () => {
    const { context, options } = prepare(userText('Explain tides'));
    const body = renderGenerateContentResponse(context, options, 'gemini') as Body;
    const usage = body.usageMetadata;
    const { generation } = context;
    assert.ok(generation.usage.reasoningTokens > 0, 'Gemini 3 thinks by default');
    assert.equal(usage.thoughtsTokenCount, generation.usage.reasoningTokens);
    assert.equal(usage.candidatesTokenCount, generation.usage.outputTokens - generation.usage.reasoningTokens);
    assert.equal(usage.totalTokenCount, (usage.promptTokenCount ?? 0) + (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0));
    assert.equal(usage.cachedContentTokenCount, undefined, 'no cache, no field');
  });

  it('parallel function calls: whole args objects, only the first signed, STOP with a finishMessage', () => {
    const body = renderBody({ contents: [{ role: 'user', parts: [{ text: 'Call get_weather and get_time for Oslo' }] }], tools: [{ functionDeclarations: [...weatherTools[0]!.functionDeclarations, { name: 'get_time', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } }] }] }) as Body;
    const candidate = body.candidates[0]!;
    const parts = candidate.content?.parts ?? [];
    assert.deepEqual(parts.map((part) => part.functionCall?.name), ['get_weather', 'get_time']);
    assert.equal(typeof parts[0]?.functionCall?.args, 'object');
    assert.ok(verifyThoughtSignature(parts[0]?.thoughtSignature ?? '', { kind: 'function-call', name: 'get_weather' }));
    assert.equal(parts[1]?.thoughtSignature, undefined);
    assert.equal(candidate.finishReason, 'STOP');
    assert.equal(candidate.finishMessage, 'Model generated function call(s).');
    const recorded = readConformanceJson('gemini', 'generate-parallel-calls.response.json') as Body;
    assert.deepEqual(Object.keys(parts[0] ?? {}).sort(), Object.keys(recorded.candidates[0]?.content?.parts?.[0] ?? {}).sort());
  });

  it('thought summaries come first as thought parts when asked for', () => {
    const body = renderBody({ ...userText('Explain tides'), generationConfig: { thinkingConfig: { includeThoughts: true } } }) as Body;
    const parts = body.candidates[0]?.content?.parts ?? [];
    assert.equal(parts[0]?.thought, true);
    assert.match(parts[0]?.text ?? '', /^\*\*[A-Z][^*]+\*\*\n\n/);
    assert.equal(parts[1]?.thought, undefined);
    const withoutSummaries = renderBody(userText('Explain tides')) as Body;
    assert.equal(withoutSummaries.candidates[0]?.content?.parts?.some((part) => part.thought === true), false);
  });

  it('a limit reached while thinking leaves content without parts and MAX_TOKENS', () => {
    const body = renderBody({ ...userText('Explain tides'), generationConfig: { maxOutputTokens: 40, thinkingConfig: { thinkingBudget: 4096 } } }, geminiModel('gemini-2.5-flash')) as Body;
    assert.deepEqual(body.candidates[0]?.content, { role: 'model' });
    assert.equal(body.candidates[0]?.finishReason, 'MAX_TOKENS');
  });

  it('a call cut by the limit is not sent half-written', () => {
    const body = renderBody({ contents: [{ role: 'user', parts: [{ text: 'use get_weather for Oslo' }] }], tools: weatherTools, generationConfig: { maxOutputTokens: 12, thinkingConfig: { thinkingBudget: 0 } } }, geminiModel('gemini-2.5-flash')) as Body;
    assert.equal(body.candidates[0]?.finishReason, 'MAX_TOKENS');
    assert.ok(!(body.candidates[0]?.content?.parts ?? []).some((part) => part.functionCall !== undefined));
  });

  it('a refusal is a SAFETY block with no content', () => {
    const body = renderBody(userText('[[refusal: I cannot help with that.]]')) as Body;
    const candidate = body.candidates[0]!;
    assert.equal(candidate.finishReason, 'SAFETY');
    assert.equal(candidate.content, undefined);
    assert.ok(Array.isArray(candidate.safetyRatings));
  });

  it('reports cached prompt tokens as part of the prompt', () => {
    const { context, options } = prepare(userText('Explain tides'), geminiModel(), 'gemini', 4);
    const usage = (renderGenerateContentResponse(context, options, 'gemini') as Body).usageMetadata as Record<string, unknown>;
    assert.equal(usage.cachedContentTokenCount, 4);
    assert.deepEqual(usage.cacheTokensDetails, [{ modality: 'TEXT', tokenCount: 4 }]);
    assert.ok((usage.promptTokenCount as number) > 4);
  });

  it('Vertex: no index, role before parts, createTime, trafficType and candidate details', () => {
    const body = renderBody(userText('Explain tides'), geminiModel('gemini-2.5-flash'), 'vertex') as Body;
    assert.deepEqual(Object.keys(body), ['candidates', 'usageMetadata', 'modelVersion', 'createTime', 'responseId']);
    assert.equal(body.candidates[0]?.index, undefined);
    assert.deepEqual(Object.keys(body.candidates[0]?.content ?? {}), ['role', 'parts']);
    assert.match(body.createTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const usage = body.usageMetadata as Record<string, unknown>;
    assert.equal(usage.trafficType, 'ON_DEMAND');
    assert.deepEqual(usage.candidatesTokensDetails, [{ modality: 'TEXT', tokenCount: usage.candidatesTokenCount }]);
  });

  it('candidateCount gives indexed candidates; responseLogprobs gives logprobsResult', () => {
    const body = renderBody({ ...userText('Explain tides'), generationConfig: { candidateCount: 2, responseLogprobs: true, logprobs: 2 } }) as Body & { candidates: Array<Candidate & { avgLogprobs?: number; logprobsResult?: { chosenCandidates: unknown[]; topCandidates: Array<{ candidates: unknown[] }> } }> };
    assert.deepEqual(body.candidates.map((candidate) => candidate.index), [0, 1]);
    const first = body.candidates[0]!;
    assert.ok((first.logprobsResult?.chosenCandidates.length ?? 0) > 0);
    assert.equal(first.logprobsResult?.topCandidates[0]?.candidates.length, 2);
    assert.ok((first.avgLogprobs ?? 0) <= 0);
  });

  it('logprobsResult entries are {token, tokenId, logProbability}, one chosen token per step of the text', () => {
    const body = renderBody({ ...userText('Hi [[reply: two words]]'), generationConfig: { responseLogprobs: true, logprobs: 2 } }) as Body & { candidates: Array<Candidate & { logprobsResult?: { chosenCandidates: Array<Record<string, unknown>>; topCandidates: Array<{ candidates: Array<Record<string, unknown>> }> } }> };
    const result = body.candidates[0]?.logprobsResult;
    assert.equal(result?.chosenCandidates.map((entry) => entry.token).join(''), 'two words');
    for (const entry of [...(result?.chosenCandidates ?? []), ...(result?.topCandidates.flatMap((step) => step.candidates) ?? [])]) {
      assert.deepEqual(Object.keys(entry), ['token', 'tokenId', 'logProbability']);
      assert.equal(typeof entry.tokenId, 'number');
    }
  });

  it('Vertex with candidateCount: the first candidate has no index (a zero value), the others have theirs', () => {
    const body = renderBody({ ...userText('Explain tides'), generationConfig: { candidateCount: 3 } }, geminiModel('gemini-2.5-flash'), 'vertex') as Body;
    assert.deepEqual(body.candidates.map((candidate) => candidate.index), [undefined, 1, 2]);
  });
});
