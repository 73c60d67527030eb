// react-query hooks over the typed identity documents.
import {
  CreateIdentityDocument,
  DeleteFaceDocument,
  FaceWarningsDocument,
  ReplaceFaceDocument,
  ResolveFaceWarningDocument,
  EraseIdentityDocument,
  IdentitiesDocument,
  IdentityDocument,
  ReactivateIdentityDocument,
  SuspendIdentityDocument,
  UpdateIdentityDocument,
  type CreateIdentityInput,
  type IdentitiesQueryVariables,
  type IdentityDetailFragment,
  type UpdateIdentityInput,
} from '@faceledger/schema/client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';
import { toImageInput } from '../lib/image-input';

export function useIdentities(variables: IdentitiesQueryVariables) {
  return useQuery({
    queryKey: ['identities', variables],
    queryFn: async () => (await request(IdentitiesDocument, variables)).identities,
    enabled: variables.galleryId !== '',
    placeholderData: keepPreviousData,
  });
}

export function useIdentity(id: string, enabled = true) {
  return useQuery({
    queryKey: ['identity', id],
    queryFn: async () => (await request(IdentityDocument, { id })).identity,
    enabled,
  });
}

/** After a change to one identity: cache it, and refetch lists and gallery counts. */
function useStoreIdentity() {
  const client = useQueryClient();
  return async (identity: IdentityDetailFragment) => {
    client.setQueryData(['identity', identity.id], identity);
    await Promise.all([
      client.invalidateQueries({ queryKey: ['identities'] }),
      client.invalidateQueries({ queryKey: ['galleries'] }),
    ]);
  };
}

export function useCreateIdentity() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreateIdentityInput) => (await request(CreateIdentityDocument, { input })).createIdentity,
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: ['identities'] }),
        client.invalidateQueries({ queryKey: ['galleries'] }),
      ]),
  });
}

export function useUpdateIdentity(id: string) {
  const store = useStoreIdentity();
  return useMutation({
    mutationFn: async (input: UpdateIdentityInput) => (await request(UpdateIdentityDocument, { id, input })).updateIdentity,
    onSuccess: store,
  });
}

export function useSetIdentitySuspended(id: string) {
  const store = useStoreIdentity();
  return useMutation({
    mutationFn: async (suspend: boolean) =>
      suspend
        ? (await request(SuspendIdentityDocument, { id })).suspendIdentity
        : (await request(ReactivateIdentityDocument, { id })).reactivateIdentity,
    onSuccess: store,
  });
}

export function useEraseIdentity(id: string) {
  const store = useStoreIdentity();
  return useMutation({
    mutationFn: async () => (await request(EraseIdentityDocument, { id })).eraseIdentity,
    onSuccess: (erasure) => store(erasure.identity),
  });
}

/** The unresolved looks-like warnings of the identity's faces; they stay until someone resolves them. */
export function useFaceWarnings(identityId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['faceWarnings', identityId],
    queryFn: async () => (await request(FaceWarningsDocument, { identityId })).faceWarnings,
    enabled,
  });
}

/** After a face was deleted, replaced or its warning resolved: refetch the identity, its warnings and lists. */
function useRefreshFaces(identityId: string) {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['identity', identityId] }),
      client.invalidateQueries({ queryKey: ['faceWarnings', identityId] }),
      client.invalidateQueries({ queryKey: ['identities'] }),
    ]);
}

/** Deletes one enrolled face (a wrong photo); the photo goes too unless something else uses it. */
export function useDeleteFace(identityId: string) {
  const refresh = useRefreshFaces(identityId);
  return useMutation({
    mutationFn: async (faceId: string) => (await request(DeleteFaceDocument, { faceId })).deleteFace,
    onSuccess: refresh,
  });
}

/** Enrolls another photo in place of a face; a refusal (typed result) keeps the old face. */
export function useReplaceFace(identityId: string) {
  const refresh = useRefreshFaces(identityId);
  return useMutation({
    mutationFn: async ({ faceId, file }: { faceId: string; file: File }) =>
      (await request(ReplaceFaceDocument, { faceId, image: await toImageInput(file) })).replaceFace,
    onSuccess: refresh,
  });
}

/** Marks a face's warning as checked: the photo does show this person. */
export function useResolveFaceWarning(identityId: string) {
  const refresh = useRefreshFaces(identityId);
  return useMutation({
    mutationFn: async (faceId: string) => (await request(ResolveFaceWarningDocument, { faceId })).resolveFaceWarning,
    onSuccess: refresh,
  });
}
