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
  auth: 'bearer' | 'api-key' | 'x-api-key' | 'x-goog-api-key';
  /**
   * How the request URL is built: OpenAI-style paths, Azure's deployment paths (model in the URL,
   * version as a query parameter), Anthropic's /v1/messages, Gemini's model-in-path methods, or
   * Vertex AI's project/location paths.
   */
  urlScheme: 'openai' | 'azure-deployment' | 'anthropic' | 'gemini' | 'vertex';
  /**
   * Refuses a Gemini `contents[]` entry without a role, which the Gemini API reads as "user"
   * (Vertex AI): bodies relayed from Gemini clients get the role written in (content-roles.ts).
   */
  requiresContentRoles?: boolean;
  /** Takes `prompt_cache_key` (OpenAI's own API); compatible servers may refuse unknown fields. */
  promptCacheKey?: boolean;
  /**
   * Cannot fetch media URLs itself (local runtimes), or fetches them unreliably (Gemini needs a MIME
   * type for every URI; Vertex refuses many public URLs): the gateway downloads and inlines them.
   */
  inlineMedia?: boolean;
}

export const PROVIDER_PROFILES = {
  openai: {
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    requiresKey: true,
    auth: 'bearer',
    urlScheme: 'openai',
    promptCacheKey: true,
  },
  'azure-openai': { protocol: 'openai-chat', apiKeyEnv: 'AZURE_OPENAI_API_KEY', requiresKey: true, auth: 'api-key', urlScheme: 'azure-deployment', promptCacheKey: true },
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
  ollama: { protocol: 'openai-chat', defaultBaseUrl: 'http://127.0.0.1:11434/v1', requiresKey: false, auth: 'bearer', urlScheme: 'openai', inlineMedia: true },
  vllm: { protocol: 'openai-chat', requiresKey: false, auth: 'bearer', urlScheme: 'openai', inlineMedia: true },
  'openai-compatible': { protocol: 'openai-chat', requiresKey: false, auth: 'bearer', urlScheme: 'openai' },
  'openai-responses': {
    protocol: 'openai-responses',
    defaultBaseUrl: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    requiresKey: true,
    auth: 'bearer',
    urlScheme: 'openai',
    promptCacheKey: true,
  },
  anthropic: {
    protocol: 'anthropic-messages',
    defaultBaseUrl: 'https://api.anthropic.com',
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    requiresKey: true,
    auth: 'x-api-key',
    urlScheme: 'anthropic',
  },
  gemini: {
    protocol: 'gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    apiKeyEnv: 'GEMINI_API_KEY',
    requiresKey: true,
    auth: 'x-goog-api-key',
    urlScheme: 'gemini',
    inlineMedia: true,
  },
  /** Vertex AI takes an OAuth access token (e.g. `gcloud auth print-access-token`), not an API key. */
  'vertex-gemini': { protocol: 'gemini', apiKeyEnv: 'VERTEX_ACCESS_TOKEN', requiresKey: true, auth: 'bearer', urlScheme: 'vertex', requiresContentRoles: true, inlineMedia: true },
} as const satisfies Record<string, ProviderProfile>;

export type ProviderKind = keyof typeof PROVIDER_PROFILES;

export const PROVIDER_KINDS = Object.keys(PROVIDER_PROFILES) as [ProviderKind, ...ProviderKind[]];

/** The Anthropic API version sent when the client names none. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** The Azure OpenAI data-plane version used when the config names none. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
