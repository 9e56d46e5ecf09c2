import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamPart } from '../../canonical/types.js';
import { geminiCodec } from './index.js';

/** Translation bugs the cross-protocol property tests found, each pinned by its smallest input. */
describe('gemini regressions', () => {
  it('an empty function output decodes to a tool result with no content, not an empty text part', () => {
    const request = geminiCodec.decodeRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'look it up' }] },
          { role: 'model', parts: [{ functionCall: { id: 'call_1', name: 'lookup', args: {} } }] },
          { role: 'user', parts: [{ functionResponse: { id: 'call_1', name: 'lookup', response: { output: '' } } }] },
        ],
      },
      { model: 'gemini-3-pro-preview' },
    );
    // Before: content [{type:'text', text:''}], an empty part no other codec produces (PROTOCOLS.md trap 7).
    assert.deepEqual(request.messages[2], { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'lookup', content: [] }] });
  });

  it('text that streams while a tool call is open is sent after that call, keeping the order', () => {
    const encoder = geminiCodec.createStreamEncoder({ requestId: 'req', model: 'gemini-3-pro-preview' });
    const parts: StreamPart[] = [
      { type: 'response-start', id: 'resp', model: 'm', created: 1 },
      { type: 'tool-call-start', block: 0, id: 'call_1', name: 'lookup' },
      { type: 'tool-call-delta', block: 0, argumentsDelta: '{}' },
      { type: 'text-start', block: 1 },
      { type: 'text-delta', block: 1, text: 'and then' },
      { type: 'text-end', block: 1 },
      { type: 'tool-call-start', block: 2, id: 'call_2', name: 'lookup' },
      { type: 'tool-call-end', block: 0 },
      { type: 'finish', finishReason: 'tool-calls' },
    ];
    const chunks = parts
      .map((part) => encoder.encode(part))
      .join('')
      .split('\r\n\r\n')
      .filter((chunk) => chunk !== '')
      .map((chunk) => JSON.stringify((JSON.parse(chunk.slice('data: '.length)) as { candidates: Array<{ content: unknown }> }).candidates[0]?.content));
    // Before: the text chunk went out first (calls are sent whole at their end, Chat ends them at the finish).
    assert.match(chunks[0] ?? '', /"call_1"/);
    assert.match(chunks[1] ?? '', /"and then"/);
    // call_2 never ended: it is cut off, never sent half-done.
    assert.equal(chunks.some((chunk) => chunk.includes('call_2')), false);
    assert.match(chunks.at(-1) ?? '', /^\{"role":"model","parts":\[\{"text":""\}\]\}$/);
  });

  it('a data: URL with broken percent-escapes is sent inline, not a crash', () => {
    const body = geminiCodec.encodeRequest(
      { model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'data:image/png,%ZZ%89PNG' } }] }] },
      'gemini-3-pro-preview',
    );
    // Before: URIError "URI malformed" (a 500 instead of a translation).
    assert.deepEqual(body.contents, [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: Buffer.from([0x25, 0x5a, 0x5a, 0x89, 0x50, 0x4e, 0x47]).toString('base64') } }] }]);
  });
});
