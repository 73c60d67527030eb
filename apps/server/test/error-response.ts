// Reads the error answer of a REST or HTTP-level failure in integration tests, and checks that it
// is exactly the one error shape every endpoint answers: { errors: [{ message, extensions: { code } }] }.
import { expect } from 'vitest';
import type { ErrorResponseBody } from '../src/shared/error-response.js';

/** One failed answer, flattened for assertions. */
export interface ErrorResponse {
  status: number;
  /** The Retry-After header, null when absent. */
  retryAfter: string | null;
  message: string;
  /** extensions: the code and its details (field, permission, retryAfterSeconds, ...). */
  extensions: ErrorResponseBody['errors'][0]['extensions'];
}

export async function readErrorResponse(response: Response): Promise<ErrorResponse> {
  const body = (await response.json()) as ErrorResponseBody;
  // Nothing beside `errors` (no top-level code or message), and one error with a message and a code.
  expect(body).toEqual({
    errors: [
      { message: expect.any(String), extensions: expect.objectContaining({ code: expect.any(String) }) },
    ],
  });
  const [error] = body.errors;
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    message: error.message,
    extensions: error.extensions,
  };
}
