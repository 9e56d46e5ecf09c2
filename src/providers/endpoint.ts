import type { ProviderConfig } from '../config/types.js';
import { GatewayError } from '../errors/catalogue.js';
import { PROVIDER_PROFILES } from './kinds.js';

/**
 * Where and how to send a Chat Completions request to a provider: the path below its base URL and
 * the headers that authenticate it. All per-kind differences come from PROVIDER_PROFILES.
 */
export function chatCompletionsEndpoint(
  provider: ProviderConfig,
  upstreamModel: string,
  clientHeaders: Record<string, string | undefined>,
): { path: string; headers: Record<string, string> } {
  const profile = PROVIDER_PROFILES[provider.kind];
  const headers: Record<string, string> = {};
  for (const name of provider.forwardHeaders) {
    const value = clientHeaders[name];
    if (value !== undefined) headers[name] = value;
  }
  Object.assign(headers, provider.headers);
  headers['content-type'] = 'application/json';
  if (provider.apiKey !== undefined) {
    if (profile.auth === 'api-key') headers['api-key'] = provider.apiKey;
    else headers.authorization = `Bearer ${provider.apiKey}`;
  } else if (profile.requiresKey) {
    const where = provider.apiKeySource === 'config' ? 'its api_key' : `the environment variable ${provider.apiKeySource ?? 'named by api_key_env'}`;
    throw new GatewayError('upstream_credentials', `provider "${provider.name}" has no API key: set ${where}`);
  }
  const path =
    profile.urlScheme === 'azure-deployment'
      ? `/openai/deployments/${encodeURIComponent(upstreamModel)}/chat/completions?api-version=${encodeURIComponent(provider.apiVersion ?? '')}`
      : '/chat/completions';
  return { path, headers };
}
