import { cosineSimilarity } from '../models/embedder.js';
import { rankIdentities, type IdentityScoringRule, type ScoredFace } from './identity-scoring.js';
import {
  searchAll,
  searchProbes,
  serverRankOne,
  SERVER_FACES_READ,
  SERVER_TOP_K,
  type GalleryFace,
  type OpenSetGallery,
  type RankOneRule,
} from './open-set-eval.js';
import { evaluateOpenSet, type FpirKey } from './open-set-metrics.js';
import type { OpenSetProtocol } from './protocol.js';

/** One scoring variant measured by `eval identify --variants`. */
export interface VariantRow {
  /** What the variant does. */
  name: string;
  /** Closed-set rank-1 under the variant's ranking. */
  rank1: number;
  /** FNIR at each FPIR target. */
  fnir: Record<FpirKey, number | null>;
  /** Threshold at each FPIR target, in the variant's own score units. */
  thresholds: Record<FpirKey, number | null>;
}

interface Stats {
  mean: number;
  std: number;
}

function statsOf(values: readonly number[]): Stats {
  if (values.length === 0) return { mean: 0, std: 1 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std: std > 1e-6 ? std : 1e-6 };
}

/** Best-face score per identity, most similar first (hits must be sorted, most similar first). */
function bestPerIdentity(hits: readonly ScoredFace[]): Array<{ identityId: string; score: number }> {
  const seen = new Set<string>();
  const out: Array<{ identityId: string; score: number }> = [];
  for (const h of hits)
    if (!seen.has(h.identityId)) {
      seen.add(h.identityId);
      out.push({ identityId: h.identityId, score: h.score });
    }
  return out;
}

function normalised(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}

/** Mean of the normalised embeddings of each identity, normalised again. */
function templatesOf(faces: readonly GalleryFace[]): Map<string, Float32Array> {
  const sums = new Map<string, Float32Array>();
  for (const f of faces) {
    const e = normalised(f.embedding);
    const sum = sums.get(f.identityId) ?? new Float32Array(e.length);
    for (let i = 0; i < e.length; i++) sum[i] = (sum[i] as number) + (e[i] as number);
    sums.set(f.identityId, sum);
  }
  return new Map([...sums].map(([id, sum]) => [id, normalised(sum)]));
}

/** For each identity: mean and std of its template's top-M cosine to the other identities' templates. */
function galleryCohortStats(templates: ReadonlyMap<string, Float32Array>, m: number): Map<string, Stats> {
  const ids = [...templates.keys()];
  const vecs = ids.map((id) => templates.get(id) as Float32Array);
  const stats = new Map<string, Stats>();
  for (let i = 0; i < ids.length; i++) {
    const scores: number[] = [];
    for (let j = 0; j < ids.length; j++)
      if (j !== i) scores.push(cosineSimilarity(vecs[i] as Float32Array, vecs[j] as Float32Array));
    scores.sort((a, b) => b - a);
    stats.set(ids[i] as string, statsOf(scores.slice(0, m)));
  }
  return stats;
}

/** The rule before this work: the best face's raw cosine. */
export const BEST_FACE: IdentityScoringRule = { aggregation: 'best-face', marginWeight: 0 };

/** The rank-1 rule of identify before this work, for comparison curves. */
export const bestFaceRankOne: RankOneRule = (hits) => {
  const top = rankIdentities(hits.slice(0, SERVER_FACES_READ), SERVER_TOP_K, BEST_FACE)[0];
  return top ? { identityId: top.identityId, score: top.score } : null;
};

/**
 * For each identity, the best-face similarities to its `m` most similar other identities of the
 * gallery, highest first (a face of one against a face of the other).
 */
export function identityNeighbourhoods(faces: readonly GalleryFace[], m: number): Map<string, number[]> {
  const best = new Map<string, Map<string, number>>();
  for (let i = 0; i < faces.length; i++) {
    const a = faces[i] as GalleryFace;
    for (let j = i + 1; j < faces.length; j++) {
      const b = faces[j] as GalleryFace;
      if (a.identityId === b.identityId) continue;
      const score = cosineSimilarity(a.embedding, b.embedding);
      for (const [x, y] of [
        [a.identityId, b.identityId],
        [b.identityId, a.identityId],
      ] as const) {
        const row = best.get(x) ?? new Map<string, number>();
        if ((row.get(y) ?? -Infinity) < score) row.set(y, score);
        best.set(x, row);
      }
    }
  }
  return new Map([...best].map(([id, row]) => [id, [...row.values()].sort((p, q) => q - p).slice(0, m)]));
}

/**
 * Every scoring variant tried on dev data, each measured on the same gallery and probes (exact search).
 * Variants that need the whole gallery or the embeddings say so in their name.
 */
export function compareVariants(
  protocol: OpenSetProtocol,
  gallery: OpenSetGallery,
  embeddingOf: (file: string) => Float32Array | null,
): VariantRow[] {
  const rules: Array<[string, RankOneRule]> = [];
  const read = (hits: readonly ScoredFace[]): ScoredFace[] => hits.slice(0, SERVER_FACES_READ);
  rules.push(['shipped: rankIdentities over the 50 faces read', serverRankOne]);
  const byRule =
    (rule: IdentityScoringRule): RankOneRule =>
    (hits) => {
      const top = rankIdentities(read(hits), SERVER_TOP_K, rule)[0];
      return top ? { identityId: top.identityId, score: top.score } : null;
    };
  rules.push(['best face, raw cosine (the rule before: rankByBestFace)', byRule(BEST_FACE)]);
  rules.push(['mean of top two faces', byRule({ aggregation: 'mean-top2', marginWeight: 0 })]);
  const templates = templatesOf(gallery.faces);
  rules.push([
    'template (mean embedding), whole gallery',
    (_hits, probe) => {
      let best: { identityId: string; score: number } | null = null;
      for (const [identityId, t] of templates) {
        const score = cosineSimilarity(probe, t);
        if (!best || score > best.score) best = { identityId, score };
      }
      return best;
    },
  ]);
  rules.push([
    'template + 0.75 x margin to the rival template, whole gallery',
    (_hits, probe) => {
      const scores = [...templates].map(([identityId, t]) => ({
        identityId,
        score: cosineSimilarity(probe, t),
      }));
      scores.sort((a, b) => b.score - a.score);
      const [a, b] = scores;
      return a
        ? { identityId: a.identityId, score: a.score + 0.75 * (a.score - (b?.score ?? a.score)) }
        : null;
    },
  ]);
  rules.push([
    'margin s1 - s2 (50 faces read)',
    (hits) => {
      const [a, b] = bestPerIdentity(read(hits));
      return a ? { identityId: a.identityId, score: a.score - (b?.score ?? 0) } : null;
    },
  ]);
  for (const aggregation of ['best-face', 'mean-top2'] as const)
    for (const w of [0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2])
      rules.push([
        `${aggregation === 'best-face' ? 'best face' : 'mean of top two'} + ${w} x margin to the rival (50 read)`,
        byRule({ aggregation, marginWeight: w }),
      ]);
  rules.push([
    'T-norm: z of s1 against all other identities (whole gallery)',
    (hits) => {
      const [a, ...rest] = bestPerIdentity(hits);
      if (!a) return null;
      const st = statsOf(rest.map((r) => r.score));
      return { identityId: a.identityId, score: (a.score - st.mean) / st.std };
    },
  ]);
  for (const m of [10, 20, 40]) {
    rules.push([
      `AS-norm, probe side: z of s1 against top ${m} others (50 read)`,
      (hits) => {
        const [a, ...rest] = bestPerIdentity(read(hits));
        if (!a) return null;
        const st = statsOf(rest.slice(0, m).map((r) => r.score));
        return { identityId: a.identityId, score: (a.score - st.mean) / st.std };
      },
    ]);
    rules.push([
      `cohort shift: s1 - mean of top ${m} others (50 read)`,
      (hits) => {
        const [a, ...rest] = bestPerIdentity(read(hits));
        if (!a) return null;
        return {
          identityId: a.identityId,
          score: a.score - statsOf(rest.slice(0, m).map((r) => r.score)).mean,
        };
      },
    ]);
  }
  for (const m of [10, 50]) {
    const side = galleryCohortStats(templates, m);
    rules.push([
      `AS-norm, symmetric, top ${m} (gallery side: templates)`,
      (hits) => {
        const ranked = bestPerIdentity(hits);
        let best: { identityId: string; score: number } | null = null;
        for (const c of ranked.slice(0, SERVER_TOP_K * 2)) {
          const probeSide = statsOf(
            ranked
              .filter((r) => r.identityId !== c.identityId)
              .slice(0, m)
              .map((r) => r.score),
          );
          const identitySide = side.get(c.identityId) ?? { mean: 0, std: 1 };
          const score =
            0.5 *
            ((c.score - probeSide.mean) / probeSide.std + (c.score - identitySide.mean) / identitySide.std);
          if (!best || score > best.score) best = { identityId: c.identityId, score };
        }
        return best;
      },
    ]);
  }
  const neighbourhood = identityNeighbourhoods(gallery.faces, 3);
  for (const m of [1, 3])
    for (const b of [0.1, 0.25, 0.4])
      for (const w of [0, 0.2, 0.75])
        rules.push([
          `neighbourhood: s - ${b} x mean of its ${m} nearest identities${w ? `, margin ${w}` : ''} (+ gallery)`,
          (hits) => {
            const ranked = rankIdentities(read(hits), SERVER_TOP_K * 2, { ...BEST_FACE, marginWeight: w });
            let best: { identityId: string; score: number } | null = null;
            for (const c of ranked) {
              const near = (neighbourhood.get(c.identityId) ?? []).slice(0, m);
              const score = c.score - b * (near.reduce((x, y) => x + y, 0) / Math.max(1, near.length));
              if (!best || score > best.score) best = { identityId: c.identityId, score };
            }
            return best;
          },
        ]);
  const dims = gallery.faces[0]?.embedding.length ?? 0;
  const mean = new Float32Array(dims);
  for (const f of gallery.faces) {
    const e = normalised(f.embedding);
    for (let i = 0; i < dims; i++) mean[i] = (mean[i] as number) + (e[i] as number) / gallery.faces.length;
  }
  const rows: VariantRow[] = [];
  const searched = new Map<Float32Array, ScoredFace[]>();
  const exact = (probe: Float32Array): ScoredFace[] => {
    let hits = searched.get(probe);
    if (!hits) {
      hits = searchAll(probe, gallery.faces);
      searched.set(probe, hits);
    }
    return hits;
  };
  const measure = (name: string, rule: RankOneRule, hitsOf = exact): void => {
    const r = evaluateOpenSet(searchProbes(protocol, gallery, embeddingOf, rule, hitsOf));
    rows.push({ name, rank1: r.rank1, fnir: r.fnir, thresholds: r.thresholds });
  };
  for (const [name, rule] of rules) measure(name, rule);
  for (const alpha of [0.5, 1]) {
    const centre = (v: Float32Array): Float32Array => {
      const e = normalised(v);
      return e.map((x, i) => x - alpha * (mean[i] as number));
    };
    const centred = gallery.faces.map((f) => ({ ...f, embedding: centre(f.embedding) }));
    measure(
      `best face, centred on ${alpha} x the gallery mean (whole gallery)`,
      (hits) => bestPerIdentity(hits)[0] ?? null,
      (probe) => searchAll(centre(probe), centred),
    );
  }
  return rows;
}
