import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { startEmulator } from './index.js';

describe('stream backpressure', () => {
  it('stops writing while the client does not read, and finishes once it does', async () => {
    const finished: object[] = [];
    const emulator = await startEmulator({ timeScale: 0, logger: (line) => finished.push(line) });
    try {
      const body = JSON.stringify({ model: 'gpt-5.5', stream: true, messages: [{ role: 'user', content: 'Go on [[tokens: 30000]]' }] });
      const socket = connect(emulator.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.pause();
      socket.write(`POST /openai/v1/chat/completions HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer sk-test\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // ~30k chunks of ~300 bytes (9 MB) is far more than socket buffers hold: a buffering server would be done by now.
      assert.equal(finished.length, 0, 'the handler must wait for the reader');
      let received = '';
      socket.on('data', (data: Buffer) => {
        received += data.toString('utf8');
      });
      socket.resume();
      await new Promise((resolve) => socket.once('end', resolve));
      assert.ok(received.includes('data: [DONE]'));
      assert.equal(finished.length, 1);
    } finally {
      await emulator.close();
    }
  });
});
