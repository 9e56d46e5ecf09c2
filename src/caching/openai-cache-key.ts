/**
 * OpenAI's prompt cache is automatic (prompts of 1,024 tokens or more, in 128-token steps), but
 * where a request lands decides whether it hits: OpenAI routes by a hash of the prompt's first ~256
 * tokens combined with `prompt_cache_key`, and a prefix+key pair above ~15 requests a minute spills
 * onto other machines (https://platform.openai.com/docs/guides/prompt-caching; Azure documents the
 * same). Without a key, every conversation behind one long system prompt shares one routing hash:
 * a busy application overflows it, and a conversation's next turn can land on a machine that never
 * saw its history. The key we set is the conversation-scope prefix hash (tools + instructions + the
 * first user message), so each conversation stays on the machine holding its growing prefix and
 * different conversations spread out; `scope: 'shared'` keys by tools + instructions only instead.
 *
 * A key the caller set is never replaced. `prompt_cache_retention` (`in_memory` | `24h`) is only
 * set when configured, since not every model offers the extended retention.
 */
import type { JsonObject } from './json.js';
import { prefixHashes } from './prefix-hash.js';
import type { PromptCachingResult } from './types.js';

export type OpenAiRetention = 'in_memory' | '24h';

export interface OpenAiCachingOptions {
  scope?: 'conversation' | 'shared';
  retention?: OpenAiRetention;
}

/** Short and opaque: the hash never reveals prompt text, and the prefix says who set it. */
const KEY_PREFIX = 'sy-';

export function setPromptCacheKey(protocol: 'openai-chat' | 'openai-responses', body: JsonObject, options: OpenAiCachingOptions = {}): PromptCachingResult {
  const changes: JsonObject = {};
  const done: string[] = [];
  if (body.prompt_cache_key === undefined || body.prompt_cache_key === null) {
    const hashes = prefixHashes(protocol, body);
    const hash = options.scope === 'shared' ? hashes.shared : (hashes.conversation ?? hashes.shared);
    if (hash !== undefined) {
      changes.prompt_cache_key = `${KEY_PREFIX}${hash}`;
      done.push(`prompt_cache_key ${hash === hashes.conversation ? 'conversation' : 'shared'} ${KEY_PREFIX}${hash}`);
    }
  }
  if (options.retention !== undefined && (body.prompt_cache_retention === undefined || body.prompt_cache_retention === null)) {
    changes.prompt_cache_retention = options.retention;
    done.push(`prompt_cache_retention ${options.retention}`);
  }
  if (done.length === 0) {
    const reason = body.prompt_cache_key !== undefined && body.prompt_cache_key !== null ? "kept the caller's prompt_cache_key" : 'no stable prefix to key (no tools, instructions or user message)';
    return { body, changed: false, description: reason };
  }
  return { body: { ...body, ...changes }, changed: true, description: `set ${done.join(', ')}` };
}
