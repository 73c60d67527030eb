// react-query hooks over what the cameras saw (sightings.read: ADMIN, REVIEWER): recent sightings and
// alerts (read again every few seconds while shown: the live view), unknown clusters with Name
// (ADMIN: it enrolls faces) and Dismiss, and "where was this face seen?" (sightings.search).
import {
  AlertsDocument,
  DismissUnknownClusterDocument,
  NameUnknownClusterDocument,
  SightingsDocument,
  SightingsOfFaceDocument,
  UnknownClustersDocument,
  type AlertKind,
  type CreateIdentityInput,
  type ImageInput,
  type SightingFieldsFragment,
  type UnknownClusterFieldsFragment,
  type UnknownClusterStatus,
} from '@faceledger/schema/client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PageVariables } from '../components/keyset-pager';
import { request } from '../lib/graphql-client';

export type Sighting = SightingFieldsFragment;
export type UnknownCluster = UnknownClusterFieldsFragment;

/** How often the live lists are read again. */
export const LIVE_POLL_MS = 3_000;

/** Only the first page follows new arrivals; older pages stay put while read. */
function pollWhenFirst(variables: PageVariables): number | false {
  return 'first' in variables && variables.after === null ? LIVE_POLL_MS : false;
}

/** Sightings newest first; cameraId '' for every camera. */
export function useSightings(cameraId: string, variables: PageVariables) {
  return useQuery({
    queryKey: ['sightings', { cameraId, ...variables }],
    queryFn: async () =>
      (await request(SightingsDocument, { cameraId: cameraId || null, ...variables })).sightings,
    placeholderData: keepPreviousData,
    refetchInterval: pollWhenFirst(variables),
  });
}

/** Alerts newest first; cameraId '' for every camera, kind null for both kinds. */
export function useAlerts(cameraId: string, kind: AlertKind | null, variables: PageVariables) {
  return useQuery({
    queryKey: ['alerts', { cameraId, kind, ...variables }],
    queryFn: async () =>
      (await request(AlertsDocument, { cameraId: cameraId || null, kind, ...variables })).alerts,
    placeholderData: keepPreviousData,
    refetchInterval: pollWhenFirst(variables),
  });
}

export function useUnknownClusters(status: UnknownClusterStatus | null, variables: PageVariables) {
  return useQuery({
    queryKey: ['unknownClusters', { status, ...variables }],
    queryFn: async () => (await request(UnknownClustersDocument, { status, ...variables })).unknownClusters,
    placeholderData: keepPreviousData,
    refetchInterval: pollWhenFirst(variables),
  });
}

/** Who a cluster is: an existing identity, or a new one to create. */
export type ClusterName = { identityId: string } | { newIdentity: CreateIdentityInput };

export function useNameUnknownCluster() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ clusterId, name }: { clusterId: string; name: ClusterName }) =>
      (await request(NameUnknownClusterDocument, { clusterId, ...name })).nameUnknownCluster,
    onSuccess: () => client.invalidateQueries({ queryKey: ['unknownClusters'] }),
  });
}

export function useDismissUnknownCluster() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (clusterId: string) =>
      (await request(DismissUnknownClusterDocument, { clusterId })).dismissUnknownCluster,
    onSuccess: () => client.invalidateQueries({ queryKey: ['unknownClusters'] }),
  });
}

/** What "where was this face seen?" searches for: a photo or an enrolled identity. */
export type FaceQuery = ({ image: ImageInput } | { identityId: string }) & {
  /** Names the search in the cache (not the image itself, which may be megabytes). */
  key: string;
  label: string;
};

/** Sightings of `face` newest first, with their similarity; nothing is asked while `face` is null. */
export function useSightingsOfFace(
  face: FaceQuery | null,
  threshold: number | null,
  variables: PageVariables,
) {
  return useQuery({
    queryKey: ['sightingsOfFace', face?.key ?? null, threshold, variables],
    queryFn: async () => {
      if (!face) throw new Error('Choose a photo or an identity first.');
      const target = 'image' in face ? { image: face.image } : { identityId: face.identityId };
      return (await request(SightingsOfFaceDocument, { ...target, threshold, ...variables })).sightingsOfFace;
    },
    enabled: face !== null,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}
