'use client';

// A taken external ID, said the way HR reads it: the API's CONFLICT (field externalId, existingId)
// becomes "Another identity … already has this external ID" under the field and the name of the
// person who has it, linked to them, instead of the API's wording with a raw id.
import Link from 'next/link';
import { ApiError } from '../../lib/api-error';
import { useIdentity } from '../../queries/identities';

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

/** The person who already has the external ID, linked to their page; nothing for any other error. */
export function DuplicateExternalIdLink({ error }: { error: unknown }) {
  const id = existingIdOf(error);
  const owner = useIdentity(id ?? '', Boolean(id));
  if (!id) return null;
  const name = owner.data?.displayName;
  return (
    <p role="alert" className="panel duplicate-external-id">
      {name ? (
        <>
          This external ID belongs to <Link href={`/identities/${id}`}>{name}</Link>. Use another one, or open{' '}
          {name}&apos;s page to add the photos there.
        </>
      ) : (
        <>
          This external ID is taken. <Link href={`/identities/${id}`}>Open the identity that has it</Link>
        </>
      )}
    </p>
  );
}
