import path from 'node:path';

/** One photo searched against the gallery; `mate` is the enrolled identity it shows, null for a stranger. */
export interface ProtocolProbe {
  /** Image file. */
  file: string;
  /** Person (folder name) enrolled under this probe's identity, or null when never enrolled. */
  mate: string | null;
}

/** The open-set 1:N protocol over one folder of people (ISO/IEC 19795-1, as NIST FRTE 1:N reports it). */
export interface OpenSetProtocol {
  /** Photos enrolled per mated person: the first K of the person's photos, sorted by file name. */
  enrolled: Map<string, string[]>;
  /** Extra identities in gallery order: the first photo of each distractor person. */
  distractors: Array<{ person: string; file: string }>;
  /** Mated probes: photo K+1 of every enrolled person. */
  mated: ProtocolProbe[];
  /** Non-mated probes: the only photo of every person with exactly one. */
  nonMated: ProtocolProbe[];
}

/** Groups image files by their folder (one folder per person), each person's files sorted by file name. */
export function photosByPerson(files: readonly string[]): Map<string, string[]> {
  const people = new Map<string, string[]>();
  for (const file of files) {
    const person = path.basename(path.dirname(file));
    const list = people.get(person) ?? [];
    list.push(file);
    people.set(person, list);
  }
  for (const list of people.values()) list.sort((a, b) => compareNames(path.basename(a), path.basename(b)));
  return new Map([...people.entries()].sort(([a], [b]) => compareNames(a, b)));
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every person of `images` with at least K+1 photos is enrolled with the first K and probed with
 * photo K+1; every person with exactly one photo is a never-enrolled stranger (people with 2..K
 * photos take no part). The first photo of each person of `distractors` not in `images` is an extra
 * identity, in folder-name order.
 */
export function buildOpenSetProtocol(
  images: readonly string[],
  distractors: readonly string[],
  enroll: number,
): OpenSetProtocol {
  if (!Number.isInteger(enroll) || enroll < 1)
    throw new Error('--enroll must be a whole number of at least 1');
  const people = photosByPerson(images);
  const enrolled = new Map<string, string[]>();
  const mated: ProtocolProbe[] = [];
  const nonMated: ProtocolProbe[] = [];
  for (const [person, photos] of people) {
    if (photos.length > enroll) {
      enrolled.set(person, photos.slice(0, enroll));
      mated.push({ file: photos[enroll] as string, mate: person });
    } else if (photos.length === 1) nonMated.push({ file: photos[0] as string, mate: null });
  }
  const extra: Array<{ person: string; file: string }> = [];
  for (const [person, photos] of photosByPerson(distractors))
    if (!people.has(person)) extra.push({ person, file: photos[0] as string });
  return { enrolled, distractors: extra, mated, nonMated };
}
