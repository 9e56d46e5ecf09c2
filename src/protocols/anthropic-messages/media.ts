import { Buffer } from 'node:buffer';

/**
 * Media rules of the Messages API (https://docs.anthropic.com/en/docs/build-with-claude/vision,
 * …/pdf-support): images are base64 JPEG/PNG/GIF/WebP or an https URL (a `url` source takes no
 * media type: langchainjs PR #8292); documents are base64 PDF, plain text, or a PDF URL.
 */

export const ANTHROPIC_IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
export type AnthropicImageMediaType = (typeof ANTHROPIC_IMAGE_MEDIA_TYPES)[number];

const MEDIA_TYPE_ALIASES: Record<string, string> = {
  // Anthropic accepts only image/jpeg for JPEG (PROTOCOLS.md trap 12: hermes-agent #55432, litellm-rs PR #401).
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
};

/** `Image/JPG; charset=binary` → `image/jpeg`. */
export function normalizeMediaType(mediaType: string): string {
  const bare = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return MEDIA_TYPE_ALIASES[bare] ?? bare;
}

export function isAnthropicImageMediaType(mediaType: string): mediaType is AnthropicImageMediaType {
  return (ANTHROPIC_IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType);
}

/** base64url (the Python Gemini SDK's `_9j_…`) → standard padded base64; whitespace removed. */
export function toStandardBase64(text: string): string {
  let data = text.replace(/\s+/g, '');
  if (/[-_]/.test(data)) data = data.replace(/-/g, '+').replace(/_/g, '/');
  const remainder = data.length % 4;
  if (remainder === 2) data += '==';
  else if (remainder === 3) data += '=';
  return data;
}

export function isDataUrl(url: string): boolean {
  return url.slice(0, 5).toLowerCase() === 'data:';
}

/** `data:image/png;base64,…` → media type and standard base64; undefined when it is not such a URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const comma = url.indexOf(',');
  if (!isDataUrl(url) || comma === -1) return undefined;
  const header = url.slice(5, comma).split(';');
  const isBase64 = header.length > 1 && header[header.length - 1]?.trim().toLowerCase() === 'base64';
  const raw = url.slice(comma + 1);
  const data = isBase64 ? toStandardBase64(raw) : Buffer.from(decodeURIComponent(raw), 'utf8').toString('base64');
  return { mediaType: normalizeMediaType(header[0] ?? ''), data };
}

/** Plain-text document sources carry text; canonical media carries base64. */
export function utf8ToBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function base64ToUtf8(data: string): string {
  return Buffer.from(toStandardBase64(data), 'base64').toString('utf8');
}
