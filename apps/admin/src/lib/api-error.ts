// An error the FaceLedger API answered, read one way from GraphQL and REST answers alike (both send
// `{ errors: [{ message, extensions: { code, field? } }] }`), and where a form shows it.

/** An API error with its stable code and, for invalid input, the field at fault. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** Dotted path of the input field the error is about (BAD_INPUT, CONFLICT), when the API names one. */
    readonly field?: string,
    /** The error's other extensions (e.g. existingId of a CONFLICT), as the API sent them. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** What every answer of the API may carry: `errors`, whose first entry says what went wrong. */
export interface ApiErrorBody {
  errors?: Array<{
    message: string;
    extensions?: { code?: string; field?: unknown; [key: string]: unknown };
  }>;
}

/** The first error of an answer's body as an ApiError; undefined when it has none. */
export function apiErrorOf(body: ApiErrorBody | null | undefined): ApiError | undefined {
  const first = body?.errors?.[0];
  if (!first) return undefined;
  const field = typeof first.extensions?.field === 'string' ? first.extensions.field : undefined;
  return new ApiError(first.message, first.extensions?.code ?? 'UNKNOWN', field, first.extensions ?? {});
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
