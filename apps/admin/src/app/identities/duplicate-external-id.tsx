'use client';

// A taken external ID, said the way HR reads it: the API's CONFLICT (field externalId, existingId)
// becomes "Another identity … already has this external ID" under the field and a link to that
// identity, instead of the API's wording with a raw id.
import Link from 'next/link';
import { ApiError } from '../../lib/api-error';

/** The id of the identity that already has the external ID, when `error` is that conflict. */
function existingIdOf(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'CONFLICT' || error.field !== 'externalId') return null;
  const id = error.extensions.existingId;
  return typeof id === 'string' ? id : '';
}

/** `error` with a readable message when it is the taken-external-ID conflict; otherwise `error` itself. */
export function withReadableConflict(error: unknown): unknown {
  if (existingIdOf(error) === null) return error;
  return new ApiError(
    'Another identity in this gallery already has this external ID. Use a different one, or open that identity and add the photos there.',
    'CONFLICT',
    'externalId',
  );
}

/** A link to the identity that already has the external ID; nothing for any other error. */
export function DuplicateExternalIdLink({ error }: { error: unknown }) {
  const id = existingIdOf(error);
  if (!id) return null;
  return (
    <p role="alert" className="panel duplicate-external-id">
      This external ID is taken. <Link href={`/identities/${id}`}>Open the identity that has it</Link>
    </p>
  );
}
