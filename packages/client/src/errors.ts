// The one error the client throws for an answer of the server: the error's extensions.code (see
// docs/API.md "Error codes"), its message, the HTTP status and the details beside the code.

/** One entry of a GraphQL `errors` array, which REST error bodies use too. */
export interface GraphQLErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [detail: string]: unknown };
}

/** A failed call: `code` is extensions.code (FORBIDDEN, BAD_IMAGE, ...), `status` the HTTP status. */
export class FaceLedgerError extends Error {
  override readonly name = 'FaceLedgerError';

  constructor(
    /** The error code, such as FORBIDDEN or BAD_IMAGE. */
    readonly code: string,
    message: string,
    /** The HTTP status of the answer (200 for an error inside a GraphQL operation). */
    readonly status: number,
    /** What the server put beside the code: field, permission, scopes, reason, retryAfterSeconds, ... */
    readonly extensions: Readonly<Record<string, unknown>> = {},
    /** Where in a GraphQL answer the error sits, when it names a field. */
    readonly path?: ReadonlyArray<string | number>,
  ) {
    super(message);
  }
}

/** The first entry of `errors` as a FaceLedgerError; undefined when there is none. */
export function firstError(
  errors: readonly GraphQLErrorEntry[] | undefined,
  status: number,
): FaceLedgerError | undefined {
  const [error] = errors ?? [];
  if (!error) return undefined;
  const { code = 'INTERNAL', ...details } = error.extensions ?? {};
  return new FaceLedgerError(String(code), error.message, status, details, error.path);
}

/** The error of an answer that is not 2xx: its body has the same `errors`, else the status alone. */
export async function errorOfResponse(res: Response): Promise<FaceLedgerError> {
  const body = (await res.json().catch(() => null)) as { errors?: GraphQLErrorEntry[] } | null;
  return (
    firstError(body?.errors, res.status) ??
    new FaceLedgerError(
      'INTERNAL',
      `The server answered HTTP ${res.status} without an error body.`,
      res.status,
    )
  );
}
