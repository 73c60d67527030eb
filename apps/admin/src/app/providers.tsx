'use client';

import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../lib/api-error';
import { SESSION_KEY } from '../queries/session';

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(() => {
    const queryClient: QueryClient = new QueryClient({
      defaultOptions: {
        queries: {
          // Refusals do not change on a second try; only network trouble is worth one retry.
          retry: (failureCount, error) =>
            failureCount < 1 && !(error instanceof ApiError && ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_INPUT'].includes(error.code)),
        },
      },
      queryCache: new QueryCache({
        // A session that ended (expired, signed out elsewhere) sends the visitor to sign in again.
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') queryClient.setQueryData(SESSION_KEY, null);
        },
      }),
    });
    return queryClient;
  });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
