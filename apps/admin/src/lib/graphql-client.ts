// Runs a typed GraphQL document against the API (same origin, through the Next.js rewrite).
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { ApiError, apiErrorOf, type ApiErrorBody } from './api-error';

export async function request<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: TVariables,
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ query: print(document), variables }),
    });
  } catch {
    throw new ApiError('The FaceLedger API cannot be reached. Check that the server is running.', 'NETWORK');
  }
  const body = (await response.json().catch(() => null)) as ({ data?: TResult } & ApiErrorBody) | null;
  const error = apiErrorOf(body);
  if (error) throw error;
  if (!body?.data) {
    throw new ApiError(
      response.status >= 500
        ? `The FaceLedger API is not answering properly (HTTP ${response.status}). Check that the server is running, then try again.`
        : `The API answered HTTP ${response.status} without data. Reload the page and try again.`,
      'BAD_RESPONSE',
    );
  }
  return body.data;
}
