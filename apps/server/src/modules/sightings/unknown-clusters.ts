// Incremental clustering of unknown faces: pure, no I/O. An unknown sighting joins the most similar
// cluster whose centroid it matches at the model's pair threshold, else it starts a new one, so a
// face seen again (on any camera) gets the same "unknown #N". A cluster's centroid is the
// normalised mean of its members' templates, updated as members join.
import { cosine } from '../../shared/cosine.js';

/**
 * Cosine similarity two templates need to be taken for one person across appearances (clusters; and
 * the tracker when a face reappears away from its last box): the model's pair threshold plus this.
 * The pair threshold (1:1 verify, FMR about 1e-2 on LFW) is too loose for joining many strangers:
 * measured on LFW frames with faceapi-resnet128 (pair threshold 0.911), one person's photos scored
 * 0.950-0.972 with each other and different people 0.82-0.915 (Tony_Blair 2 vs Colin_Powell 2:
 * 0.915), so 0.911 + 0.03 keeps them apart (face-tracker.recognition.spec.ts, sightings.recognition.spec.ts).
 */
export const SAME_FACE_MARGIN = 0.03;

/** The cosine similarity at which two templates are taken for one person (pair threshold + SAME_FACE_MARGIN). */
export function sameFaceSimilarity(pairThreshold: number): number {
  return Math.min(0.999, pairThreshold + SAME_FACE_MARGIN);
}

/** A cluster as the assigner sees it. */
export interface ClusterCentroid {
  id: string;
  /** L2-normalised mean of the members' templates. */
  centroid: ArrayLike<number>;
  /** Members so far. */
  size: number;
}

/** Where a template goes: an existing cluster (and how similar it was) or a new one. */
export type ClusterAssignment =
  { clusterId: string; similarity: number } | { clusterId: null; similarity: number | null };

/** The most similar cluster at or above `threshold` (cosine), or none: start a new cluster. */
export function assignCluster(
  template: ArrayLike<number>,
  clusters: readonly ClusterCentroid[],
  threshold: number,
): ClusterAssignment {
  let best: { clusterId: string; similarity: number } | null = null;
  for (const cluster of clusters) {
    const similarity = cosine(template, cluster.centroid);
    if (best === null || similarity > best.similarity) best = { clusterId: cluster.id, similarity };
  }
  if (best !== null && best.similarity >= threshold) return best;
  return { clusterId: null, similarity: best?.similarity ?? null };
}

/** The centroid after one more member: the normalised running mean. */
export function addToCentroid(
  centroid: ArrayLike<number>,
  size: number,
  template: ArrayLike<number>,
): Float32Array {
  const next = new Float32Array(centroid.length);
  let norm = 0;
  for (let i = 0; i < centroid.length; i++) {
    const value = (centroid[i] ?? 0) * size + (template[i] ?? 0);
    next[i] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  return norm === 0 ? next : next.map((v) => v / norm);
}
