/**
 * The estimate against the real o200k tokenizer on real prompts: the recorded conformance requests
 * and a fixed sample of the routing-data prompts. The bound asserted here is the one documented in
 * token-estimate.ts; if it fails, improve the estimator, not the test.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import type { CanonicalMessage, CanonicalRequest, ProtocolName } from '../canonical/types.js';
import { CODECS } from '../protocols/registry.js';
import { conformanceDir, conformanceFiles, readConformanceJson } from '../testing/conformance.js';
import { estimateRequestTokens, estimateTextTokens } from './token-estimate.js';

const routingDataDir = join(conformanceDir, '..', 'routing-data');
const PER_MESSAGE = 4;

interface Sample {
  name: string;
  request: CanonicalRequest;
}

const tokens = (text: string): number => encode(text).length;

/** The true count of what the estimator reads: every text, tool call and tool definition, plus message framing. */
function o200kRequestTokens(request: CanonicalRequest): number {
  let total = 0;
  for (const message of request.messages) {
    total += PER_MESSAGE;
    for (const part of message.content) {
      if (part.type === 'text' || part.type === 'refusal' || part.type === 'reasoning') total += tokens(part.text);
      else if (part.type === 'tool-call') total += tokens(part.name) + tokens(part.arguments);
      else if (part.type === 'tool-result') for (const inner of part.content) if (inner.type === 'text') total += tokens(inner.text);
    }
  }
  for (const tool of request.tools ?? []) total += tokens(tool.name) + tokens(tool.description ?? '') + tokens(JSON.stringify(tool.parameters));
  return total;
}

/** Images and documents have no characters to count (both sides would add the same fixed cost), so the comparison drops them. */
function withoutMedia(request: CanonicalRequest): CanonicalRequest {
  const messages = request.messages.map((message): CanonicalMessage => {
    switch (message.role) {
      case 'user':
        return { role: 'user', content: message.content.filter((part) => part.type === 'text') };
      case 'tool':
        return { role: 'tool', content: message.content.map((part) => ({ ...part, content: part.content.filter((inner) => inner.type === 'text') })) };
      default:
        return message;
    }
  });
  return { ...request, messages };
}

function protocolOf(provider: 'openai' | 'anthropic' | 'gemini', file: string): ProtocolName {
  if (provider === 'anthropic') return 'anthropic-messages';
  if (provider === 'gemini') return 'gemini';
  return file.startsWith('responses-') ? 'openai-responses' : 'openai-chat';
}

function conformanceSamples(): Sample[] {
  const samples: Sample[] = [];
  for (const provider of ['openai', 'anthropic', 'gemini'] as const) {
    for (const file of conformanceFiles(provider).filter((name) => name.endsWith('.request.json'))) {
      const body = readConformanceJson(provider, file);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) continue;
      try {
        const request = CODECS[protocolOf(provider, file)].decodeRequest(body as Record<string, unknown>, { model: 'sample-model' });
        samples.push({ name: `${provider}/${file}`, request: withoutMedia(request) });
      } catch {
        // A sample this codec refuses says nothing about the estimate.
      }
    }
  }
  return samples;
}

/** Every fourth MMLU and GSM8K row and every MT-Bench question (both turns), as one-message requests. */
function routingDataSamples(): Sample[] {
  const samples: Sample[] = [];
  for (const dataset of ['mmlu', 'gsm8k', 'mt_bench']) {
    const lines = readFileSync(join(routingDataDir, `${dataset}.jsonl`), 'utf8').split('\n').filter((line) => line !== '');
    lines.forEach((line, index) => {
      if (dataset !== 'mt_bench' && index % 4 !== 1) return;
      const row = JSON.parse(line) as { id: string; prompt: string; turns?: string[] };
      const turns = row.turns ?? [row.prompt];
      samples.push({
        name: row.id,
        request: { model: 'sample-model', stream: false, messages: turns.map((text) => ({ role: 'user', content: [{ type: 'text', text }] })) },
      });
    });
  }
  return samples;
}

interface Measured {
  name: string;
  truth: number;
  estimate: number;
  error: number;
}

function measure(samples: Sample[]): Measured[] {
  return samples.map(({ name, request }) => {
    const truth = o200kRequestTokens(request);
    const estimate = estimateRequestTokens(request);
    return { name, truth, estimate, error: (estimate - truth) / truth };
  });
}

/** Nearest-rank percentile of absolute errors. */
function percentile(values: number[], fraction: number): number {
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

describe('estimateRequestTokens against o200k on real prompts', () => {
  const conformance = measure(conformanceSamples());
  const routingData = measure(routingDataSamples());
  const all = [...conformance, ...routingData];
  const long = all.filter((sample) => sample.truth > 200);

  test('the samples are there', () => {
    assert.ok(conformance.length >= 20, `${conformance.length} conformance requests decoded`);
    assert.ok(routingData.length >= 300, `${routingData.length} routing-data prompts`);
    assert.ok(long.length >= 200, `${long.length} samples over 200 tokens`);
  });

  test('within ±25% for at least 95% of inputs over 200 tokens (the documented bound)', (t) => {
    const within = long.filter((sample) => Math.abs(sample.error) <= 0.25);
    const bias = long.reduce((sum, sample) => sum + sample.error, 0) / long.length;
    t.diagnostic(`over 200 tokens: n=${long.length}, median |error| ${percent(percentile(long.map((s) => s.error), 0.5))}, p95 ${percent(percentile(long.map((s) => s.error), 0.95))}, worst ${percent(percentile(long.map((s) => s.error), 1))}, mean signed ${percent(bias)}`);
    t.diagnostic(`all samples: n=${all.length}, median |error| ${percent(percentile(all.map((s) => s.error), 0.5))}, p95 ${percent(percentile(all.map((s) => s.error), 0.95))}`);
    t.diagnostic(`conformance requests: n=${conformance.length}, median |error| ${percent(percentile(conformance.map((s) => s.error), 0.5))}, p95 ${percent(percentile(conformance.map((s) => s.error), 0.95))}`);
    const worst = [...long].sort((a, b) => Math.abs(b.error) - Math.abs(a.error)).slice(0, 3);
    assert.ok(within.length >= 0.95 * long.length, `only ${within.length} of ${long.length} within ±25%; worst: ${worst.map((s) => `${s.name} ${s.estimate} vs ${s.truth}`).join(', ')}`);
  });

  test('is not biased to one side on long inputs (a systematic skew would eat the margin)', () => {
    const bias = long.reduce((sum, sample) => sum + sample.error, 0) / long.length;
    assert.ok(Math.abs(bias) < 0.1, `mean signed error ${percent(bias)}`);
  });
});

describe('estimateTextTokens on other kinds of text', () => {
  /** Asserts the estimate of each text is within ±25% of o200k. */
  function assertClose(texts: Array<{ name: string; text: string }>): void {
    for (const { name, text } of texts) {
      const truth = tokens(text);
      const estimate = estimateTextTokens(text);
      assert.ok(Math.abs(estimate - truth) <= 0.25 * truth, `${name}: estimated ${estimate}, o200k counts ${truth}`);
    }
  }

  test('source code: the routing layer itself', () => {
    // The TypeScript sources, whether this test runs from src (tsx) or from dist (compiled).
    const here = new URL('.', import.meta.url);
    const directory = here.pathname.includes('/dist/src/') ? new URL('../../../src/routing/', here) : here;
    const files = readdirSync(directory).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts'));
    assert.ok(files.length >= 5);
    assertClose(files.map((name) => ({ name, text: readFileSync(new URL(name, directory), 'utf8') })));
  });

  test('JSON: recorded provider responses', () => {
    const samples = (['openai', 'anthropic', 'gemini'] as const).flatMap((provider) =>
      conformanceFiles(provider)
        .filter((name) => name.endsWith('.response.json'))
        .map((name) => ({ name, text: JSON.stringify(readConformanceJson(provider, name)) }))
        .filter((sample) => tokens(sample.text) > 200),
    );
    assert.ok(samples.length >= 3);
    assertClose(samples);
  });

  test('CJK and Cyrillic prose', () => {
    assertClose([
      { name: 'Chinese', text: '路由层根据请求的形状选择模型：长上下文的请求交给上下文窗口更大的模型，带图片的请求交给支持视觉的模型，而简短的闲聊则交给便宜又快速的模型。每个部署都有自己的熔断器，连续失败五次后会打开，三十秒后放行一个探测请求。' },
      { name: 'Japanese', text: 'ルーティング層はリクエストの形に応じてモデルを選びます。長いコンテキストのリクエストはより大きなコンテキストウィンドウを持つモデルへ、画像付きのリクエストは視覚に対応したモデルへ送られます。' },
      { name: 'Korean', text: '라우팅 계층은 요청의 형태에 따라 모델을 선택합니다. 긴 컨텍스트 요청은 더 큰 컨텍스트 창을 가진 모델로, 이미지가 포함된 요청은 비전을 지원하는 모델로 보냅니다.' },
      { name: 'Russian', text: 'Слой маршрутизации выбирает модель по форме запроса: длинные запросы уходят к моделям с большим контекстным окном, запросы с изображениями — к моделям, которые умеют работать со зрением.' },
    ]);
  });

  test('the empty text is free', () => {
    assert.equal(estimateTextTokens(''), 0);
  });
});

describe('estimateRequestTokens fixed costs', () => {
  const text = (value: string): CanonicalMessage => ({ role: 'user', content: [{ type: 'text', text: value }] });
  const png = { kind: 'base64' as const, mediaType: 'image/png', data: 'iVBORw0KGgo=' };

  test('each message costs its framing even when empty', () => {
    assert.equal(estimateRequestTokens({ model: 'm', stream: false, messages: [text(''), text('')] }), 2 * PER_MESSAGE);
  });

  test('images cost a fixed amount wherever they appear, documents by their size', () => {
    const base = estimateRequestTokens({ model: 'm', stream: false, messages: [text('look')] });
    const withImage = estimateRequestTokens({ model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', source: png }] }] });
    assert.equal(withImage - base, 1_000);
    const inToolResult = estimateRequestTokens({
      model: 'm',
      stream: false,
      messages: [text('look'), { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'image', source: png }] }] }],
    });
    assert.equal(inToolResult - base, PER_MESSAGE + 1_000);
    const bigPdf = 'A'.repeat(1_000_000);
    const withDocument = estimateRequestTokens({
      model: 'm',
      stream: false,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: bigPdf } }] }],
    });
    assert.equal(withDocument - base, 4_000);
    const smallPdf = estimateRequestTokens({
      model: 'm',
      stream: false,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'document', source: { kind: 'url', url: 'https://example.com/a.pdf' } }] }],
    });
    assert.equal(smallPdf - base, 1_000);
  });

  test('tool definitions and tool calls are counted', () => {
    const base = { model: 'm', stream: false, messages: [text('weather?')] };
    const withTool = {
      ...base,
      tools: [{ name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    };
    assert.ok(estimateRequestTokens(withTool) > estimateRequestTokens(base) + 10);
    const withCall: CanonicalRequest = { ...base, messages: [...base.messages, { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }] }] };
    assert.ok(estimateRequestTokens(withCall) >= estimateRequestTokens(base) + PER_MESSAGE + 5);
  });
});
