import { Buffer } from 'node:buffer';
import type { CanonicalMessage, CanonicalRequest, DocumentPart, ImagePart, MediaSource } from '../canonical/types.js';
import { GatewayError } from '../errors/catalogue.js';
import { isDataUrl, normalizeMediaType, readDataUrl, sniffBytes } from '../protocols/shared/media.js';

/**
 * Downloads URL images and URL documents into base64, for providers that take media only inline.
 *
 * Who needs it (the codecs decide nothing here; the gateway calls this before encoding for a provider):
 * - OpenAI Chat refuses documents by URL (`openai-chat` README), and many OpenAI-compatible servers
 *   (vLLM, local runtimes) cannot fetch image URLs at all;
 * - Gemini needs a MIME type beside every `fileData` URI and refuses a URL without a known extension;
 *   Vertex may refuse to fetch public URLs [conformance gemini/error-400-vertex-url.json];
 * - Anthropic fetches image URLs and PDF URLs itself, and OpenAI Responses takes both: no need there.
 *
 * Contract:
 * - Returns a new request; the input is not changed. Only `url` sources of images and documents (in
 *   user messages and in tool results) change, to `base64` sources with the fetched media type; every
 *   other field, and the part's detail, title and cache hint, stays as it was. Each distinct URL is
 *   fetched once. `data:` URLs are decoded locally, without any network access.
 * - `maxBytes` caps each body: a larger `content-length` fails before the body is read, and a body
 *   that streams past the cap is cancelled there (never buffered whole). `timeoutMs` bounds each
 *   download, headers and body together.
 * - The fetched type must be `image/*` for an image and `application/pdf` for a document; a missing or
 *   generic type (`application/octet-stream`) is read from the content's first bytes.
 * - Every failure is a `GatewayError('invalid_request')` (400) whose `param` is the part's canonical path
 *   (`messages[2].content[0].source.url`) and whose message names the URL's host only, never its path
 *   or query (they may carry tokens).
 * - It fetches whatever host the caller names: the gateway decides which hosts may be fetched (private
 *   and link-local addresses should be refused there, before calling this).
 */
export interface InlineUrlOptions {
  /** The most bytes one download may have. */
  maxBytes: number;
  /** The most milliseconds one download may take, headers and body together. */
  timeoutMs: number;
  /** The fetch to use (the global one by default). */
  fetch?: typeof fetch;
}

type MediaPart = ImagePart | DocumentPart;

interface Download {
  mediaType: string;
  data: string;
}

export async function inlineImageUrls(request: CanonicalRequest, options: InlineUrlOptions): Promise<CanonicalRequest> {
  const copy = structuredClone(request);
  const targets = urlParts(copy.messages);
  const downloads = new Map<string, Promise<Download>>();
  await Promise.all(
    targets.map(async ({ part, path }) => {
      const source = part.source;
      if (source.kind !== 'url') return;
      let download = downloads.get(source.url);
      if (download === undefined) {
        download = fetchMedia(source.url, options);
        // One URL fetched once; a failure is reported for the first part that named it.
        download.catch(() => undefined);
        downloads.set(source.url, download);
      }
      const { mediaType, data } = await download.catch((error: unknown) => {
        throw error instanceof MediaFetchError ? error.at(`${path}.source.url`) : error;
      });
      checkKind(part, mediaType, source.url, `${path}.source.url`);
      part.source = { kind: 'base64', mediaType, data } satisfies MediaSource;
    }),
  );
  return copy;
}

/** Every image or document with a URL source, with its canonical path. */
function urlParts(messages: CanonicalMessage[]): Array<{ part: MediaPart; path: string }> {
  const found: Array<{ part: MediaPart; path: string }> = [];
  messages.forEach((message, index) => {
    message.content.forEach((part, partIndex) => {
      const path = `messages[${index}].content[${partIndex}]`;
      if ((part.type === 'image' || part.type === 'document') && part.source.kind === 'url') found.push({ part, path });
      if (part.type !== 'tool-result') return;
      part.content.forEach((inner, innerIndex) => {
        if (inner.type === 'image' && inner.source.kind === 'url') found.push({ part: inner, path: `${path}.content[${innerIndex}]` });
      });
    });
  });
  return found;
}

/** A failure before its part is known: the path is added by the caller. */
class MediaFetchError extends Error {
  at(param: string): GatewayError {
    return new GatewayError('invalid_request', `${param}: ${this.message}`, { param, cause: this.cause });
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an unparseable URL';
  }
}

async function fetchMedia(url: string, options: InlineUrlOptions): Promise<Download> {
  if (isDataUrl(url)) {
    const parsed = readDataUrl(url);
    if (parsed === undefined) throw new MediaFetchError('the data: URL has no comma between its header and its data');
    return { mediaType: parsed.mediaType === '' ? (sniffBytes(Buffer.from(parsed.data.slice(0, 24), 'base64')) ?? 'text/plain') : parsed.mediaType, data: parsed.data };
  }
  const host = hostOf(url);
  if (!/^https?:\/\//i.test(url)) throw new MediaFetchError(`only http(s) URLs can be fetched, not the one for ${host}`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const response = await (options.fetch ?? fetch)(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel();
      throw new MediaFetchError(`fetching the media from ${host} failed with HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      await response.body?.cancel();
      throw tooLarge(host, options.maxBytes);
    }
    const bytes = await readCapped(response, options.maxBytes, host);
    const header = normalizeMediaType(response.headers.get('content-type') ?? '');
    const mediaType = header === '' || header === 'application/octet-stream' ? sniffBytes(bytes) : header;
    if (mediaType === undefined) throw new MediaFetchError(`the media from ${host} names no content type and is not a recognised image or PDF`);
    return { mediaType, data: bytes.toString('base64') };
  } catch (error) {
    if (error instanceof MediaFetchError) throw error;
    if (controller.signal.aborted) throw new MediaFetchError(`fetching the media from ${host} timed out after ${options.timeoutMs} ms`, { cause: error });
    throw new MediaFetchError(`fetching the media from ${host} failed: ${networkReason(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function tooLarge(host: string, maxBytes: number): MediaFetchError {
  return new MediaFetchError(`the media from ${host} is larger than the ${maxBytes}-byte limit`);
}

/** Reads the body chunk by chunk and stops (cancelling the rest) as soon as it passes the cap. */
async function readCapped(response: Response, maxBytes: number, host: string): Promise<Buffer> {
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(host, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** A network failure's reason without the URL it may quote (undici puts the cause's code there). */
/** Thrown by a `fetch` that refuses a URL before connecting (e.g. a private address); its message is shown. */
export class RefusedUrlError extends Error {
  override readonly name = 'RefusedUrlError';
}

function networkReason(error: unknown): string {
  if (error instanceof RefusedUrlError) return error.message;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return 'the connection failed';
}

function checkKind(part: MediaPart, mediaType: string, url: string, param: string): void {
  const host = hostOf(url);
  if (part.type === 'image' && !mediaType.startsWith('image/')) {
    throw new GatewayError('invalid_request', `${param}: the image from ${host} is ${mediaType}, not an image`, { param });
  }
  if (part.type === 'document' && mediaType !== 'application/pdf') {
    throw new GatewayError('invalid_request', `${param}: the document from ${host} is ${mediaType}, not a PDF`, { param });
  }
}
