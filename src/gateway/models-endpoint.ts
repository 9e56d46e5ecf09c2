import type { GatewayConfig } from '../config/types.js';
import { jsonResponse, type GatewayResponse } from './http-types.js';

/**
 * GET /v1/models in OpenAI's list format: every route alias and every catalog model the caller may
 * use (`allowed` filters by route alias or model id).
 */
export function listModels(config: GatewayConfig, startedAt: number, allowed: (id: string, kind: 'route' | 'model') => boolean = () => true): GatewayResponse {
  const created = Math.floor(startedAt / 1000);
  const data = [
    ...[...config.routes.values()].filter((route) => allowed(route.alias, 'route')).map((route) => ({
      id: route.alias,
      object: 'model',
      created,
      owned_by: 'switchyard',
      switchyard: {
        kind: 'route',
        targets: route.choice.targets.map((target) => target.modelId),
        fallbacks: route.choice.fallbacks.map((target) => target.modelId),
        strategy: route.choice.strategy,
        rules: route.rules.map((rule) => rule.name),
        description: route.description ?? null,
      },
    })),
    ...[...config.models.values()].filter((model) => allowed(model.id, 'model')).map((model) => ({
      id: model.id,
      object: 'model',
      created,
      owned_by: model.provider,
      switchyard: {
        kind: 'model',
        upstream: model.upstream,
        context_window: model.contextWindow ?? null,
        max_output: model.maxOutput ?? null,
        capabilities: [...model.capabilities],
      },
    })),
  ];
  return jsonResponse(200, { object: 'list', data });
}
