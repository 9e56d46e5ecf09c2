/**
 * One named test per PROTOCOLS.md §3 trap that concerns Gemini (trap 9, max_tokens, does not: Gemini
 * needs no output limit and has no reasoning-model restriction on it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalRequest, StreamPart } from '../../canonical/types.js';
import { readConformanceJson, readConformanceText } from '../../testing/conformance.js';
import { geminiCodec } from './index.js';
import { DUMMY_THOUGHT_SIGNATURE } from './parts-decode.js';
import { toGeminiOpenApiSchema } from './schema-sanitize.js';
import { accumulateStream, decodeStreamEvents, eventsForStreamFile, sseEvents } from './test-support.js';

const context = { requestId: 'req_1', model: 'gemini-2.5-flash' };

function encodeStream(parts: StreamPart[], jsonArrayStream = false): string {
  const encoder = geminiCodec.createStreamEncoder({ ...context, jsonArrayStream });
  return parts.map((part) => encoder.encode(part)).join('') + encoder.end();
}

function chunksOf(wire: string): Array<Record<string, unknown>> {
  return sseEvents(wire).map((event) => JSON.parse(event.data) as Record<string, unknown>);
}

function partsOf(chunk: Record<string, unknown> | undefined): unknown[] {
  const candidates = chunk?.candidates as Array<{ content: { parts: unknown[] } }> | undefined;
  return candidates?.[0]?.content.parts ?? [];
}

function decodeRecorded(file: string): StreamPart[] {
  return decodeStreamEvents(eventsForStreamFile(file, readConformanceText('gemini', file)));
}

describe('PROTOCOLS.md traps, Gemini side', () => {
  it('trap 1: argument fragments of interleaved calls are buffered per block, never glued together', () => {
    const wire = encodeStream([
      { type: 'response-start', id: 'r', model: 'm', created: 0 },
      { type: 'tool-call-start', block: 0, id: 'a', name: 'weather' },
      { type: 'tool-call-start', block: 1, id: 'b', name: 'time' },
      { type: 'tool-call-delta', block: 0, argumentsDelta: '{"ci' },
      { type: 'tool-call-delta', block: 1, argumentsDelta: '{"tz":' },
      { type: 'tool-call-delta', block: 0, argumentsDelta: 'ty":"NY"}' },
      { type: 'tool-call-delta', block: 1, argumentsDelta: '"EST"}' },
      { type: 'tool-call-end', block: 0 },
      { type: 'tool-call-end', block: 1 },
      { type: 'finish', finishReason: 'tool-calls' },
    ]);
    const calls = chunksOf(wire).flatMap(partsOf).filter((part) => (part as { functionCall?: unknown }).functionCall !== undefined);
    assert.deepEqual(calls, [{ functionCall: { id: 'a', name: 'weather', args: { city: 'NY' } } }, { functionCall: { id: 'b', name: 'time', args: { tz: 'EST' } } }]);
  });

  it('trap 2: empty arguments become {} and a call cut off by the limit is never sent half-done', () => {
    const empty = chunksOf(
      encodeStream([
        { type: 'tool-call-start', block: 0, id: 'a', name: 'noargs' },
        { type: 'tool-call-delta', block: 0, argumentsDelta: '' },
        { type: 'tool-call-end', block: 0 },
        { type: 'finish', finishReason: 'tool-calls' },
      ]),
    );
    assert.deepEqual(partsOf(empty[0]), [{ functionCall: { id: 'a', name: 'noargs', args: {} } }]);
    const truncated = chunksOf(
      encodeStream([
        { type: 'tool-call-start', block: 0, id: 'a', name: 'f' },
        { type: 'tool-call-delta', block: 0, argumentsDelta: '{"locati' },
        { type: 'finish', finishReason: 'length' },
      ]),
    );
    assert.equal(truncated.length, 1);
    assert.deepEqual(truncated[0]?.candidates, [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'MAX_TOKENS', index: 0 }]);
    // Decoding: a Vertex partial-args call still open when the body ends is dropped, not emitted.
    const decoder = geminiCodec.createStreamDecoder();
    const parts = [
      ...decoder.push({ data: JSON.stringify({ responseId: 'r', candidates: [{ content: { parts: [{ functionCall: { name: 'f', willContinue: true } }] } }] }) }),
      ...decoder.end(),
    ];
    assert.equal(parts.some((part) => part.type === 'tool-call-start'), false);
  });

  it('trap 3: Gemini 3 parallel calls carry the signature on the first call only, and it is replayed there only', () => {
    const response = geminiCodec.decodeResponse(readConformanceJson('gemini', 'generate-parallel-calls.response.json'));
    const signatures = response.content.map((part) => (part.type === 'tool-call' ? part.thoughtSignature !== undefined : undefined));
    assert.deepEqual(signatures, [true, false, false]);
    assert.equal(new Set(response.content.map((part) => (part.type === 'tool-call' ? part.id : ''))).size, 3);
    const request: CanonicalRequest = {
      model: 'm',
      stream: false,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }, { role: 'assistant', content: response.content }],
    };
    const body = geminiCodec.encodeRequest(request, 'gemini-3-flash-preview');
    const modelParts = (body.contents as Array<{ parts: Array<{ thoughtSignature?: string }> }>)[1]?.parts ?? [];
    assert.deepEqual(
      modelParts.map((part) => part.thoughtSignature !== undefined),
      [true, false, false],
    );
    assert.notEqual(modelParts[0]?.thoughtSignature, DUMMY_THOUGHT_SIGNATURE);
  });

  it('trap 4: stream usage is taken from the last chunk (promptTokenCount 15 early, 13 last)', () => {
    const parts = decodeRecorded('stream-text.stream.sse');
    assert.deepEqual(accumulateStream(parts).usage, { inputTokens: 13, outputTokens: 8, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
    const finish = parts.at(-1);
    assert.equal(finish?.type === 'finish' ? finish.usage?.inputTokens : undefined, 13);
  });

  it('trap 5: cached tokens are a subset of input, and output = candidates + thoughts', () => {
    const response = geminiCodec.decodeResponse(readConformanceJson('gemini', 'generate-cached-content.response.json'));
    assert.deepEqual(response.usage, { inputTokens: 17713, cachedInputTokens: 17379, outputTokens: 68 + 821, reasoningTokens: 821, cacheWriteTokens: 0 });
    const encoded = geminiCodec.encodeResponse(response, context) as { usageMetadata: Record<string, number> };
    assert.deepEqual(encoded.usageMetadata, { promptTokenCount: 17713, candidatesTokenCount: 68, totalTokenCount: 18602, cachedContentTokenCount: 17379, thoughtsTokenCount: 821 });
  });

  it('trap 6: STOP after a function call chunk is a tool-calls finish', () => {
    const parts = decodeRecorded('stream-tool-call.stream.sse');
    assert.deepEqual(accumulateStream(parts).finishReason, 'tool-calls');
    const nonStream = geminiCodec.decodeResponse(readConformanceJson('gemini', 'generate-parallel-calls.response.json'));
    assert.equal(nonStream.finishReason, 'tool-calls');
  });

  it('trap 7: empty text is dropped, but an empty text part carrying a thoughtSignature is kept both ways', () => {
    const toolCall = accumulateStream(decodeRecorded('stream-tool-call.stream.sse'));
    assert.deepEqual(toolCall.content.map((part) => part.type), ['tool-call']);
    const signed = accumulateStream(decodeRecorded('stream-text-signature.stream.jsonl'));
    const text = signed.content[0];
    assert.ok(text?.type === 'text' && text.thoughtSignature?.startsWith('EqsFCqgF'));
    const request: CanonicalRequest = {
      model: 'm',
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        { role: 'assistant', content: [{ type: 'text', text: '' }, { type: 'text', text: '', thoughtSignature: 'c2ln' }] },
      ],
    };
    const contents = geminiCodec.encodeRequest(request, 'gemini-2.5-flash').contents as Array<{ parts: unknown[] }>;
    assert.deepEqual(contents[1]?.parts, [{ text: '', thoughtSignature: 'c2ln' }]);
    const onlyEmpty = { ...request, messages: [request.messages[0]!, { role: 'assistant' as const, content: [{ type: 'text' as const, text: '' }] }] };
    const merged = geminiCodec.encodeRequest(onlyEmpty, 'gemini-2.5-flash').contents as unknown[];
    assert.equal(merged.length, 1, 'a turn left with no parts is dropped, never sent empty');
  });

  it('trap 8: system messages anywhere are hoisted, tool results become user turns, same-role turns merge', () => {
    const request: CanonicalRequest = {
      model: 'm',
      stream: false,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'first' }] },
        { role: 'user', content: [{ type: 'text', text: 'a' }] },
        { role: 'user', content: [{ type: 'text', text: 'b' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'f', arguments: '{}' }] },
        { role: 'system', content: [{ type: 'text', text: 'mid' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: 'r' }] }] },
        { role: 'user', content: [{ type: 'text', text: 'c' }] },
      ],
    };
    const body = geminiCodec.encodeRequest(request, 'gemini-2.5-flash');
    assert.deepEqual(body.systemInstruction, { parts: [{ text: 'first' }, { text: 'mid' }] });
    assert.deepEqual(body.contents, [
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'f', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { id: 'c1', name: 'f', response: { output: 'r' } } }, { text: 'c' }] },
    ]);
  });

  it('trap 10: thoughtSignature is replayed only to Gemini; foreign reasoning is stripped; Gemini 3 gets the documented bypass for foreign calls', () => {
    const request: CanonicalRequest = {
      model: 'm',
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'claude thinking', origin: 'anthropic', signature: 'anthropic-sig' },
            { type: 'reasoning', text: '', origin: 'openai', encryptedContent: 'blob', itemId: 'rs_1' },
            { type: 'reasoning', text: 'gemini thought', origin: 'gemini', signature: 'Z2Vt' },
            { type: 'tool-call', id: 'toolu_1', name: 'f', arguments: '{"x":1}' },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_1', toolName: 'f', content: [{ type: 'text', text: 'ok' }] }] },
      ],
    };
    const v25 = geminiCodec.encodeRequest(request, 'gemini-2.5-flash').contents as Array<{ parts: unknown[] }>;
    assert.deepEqual(v25[1]?.parts, [
      { text: 'gemini thought', thought: true, thoughtSignature: 'Z2Vt' },
      { functionCall: { id: 'toolu_1', name: 'f', args: { x: 1 } } },
    ]);
    const v3 = geminiCodec.encodeRequest(request, 'gemini-3-pro-preview').contents as Array<{ parts: unknown[] }>;
    assert.deepEqual(v3[1]?.parts[1], { functionCall: { id: 'toolu_1', name: 'f', args: { x: 1 } }, thoughtSignature: DUMMY_THOUGHT_SIGNATURE });
    // The bypass value carries no reasoning state: decoding drops it again.
    const decoded = geminiCodec.decodeRequest({ contents: v3 }, { model: 'gemini-3-pro-preview' });
    assert.deepEqual(decoded.messages[1]?.content[1], { type: 'tool-call', id: 'toolu_1', name: 'f', arguments: '{"x":1}' });
    // The recorded replay keeps its signature on the functionCall part [stream-tool-result.request.json].
    const replay = geminiCodec.decodeRequest(readConformanceJson('gemini', 'stream-tool-result.request.json') as Record<string, unknown>, { model: 'gemini-3-pro-preview' });
    const call = replay.messages[1]?.content[0];
    assert.ok(call?.type === 'tool-call' && call.thoughtSignature?.startsWith('EpwICpkIAXLI2nxlU6gsWZaZHRYkX1orzuM8vSUFwaAt1JRxEC2hJzPAcAu3PWaKz7X+PIyT'));
  });

  it('trap 11: function responses are objects, named from the earlier call, and images follow them', () => {
    const request: CanonicalRequest = {
      model: 'm',
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_abc', name: 'get_file', arguments: '{}' }] },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_abc',
              content: [
                { type: 'text', text: 'plain string result' },
                { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } },
              ],
            },
          ],
        },
      ],
    };
    const v25 = geminiCodec.encodeRequest(request, 'gemini-2.5-flash').contents as Array<{ parts: unknown[] }>;
    assert.deepEqual(v25[2]?.parts, [
      { functionResponse: { id: 'call_abc', name: 'get_file', response: { output: 'plain string result' } } },
      { inlineData: { mimeType: 'image/png', data: 'iVBO' } },
    ]);
    const v3 = geminiCodec.encodeRequest(request, 'gemini-3-pro-preview').contents as Array<{ parts: unknown[] }>;
    assert.deepEqual(v3[2]?.parts, [
      {
        functionResponse: {
          id: 'call_abc',
          name: 'get_file',
          response: { output: 'plain string result' },
          parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBO' } }],
        },
      },
    ]);
    // Gemini 3's multimodal response decodes back into the same tool result.
    const decoded = geminiCodec.decodeRequest({ contents: v3 }, { model: 'gemini-3-pro-preview' });
    assert.deepEqual(decoded.messages[2], { ...request.messages[2], content: [{ ...(request.messages[2]?.content[0] as object), toolName: 'get_file' }] });
    // Without a toolName and without a matching call the name cannot be found: refused precisely.
    const orphan: CanonicalRequest = { ...request, messages: [request.messages[0]!, { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'nope', content: [] }] }] };
    assert.throws(() => geminiCodec.encodeRequest(orphan, 'gemini-2.5-flash'), /messages\[1\]\.content\[0\]\.toolName/);
  });

  it('trap 12: base64url inline data and signatures from the Python SDK become standard base64', () => {
    const decoded = geminiCodec.decodeRequest(readConformanceJson('gemini', 'generate-image-inline-after-tool.request.json') as Record<string, unknown>, { model: 'gemini-2.5-flash' });
    const image = decoded.messages[3]?.content[1];
    assert.ok(image?.type === 'image' && image.source.kind === 'base64');
    assert.match(image.source.data, /^\/9j\/4AAQ[A-Za-z0-9+/]+=*$/);
    assert.equal(Buffer.from(image.source.data, 'base64').subarray(0, 3).toString('hex'), 'ffd8ff');
    const call = decoded.messages[1]?.content[0];
    assert.ok(call?.type === 'tool-call' && call.thoughtSignature !== undefined && !/[-_]/.test(call.thoughtSignature));
  });

  it('trap 13: the legacy parameters schema is sanitised ($schema, additionalProperties, const, $ref, type arrays)', () => {
    const tools = [
      {
        name: 'f',
        parameters: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          additionalProperties: false,
          properties: { mode: { const: 'fast' }, where: { $ref: '#/$defs/Place' }, note: { type: ['string', 'null'] } },
          $defs: { Place: { type: 'object', propertyNames: { pattern: '^x' }, properties: { city: { type: 'string' } } } },
        },
      },
    ];
    const body = geminiCodec.encodeRequest({ model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }], tools }, 'gemini-2.5-flash');
    assert.ok(JSON.stringify(body).includes('parametersJsonSchema'), 'the default sends full JSON Schema, as the recorded requests do');
    assert.deepEqual(toGeminiOpenApiSchema(tools[0]!.parameters), {
      type: 'OBJECT',
      properties: {
        mode: { type: 'STRING', enum: ['fast'] },
        where: { type: 'OBJECT', properties: { city: { type: 'STRING' } } },
        note: { type: 'STRING', nullable: true },
      },
    });
  });

  it('trap 14: Gemini SSE uses CRLF separators and no terminator; without alt=sse the stream is one JSON array', () => {
    const parts: StreamPart[] = [
      { type: 'response-start', id: 'r1', model: 'm', created: 0 },
      { type: 'text-start', block: 0 },
      { type: 'text-delta', block: 0, text: 'Hi' },
      { type: 'text-end', block: 0 },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } },
    ];
    const sse = encodeStream(parts);
    assert.match(sse, /^data: \{.*\}\r\n\r\ndata: \{.*\}\r\n\r\n$/s);
    assert.doesNotMatch(sse, /\[DONE\]|event:/);
    const array = encodeStream(parts, true);
    assert.match(array, /^\[\{.*\}\n,\r\n\{.*\}\]$/s);
    assert.equal((JSON.parse(array) as unknown[]).length, 2);
  });

  it('trap 15: a Gemini auth failure is a 400 with API_KEY_INVALID, mapped to authentication and not retried', () => {
    // Hand-written from the documented shape (no recorded sample exists).
    const body = {
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
      },
    };
    const info = geminiCodec.decodeError(400, body, {});
    assert.equal(info.kind, 'authentication');
    assert.equal(info.retryable, false);
    assert.equal(info.providerCode, 'API_KEY_INVALID');
    const quota = geminiCodec.decodeError(429, readConformanceJson('gemini', 'error-429-resource-exhausted.json'), {});
    assert.deepEqual({ kind: quota.kind, retryable: quota.retryable, retryAfter: quota.retryAfter }, { kind: 'rate_limit', retryable: true, retryAfter: '35' });
  });
});
