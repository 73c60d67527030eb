// react-query hooks over the typed identity documents.
import {
  CreateIdentityDocument,
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

export function useIdentities(variables: IdentitiesQueryVariables) {
  return useQuery({
    queryKey: ['identities', variables],
    queryFn: async () => (await request(IdentitiesDocument, variables)).identities,
    enabled: variables.galleryId !== '',
    placeholderData: keepPreviousData,
  });
}

export function useIdentity(id: string) {
  return useQuery({
    queryKey: ['identity', id],
    queryFn: async () => (await request(IdentityDocument, { id })).identity,
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
