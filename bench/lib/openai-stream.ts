/**
 * Reads a whole OpenAI chat.completion.chunk SSE body and says whether it is the stream the upstream
 * sent: 50 content chunks, the same text, a usage chunk and `data: [DONE]`. Gateways may add fields
 * (Portkey adds `provider`) or change framing (CRLF), so this checks meaning, not bytes.
 */
import { COMPLETION_TEXT, STREAM_CONTENT_CHUNKS, USAGE } from '../fixtures.js';

export interface StreamVerdict {
  ok: boolean;
  contentChunks: number;
  sawUsage: boolean;
  sawDone: boolean;
  problem: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Content delta of a parsed chunk, or null when the chunk carries none. */
function deltaContent(chunk: Record<string, unknown>): string | null {
  const choices = chunk['choices'];
  if (!Array.isArray(choices)) return null;
  const first: unknown = choices[0];
  if (!isRecord(first)) return null;
  const delta = first['delta'];
  if (!isRecord(delta)) return null;
  const content = delta['content'];
  return typeof content === 'string' && content.length > 0 ? content : null;
}

function usageMatches(chunk: Record<string, unknown>): boolean {
  const usage = chunk['usage'];
  return (
    isRecord(usage) &&
    usage['prompt_tokens'] === USAGE.prompt_tokens &&
    usage['completion_tokens'] === USAGE.completion_tokens &&
    usage['total_tokens'] === USAGE.total_tokens
  );
}

export function verifyOpenAiStream(body: string): StreamVerdict {
  let contentChunks = 0;
  let text = '';
  let sawUsage = false;
  let sawDone = false;
  let problem: string | null = null;
  const lines = body.split(/\r?\n/);
  for (const line of lines) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') {
      sawDone = true;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      problem ??= `unparseable data line: ${data.slice(0, 80)}`;
      continue;
    }
    if (!isRecord(parsed)) continue;
    const content = deltaContent(parsed);
    if (content !== null) {
      contentChunks += 1;
      text += content;
    }
    if (usageMatches(parsed)) sawUsage = true;
  }
  if (problem === null && contentChunks !== STREAM_CONTENT_CHUNKS)
    problem = `expected ${STREAM_CONTENT_CHUNKS} content chunks, got ${contentChunks}`;
  if (problem === null && text !== COMPLETION_TEXT) problem = 'stream text differs from what the upstream sent';
  if (problem === null && !sawUsage) problem = 'no usage chunk with the upstream usage';
  if (problem === null && !sawDone) problem = 'no data: [DONE]';
  return { ok: problem === null, contentChunks, sawUsage, sawDone, problem };
}

/** Whether a non-streaming body is the upstream's chat.completion (model may be rewritten, fields may be added). */
export function verifyOpenAiCompletion(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `body is not JSON: ${body.slice(0, 120)}`;
  }
  if (!isRecord(parsed)) return 'body is not a JSON object';
  if (parsed['object'] !== 'chat.completion') return `object is ${String(parsed['object'])}, not chat.completion`;
  const choices = parsed['choices'];
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const message = isRecord(first) ? first['message'] : undefined;
  if (!isRecord(message) || message['content'] !== COMPLETION_TEXT) return 'choices[0].message.content differs';
  if (!usageMatches(parsed)) return 'usage differs';
  return null;
}
