import type { ProtocolName } from '../canonical/types.js';
import type { GatewayRequest } from './http-types.js';

/** What the gateway reads from a client request before deciding where it goes. */
export interface IngressRead {
  /** The model as the client named it (not yet validated). */
  model: unknown;
  stream: boolean;
  /** OpenAI Chat: `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Gemini: streamed without `alt=sse`, so the client expects one incremental JSON array. */
  jsonArrayStream: boolean;
}

/** One inbound endpoint: the protocol it speaks and how to read model and streaming from it. */
export interface Ingress {
  protocol: ProtocolName;
  read(json: Record<string, unknown>, request: GatewayRequest, pathModel: string | undefined, streamMethod: boolean): IngressRead;
}

function fromBody(protocol: ProtocolName): Ingress {
  return {
    protocol,
    read(json) {
      const streamOptions = json.stream_options as { include_usage?: unknown } | undefined;
      return { model: json.model, stream: json.stream === true, includeUsage: streamOptions?.include_usage === true, jsonArrayStream: false };
    },
  };
}

export const OPENAI_CHAT_INGRESS = fromBody('openai-chat');
export const OPENAI_RESPONSES_INGRESS = fromBody('openai-responses');
export const ANTHROPIC_INGRESS = fromBody('anthropic-messages');

/** Gemini names the model and streaming in the URL: `/v1beta/models/{model}:streamGenerateContent?alt=sse`. */
export const GEMINI_INGRESS: Ingress = {
  protocol: 'gemini',
  read(_json, request, pathModel, streamMethod) {
    const sse = /(?:^|&)alt=sse(?:&|$)/.test(request.query);
    return { model: pathModel, stream: streamMethod, includeUsage: true, jsonArrayStream: streamMethod && !sse };
  },
};

/** The model may hold a slash (`google/gemini-3.1-pro`, as the SDK writes it unencoded). */
export const GEMINI_PATH = /^\/v1(?:beta)?\/models\/([^:]+):(generateContent|streamGenerateContent)$/;
