/**
 * A stand-in for Slack for end-to-end tests and benchmarks: the Web API, response_url, uploads and
 * Socket Mode over real HTTP/WebSocket on 127.0.0.1, plus a client that sends signed requests to a
 * Bolt app.
 */
export {
  type ClickOptions,
  type CommandResponse,
  type CommandTarget,
  type DeliveryOptions,
  type InteractionResponse,
  type SimOptions,
  type SimResponse,
  SlackClientSim,
} from './client.js';
export {
  DEFAULT_PER_MINUTE,
  type Fault,
  FaultPlan,
  type LimitOptions,
  type LimitVerdict,
  peakInWindow,
  RateLimiter,
} from './limits.js';
export { type Answer, type Args, publicMessage, type UserProfile } from './methods.js';
export * as payloads from './payloads.js';
export { type EnvelopeType, type SendOptions, type SocketAck, SocketLink } from './socket.js';
export {
  type RecordedCall,
  type RecordedResponse,
  SlackStandin,
  type StandinOptions,
  startSlackStandin,
} from './standin.js';
export type {
  Block,
  EphemeralMessage,
  InteractionOrigin,
  SlackIdentity,
  StoredFile,
  StoredMessage,
  StoredView,
} from './store.js';
