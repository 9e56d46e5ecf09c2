import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const BIN = join(process.cwd(), 'bin', 'switchyard.js');
const directory = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });
}

function writeConfig(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe('switchyard CLI', () => {
  const broken = writeConfig(
    'broken.yaml',
    ['providers:', '  openai:', '    kind: openai', '    base_url: not a url', 'routes:', '  fast:', '    targetz: [openai/gpt-5.5]', ''].join('\n'),
  );

  it('config check names the path and line of every problem and exits 1', () => {
    const result = run(['config', 'check', broken]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /broken\.yaml:4:\d+: providers\.openai\.base_url: must be an http\(s\) URL/);
    assert.match(result.stderr, /broken\.yaml:7:\d+: routes\.fast\.targetz: unknown key "targetz"/);
  });

  it('config check accepts the bundled configs', () => {
    for (const file of ['config/demo.yaml', 'config/examples/openai-family.yaml']) {
      const result = run(['config', 'check', file]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /ok \(/);
    }
  });

  it('serve refuses to start with a broken config', () => {
    const result = run(['serve', '--config', broken, '--port', '0']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /invalid config[\s\S]*providers\.openai\.base_url/);
  });

  it('serve refuses to start when the usage ledger cannot be opened, naming why', () => {
    const result = run(['serve', '--config', 'config/demo.yaml', '--port', '0', '--db', 'postgres://switchyard:hunter2@127.0.0.1:1/none']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /cannot open the usage ledger: .*127\.0\.0\.1:1/);
    assert.doesNotMatch(result.stderr, /hunter2|\n\s+at /, 'no password, no stack trace');
  });

  it('rejects unknown flags, bad values and unknown commands with exit 2', () => {
    assert.equal(run(['serve', '--config', broken, '--bogus']).status, 2);
    const badPort = run(['serve', '--config', broken, '--port', 'eighty']);
    assert.equal(badPort.status, 2);
    assert.match(badPort.stderr, /--port must be a whole number/);
    assert.equal(run(['launch']).status, 2);
    assert.equal(run(['emulate', '--time-scale', '-1']).status, 2);
  });

  it('prints help for every command', () => {
    for (const command of [[], ['serve'], ['demo'], ['emulate'], ['config']]) {
      const result = run([...command, '--help']);
      assert.equal(result.status, 0);
      assert.match(result.stdout, /Usage: switchyard/);
    }
  });
});

describe('switchyard serve lifecycle', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ port: 0, timeScale: 1 });
  });
  after(() => emulator.close());

  it('on SIGTERM finishes an open stream, then exits 0', async () => {
    const config = writeConfig('serve.yaml', `providers:\n  emu:\n    kind: openai-compatible\n    base_url: ${emulator.url}/openai/v1\n    api_key: k\n`);
    const child = spawn(process.execPath, [BIN, 'serve', '--config', config, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (data: Buffer) => {
        output += data.toString();
        const match = /"url":"(http:[^"]+)".*switchyard listening/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${output}`)));
    });
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'emu/gpt-5.5', stream: true, messages: [{ role: 'user', content: 'A long answer please [[tokens: 60]]' }] }),
    });
    const reader = response.body!.getReader();
    let text = new TextDecoder().decode((await reader.read()).value);
    child.kill('SIGTERM');
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    assert.match(text, /"finish_reason":"(stop|length)"[\s\S]*data: \[DONE\]\n\n$/);
    assert.equal(await exited, 0);
    await assert.rejects(fetch(`${url}/healthz`), 'no longer accepting');
  });
});
