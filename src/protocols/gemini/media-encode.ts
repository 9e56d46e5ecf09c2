/**
 * Canonical media sources → `inlineData` / `fileData` parts.
 *
 * - base64 → `inlineData {mimeType, data}`; `data:` URLs are parsed into the same.
 * - http(s) URLs → `fileData {mimeType, fileUri}`. Gemini needs the MIME type: the source's, else the
 *   one implied by the URL's extension, else the request is refused (YouTube links need none).
 *   Vertex may still refuse to fetch a URL [conformance gemini/error-400-vertex-url.json].
 * - `file` sources must be Gemini file URIs (`files/…`, Files API URIs, `gs://`); another provider's
 *   file id is refused, since Gemini cannot read it.
 */
import type { MediaSource } from '../../canonical/types.js';
import { joinPath, unsupportedFeature } from './fields.js';
import { inferMediaTypeFromUrl, isGeminiFileUri, isYouTubeUrl, normalizeMediaType, parseDataUrl } from './media.js';
import type { GeminiPart } from './wire-types.js';

function requireMediaType(explicit: string | undefined, uri: string, path: string): string {
  const mediaType = explicit ?? inferMediaTypeFromUrl(uri);
  if (mediaType === undefined) {
    throw unsupportedFeature(
      joinPath(path, 'mediaType'),
      `Gemini needs a MIME type for ${JSON.stringify(uri)} and none was given or implied by a file extension`,
    );
  }
  return normalizeMediaType(mediaType);
}

export function encodeMediaSource(source: MediaSource, path: string): GeminiPart {
  switch (source.kind) {
    case 'base64':
      return { inlineData: { mimeType: normalizeMediaType(source.mediaType), data: source.data } };
    case 'url': {
      const dataUrl = parseDataUrl(source.url);
      if (dataUrl !== undefined) return { inlineData: { mimeType: source.mediaType ?? dataUrl.mediaType, data: dataUrl.data } };
      if (!/^https?:\/\//i.test(source.url)) {
        throw unsupportedFeature(joinPath(path, 'url'), `Gemini fetches only http(s) URLs, got ${JSON.stringify(source.url.slice(0, 40))}`);
      }
      if (source.mediaType === undefined && isYouTubeUrl(source.url)) return { fileData: { fileUri: source.url } };
      return { fileData: { mimeType: requireMediaType(source.mediaType, source.url, path), fileUri: source.url } };
    }
    case 'file':
      if (!isGeminiFileUri(source.fileId)) {
        throw unsupportedFeature(
          joinPath(path, 'fileId'),
          `${JSON.stringify(source.fileId)} is another provider's file id; Gemini reads only its own file URIs (files/…, gs://…)`,
        );
      }
      return { fileData: { mimeType: requireMediaType(source.mediaType, source.fileId, path), fileUri: source.fileId } };
  }
}
