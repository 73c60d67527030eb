// @faceledger/client: a typed client of the FaceLedger API (see docs/API.md "TypeScript client").
export { FaceLedgerClient } from './client.js';
export type {
  CompareResult,
  CreatedApiKey,
  DetectResult,
  EnrollFaceResult,
  FaceLedgerClientOptions,
  Gallery,
  IdentifyResult,
  Identity,
  LiveMatchEvent,
  Upload,
  VerifyResult,
} from './client.js';
export { FaceLedgerError, type GraphQLErrorEntry } from './errors.js';
export { MAX_INLINE_IMAGE_BYTES, type ImageSource } from './images.js';
export type { LiveFeedHandlers, LiveFeedIterator, LiveFeedSubscription } from './live-feed.js';
// Every typed document (IdentifyDocument, ...) and type (IdentifyMutation, ImageInput, ...), for client.request().
export * from './generated/graphql.js';
