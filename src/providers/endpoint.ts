import type { ProviderConfig } from '../config/types.js';
import { GatewayError } from '../errors/catalogue.js';
import { withUserRoleDefaults } from './content-roles.js';
import { DEFAULT_ANTHROPIC_VERSION, PROVIDER_PROFILES, type ProviderProfile } from './kinds.js';

export interface ProviderEndpoint {
  /** Path and query below the provider's base URL. */
  path: string;
  headers: Record<string, string>;
}

/**
 * Where and how to send one request to a provider: the path below its base URL and the headers that
 * authenticate it. All per-kind differences come from PROVIDER_PROFILES; nothing else in the gateway
 * switches on a provider.
 */
export function providerEndpoint(
  provider: ProviderConfig,
  upstreamModel: string,
  stream: boolean,
  clientHeaders: Record<string, string | undefined>,
): ProviderEndpoint {
  const profile = PROVIDER_PROFILES[provider.kind];
  const headers: Record<string, string> = {};
  for (const name of provider.forwardHeaders) {
    const value = clientHeaders[name];
    if (value !== undefined) headers[name] = value;
  }
  Object.assign(headers, provider.headers);
  headers['content-type'] = 'application/json';
  headers.accept = stream ? 'text/event-stream' : 'application/json';
  if (provider.apiKey !== undefined) {
    if (profile.auth === 'api-key') headers['api-key'] = provider.apiKey;
    else if (profile.auth === 'x-api-key') headers['x-api-key'] = provider.apiKey;
    else if (profile.auth === 'x-goog-api-key') headers['x-goog-api-key'] = provider.apiKey;
    else headers.authorization = `Bearer ${provider.apiKey}`;
  } else if (profile.requiresKey) {
    const where = provider.apiKeySource === 'config' ? 'its api_key' : `the environment variable ${provider.apiKeySource ?? 'named by api_key_env'}`;
    throw new GatewayError('upstream_credentials', `provider "${provider.name}" has no API key: set ${where}`);
  }
  if (profile.urlScheme === 'anthropic') {
    // The client's version and beta flags describe the request it wrote; keep them when it sent them.
    headers['anthropic-version'] = clientHeaders['anthropic-version'] ?? DEFAULT_ANTHROPIC_VERSION;
    const beta = clientHeaders['anthropic-beta'];
    if (beta !== undefined) headers['anthropic-beta'] = beta;
  }
  return { path: providerPath(provider, profile.urlScheme, upstreamModel, stream), headers };
}

/**
 * A body relayed from a client that speaks the provider's protocol, kept byte for byte except where
 * this provider refuses what the protocol's reference server accepts (Vertex: contents without a role).
 */
export function relayedBody(provider: ProviderConfig, body: Buffer): Buffer {
  const profile: ProviderProfile = PROVIDER_PROFILES[provider.kind];
  return profile.requiresContentRoles === true ? withUserRoleDefaults(body) : body;
}

function providerPath(provider: ProviderConfig, scheme: (typeof PROVIDER_PROFILES)[keyof typeof PROVIDER_PROFILES]['urlScheme'], model: string, stream: boolean): string {
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  switch (scheme) {
    case 'openai':
      return PROVIDER_PROFILES[provider.kind].protocol === 'openai-responses' ? '/responses' : '/chat/completions';
    case 'azure-deployment':
      return `/openai/deployments/${encodeURIComponent(model)}/chat/completions?api-version=${encodeURIComponent(provider.apiVersion ?? '')}`;
    case 'anthropic':
      return '/v1/messages';
    case 'gemini':
      return `/v1beta/models/${encodeURIComponent(model)}:${method}`;
    case 'vertex':
      return `/v1/projects/${encodeURIComponent(provider.project ?? '')}/locations/${encodeURIComponent(provider.location ?? '')}/publishers/google/models/${encodeURIComponent(model)}:${method}`;
  }
}
