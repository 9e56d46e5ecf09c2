import type { ProtocolName } from '../canonical/types.js';

/**
 * Every provider fact lives here, as data: where it is, how it authenticates, which protocol it
 * speaks and where the key usually comes from. OpenAI-compatible servers differ only in these lines.
 */
export interface ProviderProfile {
  protocol: ProtocolName;
  /** Used when the config gives no base_url. */
  defaultBaseUrl?: string;
  /** Where the key comes from when the config names none. */
  apiKeyEnv?: string;
  /** Local servers (Ollama, vLLM) usually run without a key. */
  requiresKey: boolean;
  auth: 'bearer' | 'api-key';
  /** Azure names the model in the URL (the deployment) and versions the API by query parameter. */
  urlScheme: 'openai' | 'azure-deployment';
}

export const PROVIDER_PROFILES = {
  openai: {
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    requiresKey: true,
    auth: 'bearer',
    urlScheme: 'openai',
  },
  'azure-openai': { protocol: 'openai-chat', apiKeyEnv: 'AZURE_OPENAI_API_KEY', requiresKey: true, auth: 'api-key', urlScheme: 'azure-deployment' },
  deepseek: {
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.deepseek.com/v1',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    requiresKey: true,
    auth: 'bearer',
    urlScheme: 'openai',
  },
  groq: {
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
    requiresKey: true,
    auth: 'bearer',
    urlScheme: 'openai',
  },
  together: {
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.together.xyz/v1',
    apiKeyEnv: 'TOGETHER_API_KEY',
    requiresKey: true,
    auth: 'bearer',
    urlScheme: 'openai',
  },
  ollama: { protocol: 'openai-chat', defaultBaseUrl: 'http://127.0.0.1:11434/v1', requiresKey: false, auth: 'bearer', urlScheme: 'openai' },
  vllm: { protocol: 'openai-chat', requiresKey: false, auth: 'bearer', urlScheme: 'openai' },
  'openai-compatible': { protocol: 'openai-chat', requiresKey: false, auth: 'bearer', urlScheme: 'openai' },
} as const satisfies Record<string, ProviderProfile>;

export type ProviderKind = keyof typeof PROVIDER_PROFILES;

export const PROVIDER_KINDS = Object.keys(PROVIDER_PROFILES) as [ProviderKind, ...ProviderKind[]];

/** The Azure OpenAI data-plane version used when the config names none. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
