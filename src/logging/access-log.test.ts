import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { writeAccessLine, type AccessLine } from './access-log.js';
import { createLogger } from './logger.js';

function capture(level = 'info'): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return { logger: createLogger(level, destination), lines };
}

const LINE: AccessLine = {
  request_id: 'req_1',
  method: 'POST',
  path: '/v1/chat/completions',
  route: 'fast "quoted" \\ route ✓',
  model: undefined,
  status: 502,
  upstream_status: 503,
  attempts: 2,
  stream: true,
  latency_ms: 12.34,
  outcome: 'upstream_failed',
  first_byte_ms: 3.5,
  error: 'line\nbreak',
};

describe('writeAccessLine', () => {
  it('writes the line pino would write for the same fields, in its destination', async () => {
    const { logger, lines } = capture();
    writeAccessLine(logger, LINE);
    logger.info(LINE, 'request');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(lines.length, 2);
    const [ours, theirs] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(Math.abs(Number(ours!.time) - Number(theirs!.time)) < 1000);
    delete ours!.time;
    delete theirs!.time;
    assert.deepEqual(ours, theirs);
    assert.deepEqual(Object.keys(ours!), Object.keys(theirs!), 'same key order');
    assert.equal(ours!.service, 'switchyard');
  });

  it('writes nothing when the logger is above info', async () => {
    const { logger, lines } = capture('warn');
    writeAccessLine(logger, LINE);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(lines, []);
  });
});
