import type { MediaSource } from '../../canonical/types.js';
import { fail, type FailureCode } from './read.js';

/**
 * Media in the Responses API travels as `image_url` / `file_url` strings (https or RFC 2397 data
 * URLs), as inline `file_data`, or as an OpenAI `file_id`. Canonical media holds standard base64 and a
 * normalised media type so every other protocol can take it.
 */

const mediaTypeAliases: Record<string, string> = {
  // Anthropic accepts only image/jpeg for JPEG (PROTOCOLS.md trap 12); browsers and SDKs send all three.
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
};

export function normalizeMediaType(mediaType: string): string {
  const bare = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaTypeAliases[bare] ?? bare;
}

export function isDataUrl(url: string): boolean {
  return url.slice(0, 5).toLowerCase() === 'data:';
}

/** base64url → base64, whitespace removed, padding restored (the Python Gemini SDK writes base64url). */
export function toStandardBase64(text: string): string {
  let result = /\s/.test(text) ? text.replace(/\s+/g, '') : text;
  if (result.includes('-') || result.includes('_')) result = result.replace(/-/g, '+').replace(/_/g, '/');
  const remainder = result.length % 4;
  if (remainder === 2) result += '==';
  else if (remainder === 3) result += '=';
  return result;
}

/**
 * A data URL as canonical base64 media. Parameters (`;charset=…`) are skipped; percent-encoded data
 * is re-encoded as base64; `image/jpg` becomes `image/jpeg`.
 */
export function parseDataUrl(url: string, path: string, code: FailureCode = 'invalid_request'): { mediaType: string; data: string } {
  const comma = url.indexOf(',');
  if (!isDataUrl(url) || comma === -1) fail(path, 'expected a data URL of the form data:<media type>;base64,<data>', code);
  const header = url.slice(5, comma).split(';');
  const isBase64 = header.length > 1 && header[header.length - 1]?.trim().toLowerCase() === 'base64';
  const raw = url.slice(comma + 1);
  let data: string;
  try {
    data = isBase64 ? toStandardBase64(raw) : Buffer.from(decodeURIComponent(raw), 'utf8').toString('base64');
  } catch {
    return fail(path, 'the data URL is not valid percent-encoded text', code);
  }
  const mediaType = normalizeMediaType(header[0] ?? '');
  if (mediaType === '') fail(path, 'the data URL names no media type', code);
  return { mediaType, data };
}

export function toDataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** An `image_url` / `file_url` value as a canonical source: data URLs become base64, others stay URLs. */
export function sourceFromUrl(url: string, path: string, code: FailureCode = 'invalid_request'): MediaSource {
  if (isDataUrl(url)) {
    const { mediaType, data } = parseDataUrl(url, path, code);
    return { kind: 'base64', mediaType, data };
  }
  if (!/^https?:\/\//i.test(url)) fail(path, 'expected an http(s) URL or a data URL', code);
  return { kind: 'url', url };
}

const extensionTypes: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

export function mediaTypeForFilename(filename: string | undefined): string | undefined {
  if (filename === undefined || !filename.includes('.')) return undefined;
  const extension = filename.split('.').pop()?.toLowerCase();
  return extension === undefined ? undefined : extensionTypes[extension];
}

const defaultExtensions: Record<string, string> = { 'application/pdf': 'pdf', 'text/plain': 'txt', 'text/markdown': 'md', 'text/csv': 'csv' };

/** OpenAI requires a `filename` beside `file_data`; a plain one is invented when the document has no title. */
export function defaultFilename(mediaType: string): string {
  return `document.${defaultExtensions[mediaType] ?? mediaType.split('/').pop() ?? 'bin'}`;
}
