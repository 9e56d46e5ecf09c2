/**
 * The check every subject passes before it is timed, so a broken subject is never reported as fast:
 * a non-streaming answer arrives intact, a stream arrives with its 50 chunks, usage and [DONE], and
 * the upstream received the rewritten model with the messages untouched.
 */
import { chatRequestBody, UPSTREAM_MODEL } from './fixtures.js';
import { httpRequest, getJson, postJson } from './lib/http.js';
import { verifyOpenAiCompletion, verifyOpenAiStream } from './lib/openai-stream.js';
import type { RunningSubject } from './subjects/types.js';

export interface CheckResult {
  ok: boolean;
  problems: string[];
}

interface Received {
  model: unknown;
  messagesIntact: boolean;
  stream: boolean;
}

export async function checkSubject(subject: RunningSubject, upstreamOrigin: string): Promise<CheckResult> {
  const problems: string[] = [];
  const url = `${subject.origin}${subject.path}`;
  const headers = { 'content-type': 'application/json', ...subject.headers };
  await postJson(`${upstreamOrigin}/__bench/config`, { check: true, reset: true, chunkIntervalMs: 0 });
  try {
    const plain = await httpRequest(url, { method: 'POST', headers, body: chatRequestBody(false) });
    if (plain.status !== 200) problems.push(`non-streaming: HTTP ${plain.status}: ${plain.body.slice(0, 300)}`);
    else {
      const problem = verifyOpenAiCompletion(plain.body);
      if (problem !== null) problems.push(`non-streaming: ${problem}`);
    }
    const streamed = await httpRequest(url, { method: 'POST', headers, body: chatRequestBody(true) });
    if (streamed.status !== 200) problems.push(`streaming: HTTP ${streamed.status}: ${streamed.body.slice(0, 300)}`);
    else {
      const contentType = streamed.headers['content-type'] ?? '';
      if (!contentType.includes('text/event-stream')) problems.push(`streaming: content-type is ${contentType}`);
      const verdict = verifyOpenAiStream(streamed.body);
      if (verdict.problem !== null) problems.push(`streaming: ${verdict.problem}`);
    }
    const stats = (await getJson(`${upstreamOrigin}/__bench/stats`)) as { received?: Received[] };
    const received = stats.received ?? [];
    if (received.length !== 2) problems.push(`upstream received ${received.length} requests for 2 sent`);
    for (const entry of received) {
      if (entry.model !== UPSTREAM_MODEL) problems.push(`upstream received model ${JSON.stringify(entry.model)}, expected ${UPSTREAM_MODEL}`);
      if (!entry.messagesIntact) problems.push('upstream received altered messages');
    }
    if (received.length === 2 && !(received[0]?.stream === false && received[1]?.stream === true))
      problems.push('upstream did not receive stream:false then stream:true');
  } catch (error) {
    problems.push(`transport error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await postJson(`${upstreamOrigin}/__bench/config`, { check: false, reset: true });
  }
  return { ok: problems.length === 0, problems };
}
