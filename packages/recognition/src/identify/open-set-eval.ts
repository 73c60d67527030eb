import { cosineSimilarity } from '../models/embedder.js';
import { rankIdentities, type ScoredFace } from './identity-scoring.js';
import type { SearchOutcome } from './open-set-metrics.js';
import type { OpenSetProtocol } from './protocol.js';

/**
 * Faces identify reads per probe face with its default topK of 5: topK x 10 nearest
 * (apps/server MatchingService, overFetchFactor 10).
 */
export const SERVER_TOP_K = 5;
/** See SERVER_TOP_K. */
export const SERVER_FACES_READ = SERVER_TOP_K * 10;

/** One enrolled face of the evaluation gallery. */
export interface GalleryFace {
  /** Identity (the person's folder name). */
  identityId: string;
  /** Face id (the image file). */
  faceId: string;
  /** Its embedding. */
  embedding: Float32Array;
}

/** The gallery of one size and what failed to enroll in it. */
export interface OpenSetGallery {
  /** Identities in the gallery, each counted even when none of its photos had a face. */
  identities: number;
  /** Enrolled faces. */
  faces: GalleryFace[];
  /** Enrollment photos without a face. */
  enrollFailures: number;
}

/** Enrolls the mated people of the protocol, then distractors in order until `size` identities. */
export function buildGallery(
  protocol: OpenSetProtocol,
  size: number,
  embeddingOf: (file: string) => Float32Array | null,
): OpenSetGallery {
  const base = protocol.enrolled.size;
  if (size < base)
    throw new Error(
      `gallery size ${size} is below the ${base} people enrolled from --images; give ${base} or more`,
    );
  if (size > base + protocol.distractors.length)
    throw new Error(
      `gallery size ${size} needs ${size - base} distractors but --distractors gives ${protocol.distractors.length}; give at most ${base + protocol.distractors.length}`,
    );
  const faces: GalleryFace[] = [];
  let enrollFailures = 0;
  const enroll = (identityId: string, file: string): void => {
    const embedding = embeddingOf(file);
    if (embedding) faces.push({ identityId, faceId: file, embedding });
    else enrollFailures++;
  };
  for (const [person, files] of protocol.enrolled) for (const file of files) enroll(person, file);
  for (const d of protocol.distractors.slice(0, size - base)) enroll(`distractor:${d.person}`, d.file);
  return { identities: size, faces, enrollFailures };
}

/** Every enrolled face scored against the probe (exact search), most similar first. */
export function searchAll(probe: Float32Array, faces: readonly GalleryFace[]): ScoredFace[] {
  return faces
    .map((f) => ({ faceId: f.faceId, identityId: f.identityId, score: cosineSimilarity(probe, f.embedding) }))
    .sort((a, b) => b.score - a.score);
}

/** Chooses the rank-1 identity and its decision score from a probe's search. */
export type RankOneRule = (
  hits: readonly ScoredFace[],
  probe: Float32Array,
) => { identityId: string; score: number } | null;

/** The server's rule: the faces identify reads, ranked by rankIdentities. */
export const serverRankOne: RankOneRule = (hits) => {
  const top = rankIdentities(hits.slice(0, SERVER_FACES_READ), SERVER_TOP_K)[0];
  return top ? { identityId: top.identityId, score: top.score } : null;
};

/** One search per probe of the protocol (mated, then non-mated) under a rank-1 rule. */
export function searchProbes(
  protocol: OpenSetProtocol,
  gallery: OpenSetGallery,
  embeddingOf: (file: string) => Float32Array | null,
  rule: RankOneRule = serverRankOne,
  hitsOf: (probe: Float32Array) => ScoredFace[] = (probe) => searchAll(probe, gallery.faces),
): SearchOutcome[] {
  return [...protocol.mated, ...protocol.nonMated].map((p) => {
    const embedding = embeddingOf(p.file);
    const top = embedding ? rule(hitsOf(embedding), embedding) : null;
    return {
      mated: p.mate !== null,
      topScore: top ? top.score : null,
      topIsMate: top !== null && p.mate !== null && top.identityId === p.mate,
    };
  });
}
