// react-query hooks for the settings page: users and their roles, API keys.
import {
  ApiKeysDocument,
  CreateApiKeyDocument,
  CreateUserDocument,
  RevokeApiKeyDocument,
  UpdateUserDocument,
  UsersDocument,
  type CreateApiKeyInput,
  type CreateUserInput,
  type UpdateUserInput,
} from '@faceledger/schema/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

/** Every user (ADMIN only); `enabled` false asks nothing, for pages other roles open too. */
export function useUsers(enabled = true) {
  return useQuery({
    queryKey: ['users'],
    queryFn: async () => (await request(UsersDocument)).users,
    enabled,
  });
}

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreateUserInput) => (await request(CreateUserDocument, { input })).createUser,
    onSuccess: () => client.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, input }: { id: string; input: UpdateUserInput }) =>
      (await request(UpdateUserDocument, { id, input })).updateUser,
    onSuccess: () => client.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useApiKeys() {
  return useQuery({ queryKey: ['apiKeys'], queryFn: async () => (await request(ApiKeysDocument)).apiKeys });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreateApiKeyInput) =>
      (await request(CreateApiKeyDocument, { input })).createApiKey,
    onSuccess: () => client.invalidateQueries({ queryKey: ['apiKeys'] }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => (await request(RevokeApiKeyDocument, { id })).revokeApiKey,
    onSuccess: () => client.invalidateQueries({ queryKey: ['apiKeys'] }),
  });
}
