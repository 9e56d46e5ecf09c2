/** What automatic prompt caching did to one provider-bound body. */
export interface PromptCachingResult {
  /** The body to send: the input object itself when nothing changed, otherwise a copy (the input is never modified). */
  body: Record<string, unknown>;
  changed: boolean;
  /** One line for logs and the explain output, e.g. "added 2 cache breakpoint(s) (tail ~5120, system ~2210 tokens; minimum 1024)". */
  description: string;
}
