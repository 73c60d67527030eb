// Names for the references of the ledger and of match events: "user:<id>" is a staff user's email,
// "key:<id>" (and a subject "apiKey:<id>") an API key's name and prefix, "gallery:<id>" a gallery's
// name. Identities stay ids: auditors may not read people's names.
import type { ActorDirectoryQuery } from '@faceledger/schema/client';

type Directory = ActorDirectoryQuery['actorDirectory'];

/** Looks a reference up; undefined when it names nothing known (system, anonymous, an identity). */
export function nameOfRef(
  ref: string | null | undefined,
  directory: Directory | undefined,
  galleries: ReadonlyArray<{ id: string; name: string }> | undefined,
): string | undefined {
  if (!ref) return undefined;
  const colon = ref.indexOf(':');
  if (colon < 0) return undefined;
  const type = ref.slice(0, colon);
  const id = ref.slice(colon + 1);
  if (type === 'user') return directory?.users.find((u) => u.id === id)?.email;
  if (type === 'key' || type === 'apiKey') {
    const key = directory?.apiKeys.find((k) => k.id === id);
    return key ? `${key.name} (${key.prefix})${key.revokedAt ? ', revoked' : ''}` : undefined;
  }
  if (type === 'gallery') return galleries?.find((g) => g.id === id)?.name;
  return undefined;
}
