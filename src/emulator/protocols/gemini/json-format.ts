/**
 * The JSON spellings Google's servers emit, byte for byte [conformance gemini/stream-text.stream.sse,
 * stream-json-array.stream.json, stream-partial-args.stream.jsonl]:
 * - AI Studio SSE events: a space after every colon, none after commas (`{"text": "Hi"},"role": "model"`);
 * - JSON-array streams and error bodies: pretty-printed with two spaces;
 * - Vertex SSE events: compact.
 */

export function googleSseJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => googleSseJson(item === undefined ? null : item)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}: ${googleSseJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
