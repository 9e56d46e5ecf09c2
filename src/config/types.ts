import type { ProviderKind } from '../providers/kinds.js';

/** The validated, frozen configuration the gateway runs on (camelCase; see schema.ts for the file). */
export interface GatewayConfig {
  readonly server: ServerConfig;
  readonly providers: ReadonlyMap<string, ProviderConfig>;
  /** The model catalog, keyed `provider/model`. */
  readonly models: ReadonlyMap<string, ModelConfig>;
  /** Route aliases clients may name instead of a model. */
  readonly routes: ReadonlyMap<string, RouteConfig>;
}

export interface ServerConfig {
  host: string;
  port: number;
  bodyLimitBytes: number;
  shutdownGraceMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface ProviderConfig {
  name: string;
  kind: ProviderKind;
  /** Without a trailing slash. */
  baseUrl: string;
  /** Undefined when neither the config nor the environment supplies one. */
  apiKey: string | undefined;
  /** Where the key was looked for, to say so when it is missing ("config" or a variable name). */
  apiKeySource: string | undefined;
  apiVersion: string | undefined;
  /** Vertex AI project and location. */
  project: string | undefined;
  location: string | undefined;
  headers: Record<string, string>;
  /** Lower-cased names of client headers passed on as they came. */
  forwardHeaders: string[];
  timeouts: ProviderTimeouts;
  maxConnections: number | undefined;
}

export interface ProviderTimeouts {
  connectMs: number;
  /** Until the response headers arrive (for a stream: until the provider starts answering). */
  firstByteMs: number;
  /** Longest silence between two body chunks. */
  idleMs: number;
  totalMs: number;
}

export interface ModelConfig {
  id: string;
  provider: string;
  upstream: string;
  contextWindow: number | undefined;
  maxOutput: number | undefined;
  capabilities: ReadonlySet<string>;
}

export interface RouteConfig {
  alias: string;
  description: string | undefined;
  targets: TargetRef[];
}

/** One place a request can be sent: a provider and the model name it knows. */
export interface TargetRef {
  provider: string;
  upstreamModel: string;
  /** The public `provider/model` name. */
  modelId: string;
}
