import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UsageTally } from '../metering/usage-tally.js';
import { openaiChatCodec } from '../protocols/openai-chat/index.js';
import { conformanceFiles, readConformanceText } from '../testing/conformance.js';
import { SseParser } from '../util/sse.js';
import { ChatStreamUsage, type ChatStreamOptions } from './chat-stream-usage.js';

/** Every recorded Chat stream, as the provider sent it. */
const recordings = conformanceFiles('openai')
  .filter((file) => file.startsWith('chat-') && file.endsWith('.stream.sse'))
  .map((file) => ({ file, bytes: Buffer.from(readConformanceText('openai', file)) }));

/** The stream cut at `cuts` (byte offsets), pushed read by read; the bytes the client gets. */
function relay(bytes: Buffer, cuts: number[], options: ChatStreamOptions): { out: Buffer; meter: ChatStreamUsage } {
  const meter = new ChatStreamUsage(options);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b).concat(bytes.length)) {
    if (cut <= start) continue;
    const out = meter.push(bytes.subarray(start, cut));
    if (out !== undefined) pieces.push(out);
    start = cut;
  }
  const rest = meter.end();
  if (rest !== undefined) pieces.push(rest);
  return { out: Buffer.concat(pieces), meter };
}

/** What the full decoder makes of the same bytes: the reference the byte meter must agree with. */
function decoded(bytes: Buffer): UsageTally {
  const tally = new UsageTally();
  const parser = new SseParser();
  const decoder = openaiChatCodec.createStreamDecoder();
  for (const event of [...parser.push(bytes), ...parser.end()]) for (const part of decoder.push(event)) tally.observe(part);
  for (const part of decoder.end()) tally.observe(part);
  return tally;
}

const dataEvents = (bytes: Buffer): string[] => [...new SseParser().push(bytes), ...new SseParser().end()].map((event) => event.data);
const cutsOf = (length: number): fc.Arbitrary<number[]> => fc.array(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 12 });

describe('ChatStreamUsage: an OpenAI Chat stream metered from its bytes', () => {
  for (const { file, bytes } of recordings) {
    it(`${file}: same usage and tool calls as the full decoder, bytes unchanged, however the stream is cut`, () => {
      const reference = decoded(bytes);
      fc.assert(
        fc.property(cutsOf(bytes.length), (cuts) => {
          const { out, meter } = relay(bytes, cuts, { hideUsage: false });
          assert.equal(out.toString(), bytes.toString());
          assert.deepEqual(meter.result(7), reference.result(7));
          assert.equal(meter.toolCalls, reference.toolCalls);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('hides the usage chunk and every "usage":null from a caller that did not ask for usage', () => {
    const { bytes } = recordings.find((recording) => recording.file === 'chat-tool-call.stream.sse')!;
    assert.ok(bytes.includes('"usage":null'), 'the recording carries usage:null on its chunks');
    fc.assert(
      fc.property(cutsOf(bytes.length), (cuts) => {
        const { out, meter } = relay(bytes, cuts, { hideUsage: true });
        const text = out.toString();
        assert.equal(text.includes('"usage"'), false);
        const before = dataEvents(bytes);
        const after = dataEvents(out);
        assert.equal(after.length, before.length - 1, 'exactly the usage chunk is gone');
        // Every other chunk is the same JSON minus its usage member.
        const withoutUsage = before
          .filter((data) => !(data.includes('"choices":[]') && data.includes('"usage":{')))
          .map((data) => (data === '[DONE]' ? data : JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(data) as object).filter(([key]) => key !== 'usage')))));
        assert.deepEqual(after.map((data) => (data === '[DONE]' ? data : JSON.stringify(JSON.parse(data)))), withoutUsage);
        assert.equal(meter.result(0).estimated, false, 'the hidden usage was still metered');
      }),
      { numRuns: 60 },
    );
  });

  it('adds the cost to the usage chunk of a caller that asked for usage, and nowhere else', () => {
    const { bytes } = recordings.find((recording) => recording.file === 'chat-text.stream.sse')!;
    const seen: Array<Record<string, unknown>> = [];
    const { out } = relay(bytes, [17, 400], { hideUsage: false, costFor: (usage) => (seen.push(usage), '0.001250') });
    const chunks = dataEvents(out).filter((data) => data !== '[DONE]').map((data) => JSON.parse(data) as { usage?: Record<string, unknown> | null });
    const withUsage = chunks.filter((chunk) => chunk.usage !== undefined && chunk.usage !== null);
    assert.equal(withUsage.length, 1);
    assert.equal(withUsage[0]!.usage!.cost_usd, 0.00125);
    assert.match(out.toString(), /"cost_usd":0\.001250\}/, 'the six decimals are kept as written');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.prompt_tokens, (withUsage[0]!.usage as { prompt_tokens: number }).prompt_tokens);
  });

  it('estimates from the generated text when the stream ends without usage, close to the decoder', () => {
    for (const { file, bytes } of recordings) {
      const cut = bytes.toString().split('\n\n').filter((event) => !(event.includes('"choices":[]') && event.includes('"usage":{'))).join('\n\n');
      const { meter } = relay(Buffer.from(cut), [], { hideUsage: false });
      const reference = decoded(Buffer.from(cut)).result(11);
      const estimate = meter.result(11);
      assert.equal(estimate.estimated, true, file);
      assert.equal(estimate.usage.inputTokens, 11);
      if (file.includes('-n3-')) {
        // Every choice is generated and billed; the canonical decoder reads only the first.
        assert.ok(estimate.usage.outputTokens > reference.usage.outputTokens * 2, `${file}: ${estimate.usage.outputTokens} vs ${reference.usage.outputTokens}`);
        continue;
      }
      assert.ok(Math.abs(estimate.usage.outputTokens - reference.usage.outputTokens) <= Math.max(2, reference.usage.outputTokens * 0.1), `${file}: ${estimate.usage.outputTokens} vs ${reference.usage.outputTokens}`);
    }
  });

  it('reads CRLF-framed events and a last event without its blank line', () => {
    const usage = '{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}';
    const stream = `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}\r\n\r\ndata: ${usage}`;
    const { out, meter } = relay(Buffer.from(stream), [30], { hideUsage: true });
    assert.equal(out.toString(), 'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}\r\n\r\n');
    assert.deepEqual(meter.result(0), { usage: { inputTokens: 5, outputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }, estimated: false });
  });

  it('forwards a read made of whole, unchanged events as the very same buffer', () => {
    const { bytes } = recordings.find((recording) => recording.file === 'chat-text.stream.sse')!;
    const firstEvent = bytes.subarray(0, bytes.indexOf('\n\n') + 2);
    const meter = new ChatStreamUsage({ hideUsage: false });
    assert.equal(meter.push(firstEvent), firstEvent);
  });
});
