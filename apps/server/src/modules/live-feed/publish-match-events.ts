// Connects matching to the live feed without touching the matching module: identify and verify of
// the given service publish their committed events once the call has returned (its transaction has
// committed by then). An identify of an image without a face records an UNKNOWN event that its
// result does not name, so that event is not published.
import type { MatchingService } from '../matching/matching.service.js';
import type { LiveFeedService } from './live-feed.service.js';

/** Returns `matching` with identify and verify publishing their events to `liveFeed`. */
export function publishCommittedMatchEvents(
  matching: MatchingService,
  liveFeed: Pick<LiveFeedService, 'publishCommitted'>,
): MatchingService {
  const identify = matching.identify.bind(matching);
  const verify = matching.verify.bind(matching);
  matching.identify = async (actor, args) => {
    const result = await identify(actor, args);
    await liveFeed.publishCommitted(result.faces.map((f) => f.eventId));
    return result;
  };
  matching.verify = async (actor, args) => {
    const result = await verify(actor, args);
    await liveFeed.publishCommitted([result.eventId]);
    return result;
  };
  return matching;
}
