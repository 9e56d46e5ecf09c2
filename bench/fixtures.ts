/**
 * The fixed wire payloads of the benchmark: the request the load generator sends, the chat.completion
 * the upstream answers, and the 50-chunk chat.completion.chunk stream. Shared by the upstream, the
 * correctness check and the load generators, so "intact" means byte-for-byte what the upstream sent.
 */

/** The model the client asks for: an alias in Switchyard's bench config. */
export const BENCH_MODEL = 'bench-model';

/** The model the upstream must receive after a gateway rewrites the alias. */
export const UPSTREAM_MODEL = 'bench-model';

/** Content-bearing chunks in every stream (plus one finish chunk, one usage chunk and `[DONE]`). */
export const STREAM_CONTENT_CHUNKS = 50;

const MESSAGES = [
  { role: 'system', content: 'You are a terse assistant. Answer in one short sentence.' },
  { role: 'user', content: 'Name three prime numbers and say why they are prime.' },
];

/** The messages array exactly as serialized by the client; the upstream compares against it. */
export const MESSAGES_JSON = JSON.stringify(MESSAGES);

/** The small chat request body (about 250 bytes), streaming or not. */
export function chatRequestBody(stream: boolean): string {
  const body: Record<string, unknown> = { model: BENCH_MODEL, messages: MESSAGES, max_tokens: 64, temperature: 0 };
  if (stream) {
    body['stream'] = true;
    body['stream_options'] = { include_usage: true };
  }
  return JSON.stringify(body);
}

export const USAGE = { prompt_tokens: 31, completion_tokens: 50, total_tokens: 81 };

/** 50 short content pieces; their concatenation is the completion text. */
export const CONTENT_PIECES: readonly string[] = Array.from({ length: STREAM_CONTENT_CHUNKS }, (_, index) =>
  index === 0 ? '2, 3 and 5' : ` w${index}`,
);

export const COMPLETION_TEXT = CONTENT_PIECES.join('');

export const COMPLETION_ID = 'chatcmpl-bench0000000000000000000001';
const CREATED = 1_700_000_000;

/** The non-streaming chat.completion body, shaped like OpenAI's (about 700 bytes). */
export const COMPLETION_BODY = JSON.stringify({
  id: COMPLETION_ID,
  object: 'chat.completion',
  created: CREATED,
  model: UPSTREAM_MODEL,
  system_fingerprint: 'fp_bench01',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: COMPLETION_TEXT, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    ...USAGE,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  service_tier: 'default',
});

function chunkEvent(choices: unknown[], usage: unknown): string {
  const chunk = {
    id: COMPLETION_ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: UPSTREAM_MODEL,
    system_fingerprint: 'fp_bench01',
    choices,
    usage,
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The SSE events of one stream, in order: 50 content chunks, a finish chunk, a usage chunk, `[DONE]`. */
export const STREAM_EVENTS: readonly string[] = [
  ...CONTENT_PIECES.map((piece, index) =>
    chunkEvent(
      [{ index: 0, delta: index === 0 ? { role: 'assistant', content: piece } : { content: piece }, logprobs: null, finish_reason: null }],
      null,
    ),
  ),
  chunkEvent([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], null),
  chunkEvent([], USAGE),
  'data: [DONE]\n\n',
];
