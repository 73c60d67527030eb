// react-query hooks for the review queue: match events that need a human, and verdicts on them.
// A verdict removes the event from every cached queue page at once (optimistic), then refetches.
import {
  GalleryReviewPolicyDocument,
  MatchEventsDocument,
  SetGalleryReviewPolicyDocument,
  ReassignCandidatesDocument,
  ReviewMatchDocument,
  type MatchEventFieldsFragment,
  type MatchEventsQuery,
  type ReviewVerdict,
} from '@faceledger/schema/client';
import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryKey,
} from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

export type QueueEvent = MatchEventFieldsFragment;
type QueuePage = MatchEventsQuery['matchEvents'];

const QUEUE_KEY = ['reviewQueue'] as const;

/** One page of events that need review, newest first; galleryId '' for every gallery. */
export function useReviewQueue(galleryId: string, after: string | null, pageSize: number) {
  return useQuery({
    queryKey: [...QUEUE_KEY, { galleryId, after, pageSize }],
    queryFn: async () =>
      (
        await request(MatchEventsDocument, {
          filter: { needsReview: true, galleryId: galleryId || null },
          first: pageSize,
          after,
        })
      ).matchEvents,
    placeholderData: keepPreviousData,
  });
}

/** A verdict on one event: which identity it names (null: the top candidate) and the reviewer's note. */
export interface Verdict {
  eventId: string;
  verdict: ReviewVerdict;
  identityId: string | null;
  note: string;
}

export function useReviewMatch() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (v: Verdict) =>
      (
        await request(ReviewMatchDocument, {
          eventId: v.eventId,
          verdict: v.verdict,
          identityId: v.identityId,
          note: v.note,
        })
      ).reviewMatch,
    onMutate: async (v) => {
      await client.cancelQueries({ queryKey: QUEUE_KEY });
      const previous = client.getQueriesData<QueuePage>({ queryKey: QUEUE_KEY });
      client.setQueriesData<QueuePage>({ queryKey: QUEUE_KEY }, (page) =>
        page ? { ...page, edges: page.edges.filter((edge) => edge.node.id !== v.eventId) } : page,
      );
      return { previous };
    },
    onError: (_error, _v, context) => {
      context?.previous.forEach(([key, data]: [QueryKey, QueuePage | undefined]) =>
        client.setQueryData(key, data),
      );
    },
    onSettled: () => client.invalidateQueries({ queryKey: QUEUE_KEY }),
  });
}

/** ACTIVE identities of a gallery whose name or externalId contains `search`, for REASSIGN. */
export function useReassignCandidates(galleryId: string | null, search: string) {
  return useQuery({
    queryKey: ['reassignCandidates', galleryId, search],
    queryFn: async () =>
      (
        await request(ReassignCandidatesDocument, {
          galleryId: galleryId ?? '',
          search: search || null,
          first: 10,
        })
      ).identities.edges.map((edge) => edge.node),
    enabled: galleryId !== null,
    placeholderData: keepPreviousData,
  });
}

/** How many different reviewers must confirm an identification of the gallery (1 or 2). */
export function useGalleryReviewPolicy(galleryId: string) {
  return useQuery({
    queryKey: ['galleryReviewPolicy', galleryId],
    queryFn: async () => (await request(GalleryReviewPolicyDocument, { id: galleryId })).gallery,
    enabled: galleryId !== '',
  });
}

/** Sets the gallery's required confirmations (admins); the queue is fetched again, as it changes with it. */
export function useSetGalleryReviewPolicy(galleryId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (requiredConfirmations: number) =>
      (await request(SetGalleryReviewPolicyDocument, { galleryId, requiredConfirmations }))
        .setGalleryReviewPolicy,
    onSuccess: (gallery) => {
      client.setQueryData(['galleryReviewPolicy', galleryId], gallery);
      return client.invalidateQueries({ queryKey: QUEUE_KEY });
    },
  });
}
