import { strict as assert } from 'node:assert';
import { createServer, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { createGateway, type Gateway } from '../../src/gateway/create-gateway.js';
import { listen, type RunningServer } from '../../src/server/node-server.js';

/**
 * Streams are piped, never buffered. A hand-driven upstream sends its first chunk and then waits
 * until the test has seen that chunk arrive at the client before it sends the rest: if the
 * gateway buffered, the test would wait forever (and time out) instead of passing.
 */
describe('stream relay', () => {
  let upstreamUrl: string;
  let closeUpstream: () => Promise<void>;
  let gateway: Gateway;
  let server: RunningServer;
  const pending: ServerResponse[] = [];
  let upstreamClosed = 0;

  before(async () => {
    const upstream = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify(chunk('first'))}\n\n`);
      response.on('close', () => {
        upstreamClosed += 1;
      });
      pending.push(response);
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
    closeUpstream = () => new Promise((resolve) => {
      upstream.closeAllConnections();
      upstream.close(() => resolve());
    });
    const config = parseConfig(
      `providers:\n  manual:\n    kind: openai-compatible\n    base_url: ${upstreamUrl}/v1\n    timeouts: { idle_ms: 400 }\n`,
      'test.yaml',
      { env: {} },
    );
    gateway = createGateway(config);
    server = await listen(gateway, { host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.shutdown(1000);
    await closeUpstream();
  });

  function chunk(text: string) {
    return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] };
  }

  async function openStream() {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'manual/m', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    return { response, reader: response.body!.getReader(), decoder: new TextDecoder() };
  }

  it('delivers the first chunk before the provider has sent the last one', async () => {
    const { reader, decoder } = await openStream();
    const first = decoder.decode((await reader.read()).value);
    assert.match(first, /"content":"first"/);
    const upstream = pending.shift()!;
    upstream.write(`data: ${JSON.stringify(chunk('second'))}\n\n`);
    upstream.end('data: [DONE]\n\n');
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value);
    }
    assert.match(rest, /"content":"second"[\s\S]*data: \[DONE\]/);
  });

  it('ends the stream with an error frame when the provider goes silent mid-way', async () => {
    const { reader, decoder } = await openStream();
    pending.shift(); // never written to again: the idle timeout (400 ms) fires
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    assert.match(text, /"content":"first"/);
    const last = text.trim().split('\n\n').at(-1)!;
    const frame = JSON.parse(last.replace(/^data: /, '')) as { error: { code: string; message: string } };
    assert.equal(frame.error.code, 'upstream_timeout');
    assert.match(frame.error.message, /idle_ms=400/);
  });

  it('tears the provider request down when the client leaves', async () => {
    const before = upstreamClosed;
    const { reader } = await openStream();
    await reader.read();
    await reader.cancel();
    const deadline = Date.now() + 5000;
    while (upstreamClosed === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(upstreamClosed, before + 1);
    pending.shift();
    while (gateway.inFlight() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(gateway.inFlight(), 0);
  });
});
