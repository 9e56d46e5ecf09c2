/**
 * Middle truncation: cut the middle out of the longest text parts, keeping each one's beginning and
 * end (where documents and logs carry their title, summary and conclusion) and leaving a marker
 * `[… N tokens omitted …]` so the model knows something is missing. Only text the user supplied is
 * cut: user message text and tool-result text. System text (instructions), assistant text and
 * reasoning (which signatures may bind), tool-call arguments (JSON) and media are never touched.
 *
 * The token estimate has no position map, so each cut converts tokens to characters at the part's
 * own density, cuts a little extra, and the loop re-measures until the request fits or no part can
 * shrink further.
 */
import type { CanonicalMessage, CanonicalRequest, TextPart } from '../canonical/types.js';
import { estimateRequestTokens, estimateTextTokens } from '../routing/token-estimate.js';

export interface TruncateResult {
  request: CanonicalRequest;
  inputTokens: number;
  omittedTokens: number;
  /** How many text parts were cut. */
  partsCut: number;
  fits: boolean;
}

/** Characters kept at each end of a cut part: enough to show what the text was. */
const KEEP_EACH_END = 200;
/** Where a cut may move to end on a line or word break. */
const SNAP_WINDOW = 200;
/** Extra tokens cut beyond the excess, so one estimate's error rarely costs another round. */
const SLACK_TOKENS = 16;
const MAXIMUM_ROUNDS = 64;

/** A text part's address: message index, part index, and the index inside a tool result (-1 for a plain text part). */
interface Site {
  message: number;
  part: number;
  inner: number;
  original: string;
  /** Characters of the original kept at the start and at the end. */
  head: number;
  tail: number;
  /** Estimated tokens of the part's current text. */
  tokens: number;
  /** Cut as far as it goes. */
  exhausted: boolean;
}

export function truncateMiddle(request: CanonicalRequest, inputTokens: number, limit: number): TruncateResult {
  const sites = textSites(request.messages);
  let messages = request.messages;
  let total = inputTokens;
  const cut = new Set<Site>();
  for (let round = 0; round < MAXIMUM_ROUNDS; round++) {
    if (total <= limit) {
      // The running total adds per-part estimates; confirm on the whole request.
      total = estimateRequestTokens({ ...request, messages });
      if (total <= limit) break;
    }
    const site = longestShrinkable(sites);
    if (site === undefined) break;
    const before = site.tokens;
    const density = Math.max(estimateTextTokens(site.original) / site.original.length, 1e-6);
    const removeChars = Math.ceil((total - limit + SLACK_TOKENS + markerTokens(site)) / density);
    shrink(site, site.head + site.tail - removeChars);
    const text = siteText(site);
    site.tokens = estimateTextTokens(text);
    total += site.tokens - before;
    messages = withText(messages, site, text);
    if (site.head + site.tail < site.original.length) cut.add(site);
  }
  if (cut.size === 0) return { request, inputTokens, omittedTokens: 0, partsCut: 0, fits: inputTokens <= limit };
  const truncated = { ...request, messages };
  const finalTokens = estimateRequestTokens(truncated);
  const omittedTokens = [...cut].reduce((sum, site) => sum + omitted(site), 0);
  return { request: truncated, inputTokens: finalTokens, omittedTokens, partsCut: cut.size, fits: finalTokens <= limit };
}

function textSites(messages: readonly CanonicalMessage[]): Site[] {
  const sites: Site[] = [];
  const add = (message: number, part: number, inner: number, text: TextPart): void => {
    if (text.text.length > 2 * KEEP_EACH_END + SNAP_WINDOW) {
      sites.push({ message, part, inner, original: text.text, head: Math.ceil(text.text.length / 2), tail: Math.floor(text.text.length / 2), tokens: estimateTextTokens(text.text), exhausted: false });
    }
  };
  messages.forEach((message, messageIndex) => {
    if (message.role === 'user') message.content.forEach((part, partIndex) => part.type === 'text' && add(messageIndex, partIndex, -1, part));
    if (message.role === 'tool') {
      message.content.forEach((part, partIndex) => part.content.forEach((inner, innerIndex) => inner.type === 'text' && add(messageIndex, partIndex, innerIndex, inner)));
    }
  });
  return sites;
}

function longestShrinkable(sites: Site[]): Site | undefined {
  let longest: Site | undefined;
  for (const site of sites) {
    if (site.exhausted) continue;
    if (longest === undefined || site.tokens > longest.tokens) longest = site;
  }
  return longest;
}

/** Keep `keep` characters in all, half at each end, each end moved to a line or word break nearby. */
function shrink(site: Site, keep: number): void {
  const { original } = site;
  const kept = Math.max(2 * KEEP_EACH_END, keep);
  let head = snapBack(original, Math.ceil(kept / 2));
  let tailStart = snapForward(original, original.length - Math.floor(kept / 2));
  if (tailStart <= head) tailStart = head;
  // Never split a surrogate pair.
  if (isLowSurrogate(original.charCodeAt(head))) head -= 1;
  if (isLowSurrogate(original.charCodeAt(tailStart))) tailStart += 1;
  const before = site.head + site.tail;
  site.head = Math.min(head, site.head);
  site.tail = Math.min(original.length - tailStart, site.tail);
  site.exhausted = site.head + site.tail >= before || site.head + site.tail <= 2 * KEEP_EACH_END;
}

function snapBack(text: string, index: number): number {
  for (let at = index; at > index - SNAP_WINDOW && at > KEEP_EACH_END / 2; at--) if (isBreak(text.charCodeAt(at - 1))) return at;
  return index;
}

function snapForward(text: string, index: number): number {
  for (let at = index; at < index + SNAP_WINDOW && at < text.length - KEEP_EACH_END / 2; at++) if (isBreak(text.charCodeAt(at))) return at;
  return index;
}

const isBreak = (code: number): boolean => code === 10 || code === 32 || code === 9;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

function omitted(site: Site): number {
  return estimateTextTokens(site.original.slice(site.head, site.original.length - site.tail));
}

function marker(tokens: number): string {
  return `\n\n[… ${tokens.toLocaleString('en-US')} tokens omitted …]\n\n`;
}

function markerTokens(site: Site): number {
  return estimateTextTokens(marker(site.tokens));
}

function siteText(site: Site): string {
  const { original, head, tail } = site;
  if (head + tail >= original.length) return original;
  return `${original.slice(0, head)}${marker(omitted(site))}${original.slice(original.length - tail)}`;
}

/** The messages with one text part replaced; only the objects on the way to it are copied. */
function withText(messages: readonly CanonicalMessage[], site: Site, text: string): CanonicalMessage[] {
  return messages.map((message, index) => {
    if (index !== site.message) return message;
    if (message.role === 'user') {
      return { ...message, content: message.content.map((part, partIndex) => (partIndex === site.part && part.type === 'text' ? { ...part, text } : part)) };
    }
    if (message.role === 'tool') {
      return {
        ...message,
        content: message.content.map((part, partIndex) =>
          partIndex === site.part ? { ...part, content: part.content.map((inner, innerIndex) => (innerIndex === site.inner && inner.type === 'text' ? { ...inner, text } : inner)) } : part,
        ),
      };
    }
    return message;
  });
}
