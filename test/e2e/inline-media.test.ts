/**
 * URL images for providers that take media only inline: the gateway downloads the image and sends
 * it as base64 (Gemini `inlineData`), once per request; a URL on a private address is refused with
 * a 400 naming the host unless `media.allow_private_hosts` is on.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/load.js';
import { createGateway, type Gateway } from '../../src/gateway/create-gateway.js';
import { listen, type RunningServer } from '../../src/server/node-server.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('inline media', () => {
  let emulator: RunningEmulator;
  let images: Server;
  let imageUrl: string;
  let fetches = 0;
  const servers: RunningServer[] = [];

  const gatewayWith = async (allowPrivate: boolean): Promise<RunningServer> => {
    const config = parseConfig(
      `
providers:
  google: { kind: gemini, base_url: "${emulator.url}/gemini", api_key: k }
routes:
  vision: { targets: [google/gemini-3.1-pro] }
media: { allow_private_hosts: ${allowPrivate} }
`,
      'media.yaml',
      { env: {} },
    );
    const gateway: Gateway = createGateway(config);
    const server = await listen(gateway, { host: '127.0.0.1', port: 0 });
    servers.push(server);
    return server;
  };

  before(async () => {
    emulator = await startEmulator({ timeScale: 0 });
    images = createServer((_request, response) => {
      fetches += 1;
      response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    imageUrl = `http://127.0.0.1:${(images.address() as { port: number }).port}/cat`;
  });
  after(async () => {
    for (const server of servers) await server.shutdown(1_000);
    await emulator.close();
    await new Promise((resolve) => images.close(resolve));
  });

  const ask = (server: RunningServer) =>
    new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions.create({
      model: 'vision',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: imageUrl } }, { type: 'image_url', image_url: { url: imageUrl } }] }],
    });

  it('downloads a URL image once and sends it to Gemini inline', async () => {
    const server = await gatewayWith(true);
    const answer = await ask(server);
    assert.ok(answer.choices[0]?.message.content);
    const sent = emulator.received().at(-1)!.json as { contents: Array<{ parts: Array<{ inlineData?: { mimeType: string; data: string }; fileData?: unknown }> }> };
    const parts = sent.contents[0]!.parts;
    const inline = parts.filter((part) => part.inlineData !== undefined);
    assert.equal(inline.length, 2);
    assert.equal(inline[0]!.inlineData!.mimeType, 'image/png');
    assert.equal(inline[0]!.inlineData!.data, PNG.toString('base64'));
    assert.equal(parts.some((part) => part.fileData !== undefined), false);
    assert.equal(fetches, 1, 'one download for the same URL');
  });

  it('refuses a URL on a private address, naming the host and not the path', async () => {
    const server = await gatewayWith(false);
    await assert.rejects(ask(server), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.match(error.message, /127\.0\.0\.1 is a private or local address/);
      assert.doesNotMatch(error.message, /\/cat/);
      return true;
    });
  });
});
