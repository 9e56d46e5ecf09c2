/**
 * The requests the interleaved benchmarks send through the provider emulator, in OpenAI Chat and
 * Anthropic Messages form, and readers that pull the answer's text and output tokens back out of
 * each wire format. The two forms ask the emulator for the same thing (same system prompt, same
 * user turn, 50 output tokens), so whichever client and proxy sent it, the emulator does the same
 * work and answers the same text: the correctness checks compare that text across subjects.
 */

/** The model every request names: a route alias in the gateway, the emulator's model for the proxies. */
export const BENCH_MODEL = 'bench-model';

/** Output tokens of every answer (`[[tokens: N]]` sets the emulator's answer length). */
export const OUTPUT_TOKENS = 50;

const SYSTEM = 'You are a terse assistant. Answer in short sentences.';
const USER = `Name three prime numbers and say why they are prime. [[tokens: ${OUTPUT_TOKENS}]]`;

/** Headers a client sends straight to the emulator's OpenAI routes (it wants a key, any key). */
export const EMULATOR_OPENAI_HEADERS = { authorization: 'Bearer sk-bench' };

/**
 * An OpenAI Chat Completions body. `includeUsage` asks for the usage chunk of a stream, which an
 * Anthropic stream always carries, so the parse-proxy baseline streams the same events' worth.
 */
export function openAiChatBody(stream: boolean, includeUsage = false): string {
  const body: Record<string, unknown> = {
    model: BENCH_MODEL,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: USER },
    ],
    max_tokens: 64,
  };
  if (stream) body['stream'] = true;
  if (stream && includeUsage) body['stream_options'] = { include_usage: true };
  return JSON.stringify(body);
}

/** The same request as an Anthropic Messages body. */
export function anthropicMessagesBody(stream: boolean): string {
  const body: Record<string, unknown> = { model: BENCH_MODEL, system: SYSTEM, messages: [{ role: 'user', content: USER }], max_tokens: 64 };
  if (stream) body['stream'] = true;
  return JSON.stringify(body);
}

/** What an answer said, read from any of the four shapes. */
export interface AnswerReading {
  text: string;
  /** Output tokens the answer reported; undefined when it reported none. */
  outputTokens: number | undefined;
  /** The stream's end marker was seen (`[DONE]`, `message_stop`); true for whole bodies. */
  complete: boolean;
  problem: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The JSON payload of every `data:` line of an SSE body (`[DONE]` as the string). */
function sseData(body: string): unknown[] {
  const payloads: unknown[] = [];
  for (const line of body.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    payloads.push(data === '[DONE]' ? data : parseJson(data));
  }
  return payloads;
}

export function readOpenAiCompletion(body: string): AnswerReading {
  const parsed = parseJson(body);
  if (!isRecord(parsed) || parsed['object'] !== 'chat.completion') return { text: '', outputTokens: undefined, complete: false, problem: `not a chat.completion: ${body.slice(0, 160)}` };
  const choices = parsed['choices'];
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const message = isRecord(first) ? first['message'] : undefined;
  const content = isRecord(message) ? message['content'] : undefined;
  const usage = parsed['usage'];
  const outputTokens = isRecord(usage) && typeof usage['completion_tokens'] === 'number' ? usage['completion_tokens'] : undefined;
  return { text: typeof content === 'string' ? content : '', outputTokens, complete: true, problem: null };
}

export function readOpenAiStream(body: string): AnswerReading {
  let text = '';
  let outputTokens: number | undefined;
  let complete = false;
  for (const payload of sseData(body)) {
    if (payload === '[DONE]') complete = true;
    if (!isRecord(payload)) continue;
    const choices = payload['choices'];
    const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
    const delta = isRecord(first) ? first['delta'] : undefined;
    if (isRecord(delta) && typeof delta['content'] === 'string') text += delta['content'];
    const usage = payload['usage'];
    if (isRecord(usage) && typeof usage['completion_tokens'] === 'number') outputTokens = usage['completion_tokens'];
  }
  return { text, outputTokens, complete, problem: complete ? null : 'no data: [DONE]' };
}

export function readAnthropicMessage(body: string): AnswerReading {
  const parsed = parseJson(body);
  if (!isRecord(parsed) || parsed['type'] !== 'message') return { text: '', outputTokens: undefined, complete: false, problem: `not an Anthropic message: ${body.slice(0, 160)}` };
  const content = parsed['content'];
  const text = Array.isArray(content)
    ? content.map((block: unknown) => (isRecord(block) && block['type'] === 'text' && typeof block['text'] === 'string' ? block['text'] : '')).join('')
    : '';
  const usage = parsed['usage'];
  const outputTokens = isRecord(usage) && typeof usage['output_tokens'] === 'number' ? usage['output_tokens'] : undefined;
  return { text, outputTokens, complete: true, problem: null };
}

export function readAnthropicStream(body: string): AnswerReading {
  let text = '';
  let outputTokens: number | undefined;
  let complete = false;
  let sawStart = false;
  for (const payload of sseData(body)) {
    if (!isRecord(payload)) continue;
    switch (payload['type']) {
      case 'message_start':
        sawStart = true;
        break;
      case 'content_block_delta': {
        const delta = payload['delta'];
        if (isRecord(delta) && delta['type'] === 'text_delta' && typeof delta['text'] === 'string') text += delta['text'];
        break;
      }
      case 'message_delta': {
        const usage = payload['usage'];
        if (isRecord(usage) && typeof usage['output_tokens'] === 'number') outputTokens = usage['output_tokens'];
        break;
      }
      case 'message_stop':
        complete = true;
        break;
      default:
        break;
    }
  }
  const problem = !sawStart ? 'no message_start event' : complete ? null : 'no message_stop event';
  return { text, outputTokens, complete, problem };
}

/** Why `reading` is not the expected answer, or null when it is. */
export function answerProblem(label: string, reading: AnswerReading, expectedText: string, expectUsage: boolean): string | null {
  if (reading.problem !== null) return `${label}: ${reading.problem}`;
  if (reading.text !== expectedText) return `${label}: the text differs from the emulator's answer (${JSON.stringify(reading.text.slice(0, 60))}…)`;
  if (expectUsage && reading.outputTokens !== OUTPUT_TOKENS) return `${label}: output tokens ${String(reading.outputTokens)}, expected ${OUTPUT_TOKENS}`;
  if (!expectUsage && reading.outputTokens !== undefined) return `${label}: a usage chunk the client did not ask for`;
  return null;
}
