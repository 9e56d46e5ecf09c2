import type { AssistantContentPart, CanonicalResponse } from '../../canonical/types.js';
import { mapChatFinishReason } from './finish-reason.js';
import { decodeChatUsage } from './usage.js';
import { FieldReader, describeValue, fail, isRecord } from '../shared/field-reader.js';

const code = 'upstream_bad_response';

/**
 * A Chat Completions response body into the canonical response. Only choice 0 is read: the only
 * other client that can ask for several (Gemini `candidateCount`) is not given the others, and
 * logprobs are not read either. Content is ordered reasoning, text, refusal, tool calls, the order Chat implies.
 * Reasoning from OpenAI-compatible servers (DeepSeek `reasoning_content`, vLLM/OpenRouter `reasoning`)
 * becomes a reasoning part with origin `openai`. A malformed body is `upstream_bad_response`.
 */
export function decodeChatResponse(body: unknown): CanonicalResponse {
  const response = FieldReader.of(body, 'response', code);
  if (isRecord(response.record.error)) {
    const message = response.record.error.message;
    fail('', `the provider answered 200 with an error body: ${typeof message === 'string' ? message : 'no message'}`, code);
  }
  const choices = response.array('choices');
  const index = Math.max(0, choices.findIndex((choice) => isRecord(choice) && choice.index === 0));
  if (choices.length === 0) fail('response.choices', 'expected at least one choice', code);
  const choice = FieldReader.of(choices[index], `response.choices[${index}]`, code);
  const message = choice.object('message');
  const content = decodeResponseMessage(message, response.optionalString('id') ?? '');
  const hasToolCalls = content.some((part) => part.type === 'tool-call');

  const result: CanonicalResponse = {
    id: response.optionalString('id') ?? '',
    model: response.optionalString('model') ?? '',
    created: typeof response.record.created === 'number' ? Math.floor(response.record.created) : Math.floor(Date.now() / 1000),
    content,
    finishReason: mapChatFinishReason(choice.record.finish_reason, hasToolCalls),
    usage: decodeChatUsage(response.record.usage),
  };
  // vLLM reports the matched stop string beside finish_reason "stop".
  const stopReason = choice.record.stop_reason;
  if (result.finishReason === 'stop' && typeof stopReason === 'string' && stopReason !== '') {
    result.finishReason = 'stop-sequence';
    result.stopSequence = stopReason;
  }
  return result;
}

function decodeResponseMessage(message: FieldReader, responseId: string): AssistantContentPart[] {
  const content: AssistantContentPart[] = [];
  const reasoning = readReasoning(message.record);
  if (reasoning !== '') content.push({ type: 'reasoning', text: reasoning, origin: 'openai' });

  const text = message.record.content;
  if (typeof text === 'string') {
    if (text !== '') content.push({ type: 'text', text });
  } else if (Array.isArray(text)) {
    // Some OpenAI-compatible servers answer with content parts.
    text.forEach((value, index) => {
      const part = FieldReader.of(value, message.at('content') + `[${index}]`, code);
      if (part.record.type === 'text') {
        const partText = part.string('text');
        if (partText !== '') content.push({ type: 'text', text: partText });
      }
    });
  } else if (text !== null && text !== undefined) {
    message.fail('content', `expected a string or null, got ${describeValue(text)}`);
  }

  const refusal = message.optionalString('refusal');
  if (refusal !== undefined && refusal !== '') content.push({ type: 'refusal', text: refusal });

  (message.optionalArray('tool_calls') ?? []).forEach((value, index) => {
    const call = FieldReader.of(value, message.at('tool_calls') + `[${index}]`, code);
    const fn = call.object('function');
    content.push({
      type: 'tool-call',
      id: call.optionalString('id') ?? `call_${responseId}_${index}`,
      name: fn.string('name'),
      arguments: readArguments(fn),
    });
  });
  const legacy = message.optionalObject('function_call');
  if (legacy !== undefined) {
    content.push({ type: 'tool-call', id: `call_${responseId}_legacy`, name: legacy.string('name'), arguments: readArguments(legacy) });
  }
  return content;
}

/** DeepSeek names it `reasoning_content`; vLLM (newer) and OpenRouter `reasoning`. */
export function readReasoning(record: Record<string, unknown>): string {
  const value = record.reasoning_content ?? record.reasoning;
  return typeof value === 'string' ? value : '';
}

/** Arguments are a JSON string; a few shims send the object itself, which is serialised once here. */
function readArguments(fn: FieldReader): string {
  const value = fn.record.arguments;
  if (value === undefined || value === null || value === '') return '{}';
  if (typeof value === 'string') return value;
  if (isRecord(value)) return JSON.stringify(value);
  return fn.fail('arguments', `expected a JSON string, got ${describeValue(value)}`);
}
