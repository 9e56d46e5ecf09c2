/**
 * Load child: time to first byte of a stream. Sequential streaming requests on one keep-alive
 * connection; each sample is the time from starting the request to the first body byte, and each
 * stream is read to its end and checked before the next starts.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { verifyOpenAiStream } from '../lib/openai-stream.js';
import { summarize } from '../metrics/stats.js';
import { runLoadChild } from './child-main.js';
import type { TtfbConfig, TtfbResult } from './protocol.js';

interface Sample {
  ttfbMs: number;
  problem: string | null;
}

function streamProblem(config: TtfbConfig, text: string): string | null {
  if (config.streamEnd === undefined) return verifyOpenAiStream(text).problem;
  return text.includes(config.streamEnd) ? null : `stream ended without ${config.streamEnd}`;
}

function oneStream(config: TtfbConfig, agent: http.Agent): Promise<Sample> {
  const url = new URL(config.target.path, config.target.origin);
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(config.body)), ...config.target.headers };
  return new Promise((resolveSample) => {
    const startedAt = performance.now();
    let firstByteAt = Number.NaN;
    const request = http.request(url, { method: 'POST', headers, agent }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (Number.isNaN(firstByteAt)) firstByteAt = performance.now();
        text += chunk;
      });
      response.on('end', () => {
        const problem = response.statusCode === 200 ? streamProblem(config, text) : `HTTP ${String(response.statusCode)}: ${text.slice(0, 200)}`;
        resolveSample({ ttfbMs: firstByteAt - startedAt, problem });
      });
      response.on('error', (error) => resolveSample({ ttfbMs: Number.NaN, problem: error.message }));
    });
    request.setTimeout(10_000, () => request.destroy(new Error('no answer within 10 s')));
    request.on('error', (error) => resolveSample({ ttfbMs: Number.NaN, problem: error.message }));
    request.end(config.body);
  });
}

async function ttfb(config: TtfbConfig): Promise<TtfbResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const deadline = performance.now() + 120_000;
  for (let index = 0; index < config.warmup + config.requests && performance.now() < deadline; index += 1) {
    const sample = await oneStream(config, agent);
    if (sample.problem !== null) {
      failures += 1;
      firstFailure ??= sample.problem;
      if (failures > 10 && samples.length === 0) break;
    } else if (index >= config.warmup) samples.push(sample.ttfbMs);
  }
  agent.destroy();
  const summary = summarize(samples);
  return { samples: samples.length, failures, firstFailure, p50Ms: summary.p50, p99Ms: summary.p99, meanMs: summary.mean };
}

runLoadChild(ttfb);
