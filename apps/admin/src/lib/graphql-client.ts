// Runs a typed GraphQL document against the API (same origin, through the Next.js rewrite).
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** A GraphQL error as the API sends it, with its stable code. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

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
  const body = (await response.json().catch(() => null)) as {
    data?: TResult;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  } | null;
  const first = body?.errors?.[0];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? 'UNKNOWN');
  if (!body?.data) throw new ApiError(`The API answered ${response.status} without data.`, 'BAD_RESPONSE');
  return body.data;
}
