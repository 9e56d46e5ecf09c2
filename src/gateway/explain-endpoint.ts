import type { ProtocolName } from '../canonical/types.js';
import type { GatewayConfig } from '../config/types.js';
import { GatewayError } from '../errors/catalogue.js';
import { describeProfile } from '../routing/profile.js';
import { describePlan, type PriceLookup } from '../routing/plan.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './http-types.js';
import { ANTHROPIC_INGRESS, GEMINI_INGRESS, OPENAI_CHAT_INGRESS, OPENAI_RESPONSES_INGRESS, type Ingress } from './ingress.js';
import { planCall, type EndpointDependencies } from './protocol-endpoint.js';

const INGRESSES: Record<ProtocolName, Ingress> = {
  'openai-chat': OPENAI_CHAT_INGRESS,
  'openai-responses': OPENAI_RESPONSES_INGRESS,
  'anthropic-messages': ANTHROPIC_INGRESS,
  gemini: GEMINI_INGRESS,
};

/**
 * POST /v1/route/explain: the routing decision for a request, without calling a provider. The body is
 * the request as the client would send it; `?protocol=` names its protocol (default openai-chat) and,
 * for Gemini, `?model=` the model its URL would carry. Headers that steer routing
 * (x-switchyard-task, -latency, -session) count as they would on the real call.
 */
export function explainRoute(dependencies: EndpointDependencies, request: GatewayRequest): GatewayResponse {
  const query = new URLSearchParams(request.query);
  const protocol = (query.get('protocol') ?? 'openai-chat') as ProtocolName;
  const ingress = INGRESSES[protocol];
  if (ingress === undefined) {
    throw new GatewayError('invalid_request', `Unknown protocol "${protocol}": use one of ${Object.keys(INGRESSES).join(', ')}.`, { param: 'protocol' });
  }
  const stream = query.get('stream') === 'true';
  const { profile, plan } = planCall(dependencies, ingress, request, query.get('model') ?? undefined, stream, true);
  return jsonResponse(200, { profile: describeProfile(profile), ...describePlan(plan, dependencies.health) });
}

/** USD per million input and output tokens for a deployment, from the config's price catalog. */
export function configuredPrices(config: GatewayConfig): PriceLookup {
  return (target) => {
    const provider = config.providers.get(target.provider);
    if (provider === undefined) return undefined;
    const price = config.prices.lookup({ kind: provider.kind, model: target.upstreamModel, provider: provider.name });
    return price === undefined ? undefined : { input: price.rates.input / 1e6, output: price.rates.output / 1e6 };
  };
}
