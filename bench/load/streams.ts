/**
 * Load child: many concurrent slow streams (default 1,000; the upstream sends one chunk every 100 ms,
 * so each lasts about 5 s and all are open at once). Streams are opened in a short ramp, each on its
 * own connection, read to the end and checked. The orchestrator samples the subject's memory meanwhile.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { verifyOpenAiStream } from '../lib/openai-stream.js';
import { runLoadChild } from './child-main.js';
import type { StreamsConfig, StreamsResult } from './protocol.js';

async function streams(config: StreamsConfig): Promise<StreamsResult> {
  const url = new URL(config.target.path, config.target.origin);
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(config.body)), ...config.target.headers };
  const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const startedAt = performance.now();
  let opened = 0;
  let completed = 0;
  let intact = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  let concurrent = 0;
  let maxConcurrent = 0;
  const requests = new Set<http.ClientRequest>();

  const fail = (problem: string): void => {
    failures += 1;
    firstFailure ??= problem;
  };

  const openOne = (): Promise<void> =>
    new Promise((resolveStream) => {
      opened += 1;
      let counted = false;
      const request = http.request(url, { method: 'POST', headers, agent }, (response) => {
        counted = true;
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          completed += 1;
          const problem = response.statusCode === 200 ? verifyOpenAiStream(text).problem : `HTTP ${String(response.statusCode)}: ${text.slice(0, 200)}`;
          if (problem === null) intact += 1;
          else fail(problem);
        });
        response.on('error', (error) => fail(error.message));
      });
      requests.add(request);
      request.on('close', () => {
        requests.delete(request);
        if (counted) concurrent -= 1;
        resolveStream();
      });
      request.on('error', (error) => fail(error.message));
      request.end(config.body);
    });

  const all: Promise<void>[] = [];
  for (let index = 0; index < config.streams; index += config.rampPer10Ms) {
    const batch = Math.min(config.rampPer10Ms, config.streams - index);
    for (let member = 0; member < batch; member += 1) all.push(openOne());
    await new Promise((resolveTick) => setTimeout(resolveTick, 10));
  }
  const timeout = setTimeout(() => {
    for (const request of requests) request.destroy(new Error(`stream still open after ${config.timeoutMs} ms`));
  }, config.timeoutMs);
  await Promise.all(all);
  clearTimeout(timeout);
  agent.destroy();
  return { opened, completed, intact, failures, firstFailure, maxConcurrent, durationMs: performance.now() - startedAt };
}

runLoadChild(streams);
