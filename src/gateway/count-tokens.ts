import type { CanonicalMessage } from '../canonical/types.js';
import { CODECS } from '../protocols/registry.js';
import { providerEndpoint } from '../providers/endpoint.js';
import { PROVIDER_PROFILES } from '../providers/kinds.js';
import type { GatewayRequest, GatewayResponse } from './http-types.js';
import { jsonResponse } from './http-types.js';
import type { EndpointDependencies } from './protocol-endpoint.js';
import { parseJsonObject, readAll } from './read-body.js';
import { resolveModel } from './resolve-model.js';
import { forwardableHeaders } from './response-headers.js';
import { replaceTopLevelString } from '../util/json-field.js';

/** Tokens per image, as Anthropic's sizing guide puts a ~1 megapixel image. */
const IMAGE_TOKENS = 1600;

/**
 * POST /v1/messages/count_tokens. An Anthropic provider counts exactly (the request is forwarded);
 * for any other provider the count is an estimate with the o200k tokenizer, marked by the
 * `x-switchyard-token-count: estimate` header (typically within ~10% of Claude's own count for prose).
 */
export async function countAnthropicTokens(dependencies: EndpointDependencies, request: GatewayRequest): Promise<GatewayResponse> {
  const json = parseJsonObject(request.body);
  const canonical = CODECS['anthropic-messages'].decodeRequest({ max_tokens: 1, ...json });
  const target = resolveModel(dependencies.config, canonical.model);
  const provider = dependencies.config.providers.get(target.provider)!;
  if (PROVIDER_PROFILES[provider.kind].protocol === 'anthropic-messages') {
    const endpoint = providerEndpoint(provider, target.upstreamModel, false, request.headers);
    const client = dependencies.clients.get(target.provider)!;
    const body = typeof json.model === 'string' && json.model !== target.upstreamModel ? replaceTopLevelString(request.body, 'model', target.upstreamModel) : request.body;
    const upstream = await client.send({ path: `${endpoint.path}/count_tokens`, headers: endpoint.headers, body, signal: request.signal });
    try {
      return { status: upstream.status, headers: forwardableHeaders(upstream.headers), body: await readAll(upstream.body as AsyncIterable<Uint8Array>) };
    } catch (error) {
      throw client.classify(error);
    } finally {
      upstream.finish();
    }
  }
  // The tokenizer's tables are large: loaded on the first estimate, not at start.
  const { encode } = await import('gpt-tokenizer/encoding/o200k_base');
  let tokens = 0;
  for (const message of canonical.messages) tokens += 4 + messageTokens(message, encode);
  for (const tool of canonical.tools ?? []) tokens += encode(JSON.stringify(tool)).length;
  return jsonResponse(200, { input_tokens: tokens }, { 'x-switchyard-token-count': 'estimate' });
}

function messageTokens(message: CanonicalMessage, encode: (text: string) => number[]): number {
  let tokens = 0;
  for (const part of message.content) {
    if (part.type === 'text') tokens += encode(part.text).length;
    else if (part.type === 'image' || part.type === 'document') tokens += IMAGE_TOKENS;
    else if (part.type === 'tool-call') tokens += encode(part.name + part.arguments).length;
    else if (part.type === 'tool-result') for (const item of part.content) tokens += item.type === 'text' ? encode(item.text).length : IMAGE_TOKENS;
    else if (part.type === 'reasoning' || part.type === 'refusal') tokens += encode(part.text).length;
  }
  return tokens;
}
