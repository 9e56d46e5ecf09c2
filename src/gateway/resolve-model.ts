import type { GatewayConfig, TargetRef } from '../config/types.js';
import { GatewayError } from '../errors/catalogue.js';

export interface Resolution {
  /** The route alias the caller named, if it named one. */
  route: string | undefined;
  target: TargetRef;
}

/** A model name as clients send it into one place it can go (the route's first default target), for calls that are not routed (token counting). */
export function resolveModel(config: GatewayConfig, name: string): Resolution {
  const route = config.routes.get(name);
  if (route !== undefined) return { route: name, target: route.choice.targets[0]! };
  const known = config.models.get(name);
  if (known !== undefined) return { route: undefined, target: { provider: known.provider, upstreamModel: known.upstream, modelId: known.id } };
  const slash = name.indexOf('/');
  if (slash > 0 && slash < name.length - 1 && config.providers.has(name.slice(0, slash))) {
    return { route: undefined, target: { provider: name.slice(0, slash), upstreamModel: name.slice(slash + 1), modelId: name } };
  }
  const hint = config.routes.size > 0 ? `; routes: ${[...config.routes.keys()].slice(0, 10).join(', ')}` : '';
  throw new GatewayError(
    'model_not_found',
    `The model "${name}" does not exist here: name a route alias or provider/model with a configured provider (${[...config.providers.keys()].join(', ') || 'none configured'})${hint}`,
    { param: 'model' },
  );
}
