// A small GraphQL client over Playwright's APIRequestContext, for journeys that call the API the way
// an integrator does (plain HTTP, optionally with an API key or a session cookie).
import type { APIRequestContext } from '@playwright/test';

/** One GraphQL error as the API sends it. */
export interface GraphqlError {
  message: string;
  extensions?: { code?: string };
}

/** The parsed answer with its HTTP status. */
export interface GraphqlResponse<TData> {
  status: number;
  data?: TData;
  errors?: GraphqlError[];
}

/** Sends `query` to `${apiUrl}/graphql`; `headers` carries credentials such as an API key. */
export type GraphqlClient = <TData = unknown>(
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
) => Promise<GraphqlResponse<TData>>;

export function createGraphqlClient(request: APIRequestContext, apiUrl: string): GraphqlClient {
  return async <TData>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => {
    const response = await request.post(`${apiUrl}/graphql`, {
      headers: { 'content-type': 'application/json', ...headers },
      data: { query, variables },
    });
    const body = (await response.json()) as { data?: TData; errors?: GraphqlError[] };
    return { status: response.status(), ...body };
  };
}
