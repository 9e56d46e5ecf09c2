/**
 * Every recorded Gemini sample in ../shared/conformance/gemini decodes, and re-encoding its canonical
 * form yields an equivalent message: canonical forms are compared after decode → encode → decode
 * (streams: accumulated text, reasoning, calls, signatures, usage and finish reason).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamPart } from '../../canonical/types.js';
import { conformanceFiles, readConformanceJson, readConformanceText } from '../../testing/conformance.js';
import { geminiCodec } from './index.js';
import { GeminiJsonArrayParser } from './json-array-stream.js';
import { accumulateStream, decodeStreamEvents, eventsForStreamFile, sseEvents } from './test-support.js';

const files = conformanceFiles('gemini');

function reencodeStream(parts: StreamPart[], jsonArrayStream: boolean, model: string): string {
  const encoder = geminiCodec.createStreamEncoder({ requestId: 'req_1', model, jsonArrayStream });
  return parts.map((part) => encoder.encode(part)).join('') + encoder.end();
}

describe('gemini conformance: requests', () => {
  for (const file of files.filter((name) => name.endsWith('.request.json'))) {
    for (const upstream of ['gemini-2.5-flash', 'gemini-3-pro-preview']) {
      it(`${file} decodes and survives encode → decode for ${upstream}`, () => {
        const context = { model: 'gemini-2.5-flash', stream: file.startsWith('stream-') };
        const body = readConformanceJson('gemini', file) as Record<string, unknown>;
        const canonical = geminiCodec.decodeRequest(body, context);
        assert.ok(canonical.messages.length > 0);
        const encoded = JSON.parse(JSON.stringify(geminiCodec.encodeRequest(canonical, upstream))) as Record<string, unknown>;
        assert.deepEqual(geminiCodec.decodeRequest(encoded, context), canonical);
      });
    }
  }
});

describe('gemini conformance: responses', () => {
  for (const file of files.filter((name) => name.endsWith('.response.json'))) {
    it(`${file} decodes and survives encode → decode`, () => {
      const canonical = geminiCodec.decodeResponse(readConformanceJson('gemini', file));
      assert.ok(canonical.content.length > 0);
      const encoded = JSON.parse(JSON.stringify(geminiCodec.encodeResponse(canonical, { requestId: 'req_1', model: canonical.model }))) as unknown;
      assert.deepEqual(geminiCodec.decodeResponse(encoded), canonical);
    });
  }
});

describe('gemini conformance: streams', () => {
  for (const file of files.filter((name) => name.includes('.stream.'))) {
    const parts = (): StreamPart[] => decodeStreamEvents(eventsForStreamFile(file, readConformanceText('gemini', file)));
    it(`${file} decodes into well-formed parts`, () => {
      const decoded = parts();
      assert.equal(decoded[0]?.type, 'response-start');
      assert.equal(decoded.at(-1)?.type, 'finish');
      assert.equal(decoded.filter((part) => part.type === 'finish').length, 1);
      const accumulated = accumulateStream(decoded);
      assert.deepEqual(accumulated.errors, []);
      assert.ok(accumulated.content.length > 0);
      assert.ok((accumulated.usage?.inputTokens ?? 0) > 0);
    });
    for (const jsonArrayStream of [false, true]) {
      it(`${file} survives re-encoding as ${jsonArrayStream ? 'a JSON array' : 'SSE'}`, () => {
        const original = accumulateStream(parts());
        const wire = reencodeStream(parts(), jsonArrayStream, original.model ?? '');
        const events = jsonArrayStream ? eventsForStreamFile('x.json', wire) : sseEvents(wire);
        assert.deepEqual(accumulateStream(decodeStreamEvents(events)), original);
      });
    }
  }

  it('stream-json-array.stream.json splits identically when fed one byte at a time', () => {
    const body = readConformanceText('gemini', 'stream-json-array.stream.json');
    const whole = eventsForStreamFile('stream-json-array.stream.json', body);
    const parser = new GeminiJsonArrayParser();
    const bytes = new TextEncoder().encode(body);
    const split = [...bytes].flatMap((byte) => parser.push(new Uint8Array([byte])));
    split.push(...parser.end());
    assert.equal(whole.length, 3);
    assert.deepEqual(split, whole);
  });
});

describe('gemini conformance: errors', () => {
  for (const file of files.filter((name) => name.startsWith('error-'))) {
    it(`${file} decodes and survives encodeError → decodeError`, () => {
      const status = Number(/^error-(\d+)/.exec(file)?.[1]);
      const info = geminiCodec.decodeError(status, readConformanceJson('gemini', file), {});
      assert.equal(info.status, status);
      assert.ok(info.message.length > 0);
      const encoded = geminiCodec.encodeError({ ...info, code: info.providerCode }, 'req_1');
      assert.equal(encoded.status, status);
      const again = geminiCodec.decodeError(encoded.status, JSON.parse(JSON.stringify(encoded.body)), encoded.headers);
      assert.deepEqual(
        { kind: again.kind, message: again.message, retryAfter: again.retryAfter, retryable: again.retryable, providerCode: again.providerCode },
        { kind: info.kind, message: info.message, retryAfter: info.retryAfter, retryable: info.retryable, providerCode: info.providerCode },
      );
    });
  }
});
