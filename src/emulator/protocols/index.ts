/**
 * Every provider surface the emulator serves. A new wire format (Anthropic Messages, OpenAI
 * Responses, Gemini) is one more module in this list; the server consults nothing else.
 */
import { anthropicModule } from './anthropic/index.js';
import { geminiModule, vertexGeminiModule } from './gemini/index.js';
import { azureOpenAiModule, openAiModule } from './openai-chat.js';
import type { ProtocolModule } from './protocol.js';

export const PROTOCOL_MODULES: readonly ProtocolModule[] = [openAiModule, azureOpenAiModule, anthropicModule, geminiModule, vertexGeminiModule];

/** Paths outside every prefix get OpenAI's error shape. */
export const FALLBACK_MODULE: ProtocolModule = openAiModule;
