import { readDataUrl } from '../shared/media.js';

/**
 * Media rules of the Messages API (https://docs.anthropic.com/en/docs/build-with-claude/vision,
 * …/pdf-support): images are base64 JPEG/PNG/GIF/WebP or an https URL (a `url` source takes no
 * media type: langchainjs PR #8292); documents are base64 PDF, plain text, or a PDF URL.
 */
export { base64ToUtf8, isDataUrl, normalizeMediaType, toStandardBase64, utf8ToBase64 } from '../shared/media.js';

export const ANTHROPIC_IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
export type AnthropicImageMediaType = (typeof ANTHROPIC_IMAGE_MEDIA_TYPES)[number];

export function isAnthropicImageMediaType(mediaType: string): mediaType is AnthropicImageMediaType {
  return (ANTHROPIC_IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType);
}

/** `data:image/png;base64,…` → media type and standard base64; undefined when it is not such a URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const parsed = readDataUrl(url);
  return parsed === undefined ? undefined : { mediaType: parsed.mediaType, data: parsed.data };
}
