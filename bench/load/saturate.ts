/**
 * Load child: closed-loop saturation with autocannon (N connections, fixed duration, POST of the small
 * non-streaming body). Requests/s counts only 2xx answers.
 */
import autocannon from 'autocannon';
import { runLoadChild } from './child-main.js';
import type { SaturateConfig, SaturateResult } from './protocol.js';

async function saturate(config: SaturateConfig): Promise<SaturateResult> {
  const result = await autocannon({
    url: `${config.target.origin}${config.target.path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...config.target.headers },
    body: config.body,
    connections: config.connections,
    duration: config.durationSeconds,
    pipelining: 1,
    timeout: 10,
  });
  const ok = result['2xx'];
  return {
    durationSeconds: result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    requestsPerSecond: result.duration > 0 ? ok / result.duration : 0,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}

runLoadChild(saturate);
