// The signed-in user (react-query over `viewer`), and sign-in / sign-out that keep it up to date.
import { SignInDocument, SignOutDocument, ViewerDocument, type ViewerQuery } from '@faceledger/schema/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

export const SESSION_KEY = ['session'] as const;

/** The signed-in user, or null for a visitor. */
export type SessionUser = NonNullable<NonNullable<ViewerQuery['viewer']>['user']>;

export function useSession() {
  const query = useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => (await request(ViewerDocument)).viewer?.user ?? null,
    staleTime: 60_000,
  });
  return { ...query, user: query.data ?? null };
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (variables: { email: string; password: string }) => request(SignInDocument, variables),
    onSuccess: async (data) => {
      // Another user's cached pages must not show: start from an empty cache with the new viewer.
      client.clear();
      client.setQueryData(SESSION_KEY, data.signIn);
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request(SignOutDocument),
    onSettled: () => {
      client.clear();
      client.setQueryData(SESSION_KEY, null);
    },
  });
}
