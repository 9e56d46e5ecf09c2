import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { catalogModelsFromConfig, EmulatorConfigError, loadEmulatorConfig, parseEmulatorConfig } from './config.js';

function configError(text: string): EmulatorConfigError {
  try {
    parseEmulatorConfig(text, 'emulator.yaml');
  } catch (error) {
    assert.ok(error instanceof EmulatorConfigError);
    return error;
  }
  assert.fail('expected a config error');
}

describe('emulator config', () => {
  it('loads a file and builds the catalog with overrides and new models', () => {
    const directory = mkdtempSync(join(tmpdir(), 'emulator-config-'));
    const path = join(directory, 'emulator.yaml');
    writeFileSync(path, [
      'time_scale: 0.5',
      'seed: 9',
      'models:',
      '  gpt-5.5:',
      '    tokens_per_second: 500',
      '    fault: { status: 503, rate: 0.25, retry_after: 3 }',
      '  claude-haiku-4-5:',
      '  local-model:',
      '    context_window: 8192',
      '',
    ].join('\n'));
    const config = loadEmulatorConfig(path);
    assert.equal(config.time_scale, 0.5);
    const models = new Map(catalogModelsFromConfig(config).map((model) => [model.name, model]));
    assert.equal(models.get('gpt-5.5')?.tokensPerSecond, 500);
    assert.equal(models.get('gpt-5.5')?.contextWindow, 400_000, 'unlisted fields keep their defaults');
    assert.deepEqual(models.get('gpt-5.5')?.fault, { status: 503, rate: 0.25, retryAfter: 3 });
    assert.equal(models.get('local-model')?.contextWindow, 8192);
    assert.equal(models.get('local-model')?.responseModel, 'local-model');
    assert.ok(models.has('deepseek-v4'));
    assert.equal(catalogModelsFromConfig({ include_default_models: false, models: { solo: null } }).length, 1);
  });

  it('names the file, line and column of a wrong value', () => {
    const error = configError('models:\n  gpt-5.5:\n    ttft_ms: fast\n');
    assert.match(error.message, /emulator\.yaml:3:14: models\.gpt-5\.5\.ttft_ms: /);
  });

  it('rejects unknown keys at their line', () => {
    const error = configError('time_scale: 1\nmodels:\n  gpt-5.5:\n    fault:\n      statsu: 500\n');
    assert.match(error.message, /emulator\.yaml:5:7: models\.gpt-5\.5\.fault: unknown key 'statsu'/);
    assert.match(configError('seed: 1\nport: 3\n').message, /emulator\.yaml:2:1: \(root\): unknown key 'port'/);
  });

  it('reports YAML syntax errors with their position', () => {
    assert.match(configError('models:\n  gpt-5.5: { a: 1\n').message, /emulator\.yaml:\d+:\d+: /);
  });
});
