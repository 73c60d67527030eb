// Runs a typed GraphQL document against the API (same origin, through the Next.js rewrite).
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** A GraphQL error as the API sends it, with its stable code and, for invalid input, the field at fault. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** Dotted path of the input field the error is about (BAD_INPUT, CONFLICT), when the API names one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The message of an error for a form field named `name` (the last segment of the API's path), if any. */
export function fieldError(error: unknown, name: string): string | undefined {
  if (!(error instanceof ApiError) || !error.field) return undefined;
  return error.field === name || error.field.endsWith(`.${name}`) ? error.message : undefined;
}

/** The message of an error that belongs to no field shown by the form. */
export function formError(error: unknown, fields: readonly string[]): string | undefined {
  if (!error) return undefined;
  if (fields.some((name) => fieldError(error, name))) return undefined;
  return error instanceof Error ? error.message : 'Something went wrong; try again.';
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
    errors?: Array<{ message: string; extensions?: { code?: string; field?: unknown } }>;
  } | null;
  const first = body?.errors?.[0];
  if (first) {
    const field = typeof first.extensions?.field === 'string' ? first.extensions.field : undefined;
    throw new ApiError(first.message, first.extensions?.code ?? 'UNKNOWN', field);
  }
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
