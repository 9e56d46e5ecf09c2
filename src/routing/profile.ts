/**
 * The workload profile: what routing rules look at. Computed once per request from the canonical
 * request, a few headers and the session's trace; cheap (one pass over the messages, no tokenizer).
 */
import type { CanonicalRequest, ProtocolName } from '../canonical/types.js';
import { estimateRequestTokens } from './token-estimate.js';

export type LatencyClass = 'realtime' | 'interactive' | 'batch';

export interface TraceSoFar {
  /** Assistant turns so far (from the session record or counted in the conversation). */
  turns: number;
  toolCalls: number;
  /** Tokens the session has spent so far (input + output), when the gateway has seen it. */
  tokens: number;
}

export interface WorkloadProfile {
  task: string;
  inputTokens: number;
  images: number;
  documents: number;
  tools: number;
  /** The output cap the caller asked for; 0 when it set none. */
  maxOutputTokens: number;
  stream: boolean;
  reasoning: boolean;
  structuredOutput: boolean;
  latency: LatencyClass;
  messages: number;
  protocol: ProtocolName;
  session: string;
  trace: TraceSoFar;
}

interface FieldSpec {
  type: 'number' | 'string' | 'boolean';
  /** The field as a JavaScript expression over the profile `p`, for compiled rules. */
  code: string;
  read: (profile: WorkloadProfile) => number | string | boolean;
}

const field = <T extends FieldSpec['type']>(type: T, code: string, read: FieldSpec['read']): FieldSpec => ({ type, code, read });

/** What rule expressions may name, with its type (checked when the config loads). */
export const PROFILE_FIELDS: Record<string, FieldSpec> = {
  task: field('string', 'p.task', (p) => p.task),
  input_tokens: field('number', 'p.inputTokens', (p) => p.inputTokens),
  images: field('number', 'p.images', (p) => p.images),
  documents: field('number', 'p.documents', (p) => p.documents),
  tools: field('number', 'p.tools', (p) => p.tools),
  max_output_tokens: field('number', 'p.maxOutputTokens', (p) => p.maxOutputTokens),
  stream: field('boolean', 'p.stream', (p) => p.stream),
  reasoning: field('boolean', 'p.reasoning', (p) => p.reasoning),
  structured_output: field('boolean', 'p.structuredOutput', (p) => p.structuredOutput),
  latency: field('string', 'p.latency', (p) => p.latency),
  messages: field('number', 'p.messages', (p) => p.messages),
  protocol: field('string', 'p.protocol', (p) => p.protocol),
  session: field('string', 'p.session', (p) => p.session),
  'trace.turns': field('number', 'p.trace.turns', (p) => p.trace.turns),
  'trace.tool_calls': field('number', 'p.trace.toolCalls', (p) => p.trace.toolCalls),
  'trace.tool_calls_per_turn': field('number', '(p.trace.turns === 0 ? 0 : p.trace.toolCalls / p.trace.turns)', (p) => (p.trace.turns === 0 ? 0 : p.trace.toolCalls / p.trace.turns)),
  'trace.tokens': field('number', 'p.trace.tokens', (p) => p.trace.tokens),
};

export type ProfileFieldName = keyof typeof PROFILE_FIELDS;

const LATENCY_CLASSES = new Set<string>(['realtime', 'interactive', 'batch']);

export interface ProfileInputs {
  request: CanonicalRequest;
  protocol: ProtocolName;
  headers: Record<string, string | undefined>;
  /** The session's recorded trace, when the gateway has one. */
  recorded?: TraceSoFar;
}

export function computeProfile({ request, protocol, headers, recorded }: ProfileInputs): WorkloadProfile {
  let images = 0;
  let documents = 0;
  let turns = 0;
  let toolCalls = 0;
  for (const message of request.messages) {
    if (message.role === 'assistant') {
      turns += 1;
      for (const part of message.content) if (part.type === 'tool-call') toolCalls += 1;
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'image') images += 1;
      else if (part.type === 'document') documents += 1;
      else if (part.type === 'tool-result') for (const inner of part.content) if (inner.type === 'image') images += 1;
    }
  }
  const latency = headers['x-switchyard-latency']?.toLowerCase();
  const conversation: TraceSoFar = { turns, toolCalls, tokens: 0 };
  return {
    task: (headers['x-switchyard-task'] ?? request.metadata?.task ?? '').toLowerCase(),
    inputTokens: estimateRequestTokens(request),
    images,
    documents,
    tools: request.tools?.length ?? 0,
    maxOutputTokens: request.maxOutputTokens ?? 0,
    stream: request.stream,
    reasoning: request.reasoning !== undefined && request.reasoning.effort !== 'none' && request.reasoning.budgetTokens !== 0,
    structuredOutput: request.responseFormat !== undefined && request.responseFormat.type !== 'text',
    latency: latency !== undefined && LATENCY_CLASSES.has(latency) ? (latency as LatencyClass) : 'interactive',
    messages: request.messages.length,
    protocol,
    session: headers['x-switchyard-session'] ?? '',
    // The conversation in hand is the trace when the session is unknown; a recorded session that has
    // seen more (a client that trims history) wins.
    trace: recorded !== undefined && recorded.turns >= turns ? recorded : conversation,
  };
}

/** The profile as `POST /v1/route/explain` shows it: the names rules use. */
export function describeProfile(profile: WorkloadProfile): Record<string, unknown> {
  return Object.fromEntries(Object.entries(PROFILE_FIELDS).map(([name, spec]) => [name, spec.read(profile)]));
}
