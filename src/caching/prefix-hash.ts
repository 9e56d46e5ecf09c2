/**
 * Stable-prefix hashes of a request body, in any protocol. A provider's prompt cache lives on the
 * deployment that served the prefix, so the router can send a request where its prefix was last
 * seen (PrefixAffinity), and OpenAI's `prompt_cache_key` can keep a conversation on one cache.
 *
 * Two scopes, most specific first:
 * - `conversation`: tools + system + the first user message. Every later turn of a conversation
 *   re-sends these unchanged, so the hash follows the conversation (which is where the long, growing
 *   prefix is) without needing a session id.
 * - `shared`: tools + system only, the part every conversation of one application has in common.
 *
 * What is hashed is what stays stable across turns: `cache_control` markers are left out (clients
 * move their breakpoint to the newest message each turn), and a string content is hashed as the one
 * text block it stands for. The model is left out: the caller's alias is the same every turn.
 */
import { createHash } from 'node:crypto';
import type { ProtocolName } from '../canonical/types.js';
import { isObject, type JsonObject } from './json.js';

export interface PrefixHashes {
  /** Tools + system + first user message; undefined when the body has no user message to anchor it. */
  conversation: string | undefined;
  /** Tools + system; undefined when the body has neither. */
  shared: string | undefined;
}

interface StableParts {
  shared: unknown[];
  /** The conversation's anchor (its first user message), or undefined when the body does not carry it. */
  opening: unknown;
}

export function prefixHashes(protocol: ProtocolName, body: unknown): PrefixHashes {
  if (!isObject(body)) return { conversation: undefined, shared: undefined };
  const parts = STABLE_PARTS[protocol](body);
  const shared = parts.shared.length > 0 ? digest(`shared\u0000${stableJson(parts.shared)}`) : undefined;
  const conversation = parts.opening === undefined ? undefined : digest(`conversation\u0000${stableJson(parts.shared)}\u0000${stableJson(parts.opening)}`);
  return { conversation, shared };
}

/** The most specific stable-prefix hash of a body (conversation, else shared), for sticky routing. */
export function prefixHash(protocol: ProtocolName, body: unknown): string | undefined {
  const hashes = prefixHashes(protocol, body);
  return hashes.conversation ?? hashes.shared;
}

const STABLE_PARTS: Record<ProtocolName, (body: JsonObject) => StableParts> = {
  'anthropic-messages': (body) => {
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const first = messages[0];
    return {
      shared: present({ tools: body.tools, system: asBlocks(body.system, 'text') }),
      opening: isObject(first) && first.role === 'user' ? { ...first, content: asBlocks(first.content, 'text') } : undefined,
    };
  },
  'openai-chat': (body) => {
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const leading = leadingInstructions(messages);
    const first = messages[leading.length];
    return {
      shared: present({ tools: body.tools, system: leading.length > 0 ? leading.map((message) => withBlocks(message, 'text')) : undefined }),
      opening: isObject(first) && first.role === 'user' ? withBlocks(first, 'text') : undefined,
    };
  },
  'openai-responses': (body) => {
    const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : Array.isArray(body.input) ? body.input : [];
    const leading = leadingInstructions(input);
    const first = input[leading.length];
    const shared = present({ tools: body.tools, instructions: body.instructions, system: leading.length > 0 ? leading.map((item) => withBlocks(item, 'input_text')) : undefined });
    // A stored conversation is named by id; after `previous_response_id` alone the opening turn is
    // no longer in the body, so only the shared scope can be told.
    const conversation = typeof body.conversation === 'string' ? body.conversation : isObject(body.conversation) ? body.conversation.id : undefined;
    if (conversation !== undefined) return { shared, opening: { conversation } };
    if (body.previous_response_id !== undefined && body.previous_response_id !== null) return { shared, opening: undefined };
    return { shared, opening: isObject(first) && first.role === 'user' ? withBlocks(first, 'input_text') : undefined };
  },
  gemini: (body) => {
    const contents = Array.isArray(body.contents) ? body.contents : [];
    const first = contents[0];
    const systemParts = isObject(body.systemInstruction) ? body.systemInstruction.parts : undefined;
    return {
      shared: present({ tools: body.tools, system: systemParts, cachedContent: body.cachedContent }),
      opening: isObject(first) && (first.role === 'user' || first.role === undefined) ? { parts: first.parts } : undefined,
    };
  },
};

/** System and developer messages (or items) at the start of the conversation. */
function leadingInstructions(messages: unknown[]): unknown[] {
  let count = 0;
  while (count < messages.length) {
    const message = messages[count];
    if (!isObject(message) || (message.role !== 'system' && message.role !== 'developer')) break;
    count++;
  }
  return messages.slice(0, count);
}

/** The named parts that are set, as [name, value] pairs in a fixed order. */
function present(parts: Record<string, unknown>): unknown[] {
  return Object.entries(parts).filter(([, value]) => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0));
}

function asBlocks(content: unknown, textType: string): unknown {
  return typeof content === 'string' ? [{ type: textType, text: content }] : content;
}

function withBlocks(message: unknown, textType: string): unknown {
  return isObject(message) ? { ...message, content: asBlocks(message.content, textType) } : message;
}

/** JSON without `cache_control` markers, which move between turns without changing the prompt. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (key, inner: unknown) => (key === 'cache_control' ? undefined : inner)) ?? '';
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
