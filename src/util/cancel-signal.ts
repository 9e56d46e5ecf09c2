/**
 * A cancellation signal on Node's EventEmitter. The gateway makes one per request and one per
 * upstream attempt; the Web AbortController/AbortSignal pair costs several times as much to create
 * and to listen to (EventTarget), which showed up as a few percent of every proxied request.
 * undici accepts any EventEmitter with `aborted` and `reason` as a request's `signal`.
 */
import { EventEmitter } from 'node:events';

export class CancelSignal extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  /** Aborts once; later calls do nothing. Listeners of `abort` run synchronously. */
  abort(reason: unknown = new Error('This operation was aborted')): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort', reason);
  }

  /** Run `listener` on abort (at once when already aborted); returns the function that unsubscribes. */
  onAbort(listener: (reason: unknown) => void): () => void {
    if (this.aborted) {
      listener(this.reason);
      return noop;
    }
    this.once('abort', listener);
    return () => this.off('abort', listener);
  }

  /** A signal that aborts when `parent` does; `detach` stops following it. */
  static following(parent: CancelSignal): { signal: CancelSignal; detach: () => void } {
    const signal = new CancelSignal();
    const detach = parent.onAbort((reason) => signal.abort(reason));
    return { signal, detach };
  }

  /** Follows a Web AbortSignal (a fetch-style caller's). */
  static fromAbortSignal(source: AbortSignal): CancelSignal {
    const signal = new CancelSignal();
    if (source.aborted) signal.abort(source.reason);
    else source.addEventListener('abort', () => signal.abort(source.reason), { once: true });
    return signal;
  }
}

function noop(): void {}
