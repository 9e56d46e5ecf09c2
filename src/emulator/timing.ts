/**
 * Latency model and cancellable waiting. Time to first token grows with the prompt (and with
 * reasoning, which happens before the first visible token); output arrives at the model's
 * tokens_per_second. `timeScale` multiplies every modelled delay: 0 for tests, 1 for the demo.
 */
import type { CatalogModel } from './catalog.js';

export function firstTokenDelayMs(model: CatalogModel, inputTokens: number, reasoningTokens: number, timeScale: number): number {
  const prefill = model.ttftMs + (model.ttftPer1kInputMs * inputTokens) / 1000;
  const thinking = (reasoningTokens / model.tokensPerSecond) * 1000;
  return (prefill + thinking) * timeScale;
}

export function millisecondsPerToken(model: CatalogModel, timeScale: number): number {
  return (1000 / model.tokensPerSecond) * timeScale;
}

/** Resolves after `milliseconds`, or at once when the signal aborts (callers check the signal). */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  if (milliseconds <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, milliseconds);
    signal.addEventListener('abort', finish, { once: true });
  });
}

/** Resolves only when the signal aborts: a request that never gets an answer. */
export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
