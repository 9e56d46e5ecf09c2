/**
 * Media helpers: base64url normalisation, MIME types, data URLs and Gemini file URIs.
 */

import { readDataUrl, type DataUrl } from '../shared/media.js';

/**
 * The Python Gemini SDK sends `inlineData.data` and `thoughtSignature` as base64url (`_9j_…`)
 * [conformance gemini/generate-image-inline-after-tool.request.json]; other providers only take
 * standard base64, so decoders normalise (same bytes, different alphabet). `image/jpg` becomes
 * `image/jpeg` (Anthropic accepts only that).
 */
export { normalizeMediaType, toStandardBase64 } from '../shared/media.js';

const EXTENSION_MEDIA_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/md',
  html: 'text/html',
  htm: 'text/html',
  csv: 'text/csv',
  xml: 'text/xml',
  json: 'application/json',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  aiff: 'audio/aiff',
  mp4: 'video/mp4',
  mpeg: 'video/mpeg',
  mov: 'video/mov',
  avi: 'video/avi',
  webm: 'video/webm',
  wmv: 'video/wmv',
  flv: 'video/x-flv',
  '3gp': 'video/3gpp',
};

/** The MIME type implied by a URL's file extension, if it has a known one. */
export function inferMediaTypeFromUrl(url: string): string | undefined {
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // gs:// and files/ URIs are not always WHATWG-parseable; fall back to the raw text.
  }
  const match = /\.([a-z0-9]+)$/i.exec(pathname.split(/[?#]/)[0] ?? '');
  const extension = match?.[1];
  return extension === undefined ? undefined : EXTENSION_MEDIA_TYPES[extension.toLowerCase()];
}

/** Gemini fetches YouTube links itself and needs no MIME type for them. */
export function isYouTubeUrl(url: string): boolean {
  return /^https?:\/\/(www\.|m\.)?(youtube\.com|youtu\.be)\//i.test(url);
}

/**
 * URIs that name a file stored at Google (Files API names and URIs, Cloud Storage): provider-bound,
 * so they decode to a `file` source, not a fetchable URL.
 */
export function isGeminiFileUri(uri: string): boolean {
  return (
    uri.startsWith('gs://') ||
    uri.startsWith('files/') ||
    /^https:\/\/generativelanguage\.googleapis\.com\/[^?#]*\/files\//.test(uri)
  );
}

/** Parses `data:<type>[;params][;base64],<payload>` generically; a URL naming no type is `text/plain` (RFC 2397). */
export function parseDataUrl(url: string): Pick<DataUrl, 'mediaType' | 'data'> | undefined {
  const parsed = readDataUrl(url);
  if (parsed === undefined) return undefined;
  return { mediaType: parsed.mediaType === '' ? 'text/plain' : parsed.mediaType, data: parsed.data };
}
