/** Switchyard as a library: the same gateway the CLI runs, as a fetch-style handler. */
export { createGateway, type Gateway, type GatewayOptions } from './gateway/create-gateway.js';
export type { GatewayRequest, GatewayResponse } from './gateway/http-types.js';
export { loadConfigFile, parseConfig, ConfigError, type ConfigIssue } from './config/load.js';
export type { GatewayConfig } from './config/types.js';
export { listen, type RunningServer } from './server/node-server.js';
export { createLogger } from './logging/logger.js';
export { GatewayError, ERROR_CATALOGUE, type ErrorCode } from './errors/catalogue.js';
export { startEmulator, loadEmulatorConfig } from './emulator/index.js';
export type * from './canonical/types.js';
