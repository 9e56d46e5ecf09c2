import { fail, type FailureCode } from '../shared/field-reader.js';
import { isBase64Text, isDataUrl, readDataUrl, sniffMediaType, type DataUrl } from '../shared/media.js';

/**
 * Media in Chat travels as URLs: `https://…` or `data:<type>[;params][;base64],<data>`. The generic
 * facts live in `../shared/media.ts`; this file holds Chat's refusals and wording.
 */
export { defaultFilename, isDataUrl, mediaTypeForFilename, normalizeMediaType, sniffMediaType, toDataUrl, toStandardBase64 } from '../shared/media.js';

/**
 * Parses any RFC 2397 data URL (see `readDataUrl`); a base64 payload must be valid base64, and a
 * missing or generic media type is sniffed from the first bytes.
 */
export function parseDataUrl(url: string, path: string, code: FailureCode = 'invalid_request'): Pick<DataUrl, 'mediaType' | 'data'> {
  const parsed = readDataUrl(url) ?? fail(path, 'expected a data URL of the form data:<media type>;base64,<data>', code);
  if (parsed.base64 && !isBase64Text(parsed.data)) fail(path, 'the data URL is marked base64 but its data is not valid base64', code);
  let mediaType = parsed.mediaType;
  if (mediaType === '' || mediaType === 'application/octet-stream') {
    mediaType = sniffMediaType(parsed.data) ?? fail(path, 'the data URL names no media type and its content is not a recognised image or PDF', code);
  }
  return { mediaType, data: parsed.data };
}

/** Only http(s) URLs and data URLs are images Chat understands. */
export function checkImageUrl(url: string, path: string): void {
  if (isDataUrl(url)) return;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') {
    fail(path, `image URLs must be https:// or data: URLs, got ${scheme === undefined ? 'no scheme' : `"${scheme}:"`}`);
  }
}
