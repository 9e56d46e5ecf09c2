/**
 * Request limits every provider enforces: the prompt must fit the context window, and the
 * requested output cap must not exceed the model's, nor overflow the window with the prompt.
 */
import type { CatalogModel } from '../catalog.js';
import { emulatorError, type EmulatorError } from '../errors.js';
import type { EmulatorPrompt } from '../types.js';

export function checkLimits(prompt: EmulatorPrompt, model: CatalogModel, inputTokens: number): EmulatorError | undefined {
  const requestedOutput = prompt.maxOutputTokens;
  if (requestedOutput !== undefined && requestedOutput > model.maxOutput) {
    return emulatorError('output-limit-exceeded', 400, `max output tokens ${requestedOutput} exceeds the model's ${model.maxOutput}.`, {
      model: model.name, limit: model.maxOutput, outputTokens: requestedOutput,
    });
  }
  const requestedTotal = inputTokens + (requestedOutput ?? 0);
  if (inputTokens > model.contextWindow || requestedTotal > model.contextWindow) {
    return emulatorError('context-length-exceeded', 400, `The prompt (${inputTokens} tokens) does not fit the context window of ${model.contextWindow} tokens.`, {
      model: model.name, limit: model.contextWindow, requestedTokens: requestedTotal, inputTokens, outputTokens: requestedOutput ?? 0,
    });
  }
  return undefined;
}
