// The verdicts that teach nothing and the two-reviewer rule, over HTTP GraphQL on PGlite and
// PostgreSQL with real photos. UNKNOWN (a correct "nobody of the gallery") and DISMISS take an event
// out of the queue without a negative exemplar: the same probe is not demoted afterwards, as it is
// after a REJECT. A gallery that requires two confirmations keeps an identification in the queue, not
// confirmed, after one CONFIRM; the same reviewer cannot count twice; a second reviewer settles it.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { lfwInput } from '../../../test/test-data.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';

const IDENTIFY = `
  mutation Identify($galleryId: ID!, $image: ImageInput!, $threshold: Float) {
    identify(galleryId: $galleryId, image: $image, threshold: $threshold) {
      faces { eventId decision candidates { score demoted identity { id } } }
    }
  }`;

const REVIEW = `
  mutation Review($eventId: ID!, $verdict: ReviewVerdict!, $identityId: ID) {
    reviewMatch(eventId: $eventId, verdict: $verdict, identityId: $identityId) { verdict identity { id } }
  }`;

const EVENT = `
  query E($id: ID!) {
    matchEvent(id: $id) { needsReview confirmations requiredConfirmations confirmed reviews { verdict } }
  }`;

const QUEUE = `
  query Q($galleryId: ID!) {
    matchEvents(filter: { galleryId: $galleryId, needsReview: true }, first: 100) { edges { node { id } } }
  }`;

interface IdentifiedFace {
  eventId: string;
  decision: string;
  candidates: Array<{ score: number; demoted: boolean; identity: { id: string } }>;
}

interface EventState {
  needsReview: boolean;
  confirmations: number;
  requiredConfirmations: number;
  confirmed: boolean;
  reviews: Array<{ verdict: string }>;
}

describe.each(TEST_DATABASE_MODES)('review verdicts and the two-reviewer rule on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let first: AuthHeaders;
  let second: AuthHeaders;
  let galleryId: string;
  let chavez: string;

  async function gql<T>(query: string, variables: Record<string, unknown>, headers: AuthHeaders = admin) {
    return server.graphql<T>(query, variables, headers);
  }

  async function identify(name: string, n: number, threshold?: number): Promise<IdentifiedFace> {
    const body = await gql<{ identify: { faces: IdentifiedFace[] } }>(IDENTIFY, {
      galleryId,
      image: await lfwInput(name, n),
      threshold,
    });
    expect(body.errors).toBeUndefined();
    return body.data!.identify.faces[0]!;
  }

  async function review(headers: AuthHeaders, eventId: string, verdict: string, identityId?: string) {
    return gql<{ reviewMatch: { verdict: string; identity: { id: string } | null } }>(
      REVIEW,
      { eventId, verdict, identityId },
      headers,
    );
  }

  async function state(id: string): Promise<EventState> {
    const body = await gql<{ matchEvent: EventState }>(EVENT, { id });
    expect(body.errors).toBeUndefined();
    return body.data!.matchEvent;
  }

  /** The event is settled: `confirmations` of `required` reviewers confirmed it. */
  async function expectConfirmed(id: string, confirmations: number, required: number, more = {}) {
    expect(await state(id)).toMatchObject({
      needsReview: false,
      confirmations,
      requiredConfirmations: required,
      confirmed: true,
      ...more,
    });
  }

  async function queue(): Promise<string[]> {
    const body = await gql<{ matchEvents: { edges: Array<{ node: { id: string } }> } }>(QUEUE, { galleryId });
    expect(body.errors).toBeUndefined();
    return body.data!.matchEvents.edges.map((e) => e.node.id);
  }

  useTestServer(mode, (started) => (server = started), { recognition: true });
  beforeAll(async () => {
    admin = await adminHeaders(server);
    first = await createUserAndSignIn(server, 'REVIEWER');
    second = await createUserAndSignIn(server, 'REVIEWER');
    const created = await gql<{ createGallery: { id: string } }>(
      'mutation G($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: 'Doors', matchThreshold: 0.92, probeRetentionDays: 7 } },
    );
    expect(created.errors).toBeUndefined();
    galleryId = created.data!.createGallery.id;
    const identity = await gql<{ createIdentity: { id: string } }>(
      'mutation C($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
      { input: { galleryId, externalId: 'chavez', displayName: 'Hugo Chavez' } },
    );
    chavez = identity.data!.createIdentity.id;
    const enrolled = await gql<{ enrollFace: { __typename: string } }>(
      'mutation E($identityId: ID!, $image: ImageInput!) { enrollFace(identityId: $identityId, image: $image) { __typename } }',
      { identityId: chavez, image: await lfwInput('Hugo_Chavez', 1) },
    );
    expect(enrolled.data?.enrollFace.__typename).toBe('Enrolled');
  });

  it('DISMISS takes a near-threshold MATCH out of the queue and teaches nothing: the same probe is not demoted afterwards (REJECT would)', async () => {
    const score = (await identify('Hugo_Chavez', 2, 0.5)).candidates[0]!.score;
    const near = score - 0.02;
    const event = await identify('Hugo_Chavez', 2, near);
    expect(event.decision).toBe('MATCH');
    expect(await queue()).toContain(event.eventId);

    const dismissed = await review(first, event.eventId, 'DISMISS');
    expect(dismissed.errors).toBeUndefined();
    expect(dismissed.data?.reviewMatch).toEqual({ verdict: 'DISMISS', identity: null });
    expect(await state(event.eventId)).toMatchObject({ needsReview: false, confirmed: false });
    expect(await queue()).not.toContain(event.eventId);

    const again = await identify('Hugo_Chavez', 2, near);
    expect(again.decision).toBe('MATCH');
    expect(again.candidates[0]).toMatchObject({ demoted: false, identity: { id: chavez } });

    // The contrast: a REJECT of the same kind of event does demote the probe next time.
    expect((await review(first, again.eventId, 'REJECT')).errors).toBeUndefined();
    const afterReject = await identify('Hugo_Chavez', 2, near);
    expect(afterReject.decision).not.toBe('MATCH');
    expect(afterReject.candidates[0]).toMatchObject({ demoted: true, identity: { id: chavez } });
    // Leave no standing REJECT for the tests below: a CONFIRM overturns it.
    expect((await review(first, again.eventId, 'CONFIRM')).errors).toBeUndefined();
  });

  it('UNKNOWN (correct: a stranger) leaves the queue and teaches nothing; it names no identity', async () => {
    const score = (await identify('Jacques_Chirac', 1, 0.1)).candidates[0]!.score;
    const event = await identify('Jacques_Chirac', 1, score + 0.02);
    expect(event.decision).toBe('UNKNOWN');
    expect(await queue()).toContain(event.eventId);

    const named = await review(first, event.eventId, 'UNKNOWN', chavez);
    expect(named.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect(named.errors?.[0]?.message).toMatch(/^UNKNOWN names no identity; leave identityId out/);

    const unknown = await review(first, event.eventId, 'UNKNOWN');
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.reviewMatch).toEqual({ verdict: 'UNKNOWN', identity: null });
    expect(await queue()).not.toContain(event.eventId);
    const entry = await server.db.prisma.auditEntry.findFirst({
      where: { action: 'matchEvent.review', subject: `matchEvent:${event.eventId}` },
    });
    expect(entry?.payload).toMatchObject({ verdict: 'UNKNOWN', identityId: null });

    // No negative exemplar: below the probe's score the candidate still matches, undemoted.
    const again = await identify('Jacques_Chirac', 1, score - 0.01);
    expect(again.decision).toBe('MATCH');
    expect(again.candidates[0]).toMatchObject({ demoted: false, identity: { id: chavez } });
  });

  it('one CONFIRM settles an identification where the gallery requires one', async () => {
    const event = await identify('Hugo_Chavez', 3, 0.5);
    expect(event.decision).toBe('MATCH');
    expect((await review(first, event.eventId, 'CONFIRM')).errors).toBeUndefined();
    await expectConfirmed(event.eventId, 1, 1);
  });

  it('only admins set the review policy, to 1 or 2; a MATCH recorded before the switch is not pulled into the queue', async () => {
    const earlier = await identify('Hugo_Chavez', 3, 0.5);
    expect(earlier.decision).toBe('MATCH');
    const SET = `mutation S($galleryId: ID!, $n: Int!) { setGalleryReviewPolicy(galleryId: $galleryId, requiredConfirmations: $n) { id requiredConfirmations } }`;
    const refused = await gql(SET, { galleryId, n: 2 }, first);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const three = await gql(SET, { galleryId, n: 3 });
    expect(three.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    const set = await gql<{ setGalleryReviewPolicy: { id: string; requiredConfirmations: number } }>(SET, {
      galleryId,
      n: 2,
    });
    expect(set.errors).toBeUndefined();
    expect(set.data?.setGalleryReviewPolicy).toEqual({ id: galleryId, requiredConfirmations: 2 });
    const entry = await server.db.prisma.auditEntry.findFirst({ where: { action: 'gallery.reviewPolicy' } });
    expect(entry).toMatchObject({
      subject: `gallery:${galleryId}`,
      payload: { requiredConfirmations: { from: 1, to: 2 } },
    });
    expect(await state(earlier.eventId)).toMatchObject({ needsReview: false, requiredConfirmations: 2 });
    expect(await queue()).not.toContain(earlier.eventId);
  });

  it('where two are required, one CONFIRM is not enough, the same reviewer cannot count twice, and a second reviewer confirms it', async () => {
    // Far above the threshold, so only the gallery's rule puts it in the queue.
    const event = await identify('Hugo_Chavez', 3, 0.5);
    expect(event.decision).toBe('MATCH');
    expect(await state(event.eventId)).toMatchObject({
      needsReview: true,
      confirmations: 0,
      requiredConfirmations: 2,
      confirmed: false,
    });
    expect(await queue()).toContain(event.eventId);

    expect((await review(first, event.eventId, 'CONFIRM')).errors).toBeUndefined();
    expect(await state(event.eventId)).toMatchObject({
      needsReview: true,
      confirmations: 1,
      confirmed: false,
    });
    expect(await queue()).toContain(event.eventId);

    const twice = await review(first, event.eventId, 'CONFIRM');
    expect(twice.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect(twice.errors?.[0]?.message).toMatch(/a second, different reviewer must confirm it/);

    expect((await review(second, event.eventId, 'CONFIRM')).errors).toBeUndefined();
    await expectConfirmed(event.eventId, 2, 2, { reviews: [{ verdict: 'CONFIRM' }, { verdict: 'CONFIRM' }] });
    expect(await queue()).not.toContain(event.eventId);
  });

  it('where two are required, one DISMISS still settles an event', async () => {
    const event = await identify('Hugo_Chavez', 2, 0.5);
    expect(await queue()).toContain(event.eventId);
    expect((await review(second, event.eventId, 'DISMISS')).errors).toBeUndefined();
    expect(await state(event.eventId)).toMatchObject({ needsReview: false, confirmed: false });
  });
});
