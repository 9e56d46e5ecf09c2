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

type FieldSpec = { type: 'number'; read: (profile: WorkloadProfile) => number } | { type: 'string'; read: (profile: WorkloadProfile) => string } | { type: 'boolean'; read: (profile: WorkloadProfile) => boolean };

/** What rule expressions may name, with its type (checked when the config loads). */
export const PROFILE_FIELDS = {
  task: { type: 'string', read: (p) => p.task },
  input_tokens: { type: 'number', read: (p) => p.inputTokens },
  images: { type: 'number', read: (p) => p.images },
  documents: { type: 'number', read: (p) => p.documents },
  tools: { type: 'number', read: (p) => p.tools },
  max_output_tokens: { type: 'number', read: (p) => p.maxOutputTokens },
  stream: { type: 'boolean', read: (p) => p.stream },
  reasoning: { type: 'boolean', read: (p) => p.reasoning },
  structured_output: { type: 'boolean', read: (p) => p.structuredOutput },
  latency: { type: 'string', read: (p) => p.latency },
  messages: { type: 'number', read: (p) => p.messages },
  protocol: { type: 'string', read: (p) => p.protocol },
  session: { type: 'string', read: (p) => p.session },
  'trace.turns': { type: 'number', read: (p) => p.trace.turns },
  'trace.tool_calls': { type: 'number', read: (p) => p.trace.toolCalls },
  'trace.tool_calls_per_turn': { type: 'number', read: (p) => (p.trace.turns === 0 ? 0 : p.trace.toolCalls / p.trace.turns) },
  'trace.tokens': { type: 'number', read: (p) => p.trace.tokens },
} satisfies Record<string, FieldSpec>;

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
