import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalMessage, CanonicalRequest, UserContentPart } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { CODECS } from '../registry.js';
import { CAPABILITIES, PROTOCOLS, REQUEST_FEATURES, type RequestFeature } from './capabilities.js';
import { requestRoundTrip } from './harness.js';

/**
 * What a protocol cannot carry is refused with a precise 400, or is a documented hint it drops: the
 * table's `refused` and `dropped` entries, checked against each codec with one sample request each.
 */

const user = (...content: UserContentPart[]): CanonicalMessage => ({ role: 'user', content });
const base = (): CanonicalRequest => ({ model: 'client-model', messages: [user({ type: 'text', text: 'hi' })], stream: false });
const tools = [{ name: 'lookup', parameters: { type: 'object', properties: {} } }];
const history: CanonicalMessage[] = [
  user({ type: 'text', text: 'hi' }),
  { role: 'assistant', content: [{ type: 'reasoning', text: 'thinking', origin: 'anthropic', signature: 'c2ln' }, { type: 'tool-call', id: 'call_1', name: 'lookup', arguments: '{}' }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'lookup', content: [{ type: 'text', text: 'none' }], isError: true }] },
];

interface Sample {
  request: CanonicalRequest;
  /** Whether the decoded request still carries the feature. */
  present(request: CanonicalRequest): boolean;
}

const parts = (request: CanonicalRequest): unknown[] => request.messages.flatMap((message) => message.content as unknown[]);
const withPart = (part: UserContentPart, present: (part: Record<string, unknown>) => boolean): Sample => ({
  request: { ...base(), messages: [user({ type: 'text', text: 'see' }, part)] },
  present: (request) => parts(request).some((item) => present(item as Record<string, unknown>)),
});
const withFields = (fields: Partial<CanonicalRequest>, present: (request: CanonicalRequest) => boolean): Sample => ({ request: { ...base(), ...fields }, present });

const SAMPLES: Partial<Record<RequestFeature, Sample>> = {
  'image.file': withPart({ type: 'image', source: { kind: 'file', fileId: 'file-abc123' } }, (part) => part.type === 'image'),
  'image.detail': withPart({ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' }, detail: 'high' }, (part) => part.detail !== undefined),
  'document.url': withPart({ type: 'document', source: { kind: 'url', url: 'https://docs.example.com/a.pdf' } }, (part) => part.type === 'document'),
  'document.file': withPart({ type: 'document', source: { kind: 'file', fileId: 'file-abc123' } }, (part) => part.type === 'document'),
  'document.title': withPart({ type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' }, title: 'report.pdf' }, (part) => part.title === 'report.pdf'),
  cacheControl: withPart({ type: 'text', text: 'cache me', cacheControl: { type: 'ephemeral' } }, (part) => part.cacheControl !== undefined),
  'reasoning.replay': { request: { ...base(), messages: history }, present: (request) => parts(request).some((part) => (part as { type: string }).type === 'reasoning') },
  'toolResult.isError': {
    request: { ...base(), messages: history },
    present: (request) => parts(request).some((part) => (part as { isError?: boolean }).isError === true),
  },
  'tools.strict': withFields({ tools: [{ ...tools[0]!, strict: true }] }, (request) => request.tools?.[0]?.strict !== undefined),
  parallelToolCalls: withFields({ tools, parallelToolCalls: false }, (request) => request.parallelToolCalls !== undefined),
  topK: withFields({ topK: 40 }, (request) => request.topK !== undefined),
  seed: withFields({ seed: 7 }, (request) => request.seed !== undefined),
  stopSequences: withFields({ stopSequences: ['END'] }, (request) => request.stopSequences !== undefined),
  penalties: withFields({ presencePenalty: 0.5 }, (request) => request.presencePenalty !== undefined),
  'responseFormat.json': withFields({ responseFormat: { type: 'json' } }, (request) => request.responseFormat !== undefined),
  'reasoning.includeThoughts': withFields({ reasoning: { effort: 'high', includeThoughts: true } }, (request) => request.reasoning?.includeThoughts === true),
  n: withFields({ n: 2 }, (request) => request.n !== undefined),
  logprobs: withFields({ logprobs: {} }, (request) => request.logprobs !== undefined),
  user: withFields({ user: 'user-1' }, (request) => request.user !== undefined),
  metadata: withFields({ metadata: { team: 'search' } }, (request) => request.metadata !== undefined),
};

describe('cross-protocol refusals and dropped hints', () => {
  for (const protocol of PROTOCOLS) {
    const table = CAPABILITIES[protocol].request;
    for (const feature of REQUEST_FEATURES) {
      const carriage = table[feature];
      if (carriage !== 'refused' && carriage !== 'dropped') continue;
      const sample = SAMPLES[feature];
      it(`${protocol} ${carriage === 'refused' ? 'refuses' : 'drops'} ${feature}`, () => {
        assert.ok(sample !== undefined, `no sample request for ${feature}`);
        if (carriage === 'refused') {
          assert.throws(
            () => CODECS[protocol].encodeRequest(sample.request, CAPABILITIES[protocol].model),
            (error: unknown) => {
              assert.ok(error instanceof GatewayError, String(error));
              assert.ok(error.code === 'unsupported_feature' || error.code === 'invalid_request', error.code);
              assert.equal(error.status, 400);
              assert.ok(error.param !== undefined && error.message.startsWith(`${error.param}: `), `the message names the field: ${error.message}`);
              return true;
            },
          );
        } else {
          assert.ok(sample.present(sample.request), 'the sample carries the feature');
          assert.equal(sample.present(requestRoundTrip(protocol, sample.request)), false);
        }
      });
    }
  }
});
