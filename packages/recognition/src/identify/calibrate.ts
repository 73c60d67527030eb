// Measures a model's identify calibration (what `faceledger calibrate identify` runs): the identify
// threshold for each FPIR target at several gallery sizes, under the shipped scoring rule, from one
// embedding per image. Pure: embeddings in, thresholds out; the same draws for the same seed.
import type { IdentifyCalibration } from './calibration.js';
import { CALIBRATED_FPIR_TARGETS } from './calibration.js';
import { searchProbes, type GalleryFace } from './open-set-eval.js';
import { thresholdAtFpir } from './open-set-metrics.js';
import type { OpenSetProtocol } from './protocol.js';

/** How the galleries of a calibration are drawn. */
export interface CalibrationPlan {
  /** Gallery sizes drawn at random from the enrolled people (the full gallery is always added). */
  sizes: readonly number[];
  /** Random galleries per size; the shipped threshold is the highest over them. */
  draws: number;
  /** Seed of the draws (mulberry32), so a table regenerates exactly. */
  seed: number;
}

/** The plan every shipped calibration was measured with. */
export const SHIPPED_CALIBRATION_PLAN: CalibrationPlan = {
  sizes: [10, 25, 50, 100, 200, 400],
  draws: 20,
  seed: 20261206,
};

/** Highest, median and lowest threshold over the draws of one size, for one target. */
export interface DrawSpread {
  max: number;
  median: number;
  min: number;
}

/** The draws of one gallery size. */
export interface CalibrationRow {
  size: number;
  draws: number;
  /** Non-mated searches of each draw (strangers plus the mated probes of people left out). */
  nonMated: number[];
  /** FPIR target as a decimal string ("0.01") -> spread over the draws. */
  thresholds: Record<string, DrawSpread>;
}

/** Deterministic PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let s = seed;
  return () => {
    s |= 0;
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws galleries of each size from the K = 1 protocol's enrolled people and reads the threshold at
 * each calibrated FPIR target with the shipped scoring (serverRankOne). In a drawn gallery the mated
 * probes of the people left out are strangers (non-mated searches). Sizes at or above the number of
 * enrolled people are dropped; the full gallery is the last row (one draw).
 */
export function measureCalibration(
  protocol: OpenSetProtocol,
  embeddingOf: (file: string) => Float32Array | null,
  plan: CalibrationPlan = SHIPPED_CALIBRATION_PLAN,
  onRow: (row: CalibrationRow) => void = () => {},
): CalibrationRow[] {
  const people = [...protocol.enrolled.keys()];
  const all = people.length;
  if (all === 0) throw new Error('no person has two or more photos: nothing to enroll');
  const random = mulberry32(plan.seed);
  const draw = (n: number): Set<string> => {
    const a = [...people];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [a[i], a[j]] = [a[j] as string, a[i] as string];
    }
    return new Set(a.slice(0, n));
  };
  const measure = (
    members: ReadonlySet<string>,
  ): { nonMated: number; thresholds: Record<string, number> } => {
    const faces: GalleryFace[] = [];
    for (const person of members)
      for (const file of protocol.enrolled.get(person) ?? []) {
        const embedding = embeddingOf(file);
        if (embedding) faces.push({ identityId: person, faceId: file, embedding });
      }
    const sub: OpenSetProtocol = {
      enrolled: protocol.enrolled,
      distractors: [],
      mated: protocol.mated.filter((p) => p.mate !== null && members.has(p.mate)),
      nonMated: [
        ...protocol.nonMated,
        ...protocol.mated
          .filter((p) => p.mate === null || !members.has(p.mate))
          .map((p) => ({ file: p.file, mate: null })),
      ],
    };
    const searches = searchProbes(sub, { identities: members.size, faces, enrollFailures: 0 }, embeddingOf);
    return {
      nonMated: sub.nonMated.length,
      thresholds: Object.fromEntries(
        CALIBRATED_FPIR_TARGETS.map((t) => [String(t), thresholdAtFpir(searches, t)]),
      ),
    };
  };
  const rows: CalibrationRow[] = [];
  for (const size of [...plan.sizes.filter((s) => s < all), all]) {
    const draws = [];
    const full = size === all;
    for (let d = 0; d < (full ? 1 : plan.draws); d++)
      draws.push(measure(full ? new Set(people) : draw(size)));
    const thresholds: Record<string, DrawSpread> = {};
    for (const t of CALIBRATED_FPIR_TARGETS) {
      const v = draws.map((x) => x.thresholds[String(t)] as number).sort((a, b) => a - b);
      if (v.some((x) => !Number.isFinite(x)))
        throw new Error(
          `a gallery of ${size} has no finite threshold at FPIR ${t}: too few strangers or faces; add photos of people with one photo`,
        );
      thresholds[String(t)] = {
        max: v[v.length - 1] as number,
        median: v[Math.floor(v.length / 2)] as number,
        min: v[0] as number,
      };
    }
    const row = { size, draws: draws.length, nonMated: draws.map((x) => x.nonMated), thresholds };
    rows.push(row);
    onRow(row);
  }
  return rows;
}

/**
 * The shipped points: per size the highest threshold over the draws (a gallery as unlucky as the
 * worst draw still meets its target), rounded up to 4 decimals. Not forced to rise with size: under
 * the shipped rule a small gallery's stranger has a weak rival and so a large margin bonus.
 */
export function calibrationPoints(rows: readonly CalibrationRow[]): IdentifyCalibration['points'] {
  return Object.fromEntries(
    CALIBRATED_FPIR_TARGETS.map((t) => [
      String(t),
      rows.map((r) => [r.size, Math.ceil((r.thresholds[String(t)] as DrawSpread).max * 1e4) / 1e4] as const),
    ]),
  );
}

const quote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The TypeScript source of src/identify/calibration-data.ts holding these calibrations, by model id. */
export function calibrationTableSource(calibrations: readonly IdentifyCalibration[]): string {
  const entries = [...calibrations]
    .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))
    .map((c) => {
      const points = CALIBRATED_FPIR_TARGETS.map((t) => {
        const list = (c.points[String(t)] ?? []).map(([s, v]) => `        [${s}, ${v}],`).join('\n');
        return `      '${t}': [\n${list}\n      ],`;
      }).join('\n');
      return [
        `  ${quote(c.model)}: {`,
        `    model: ${quote(c.model)},`,
        `    data: ${quote(c.data)},`,
        `    measured: ${quote(c.measured)},`,
        `    points: {`,
        points,
        `    },`,
        `  },`,
      ].join('\n');
    });
  return `// Generated by \`faceledger calibrate identify\` (src/cli/calibrate-command.ts) from the raw draws in
// packages/recognition/calibration/<model>.identify.json (LFW dev data, K = 1, the shipped
// IDENTITY_SCORING rule). Do not edit by hand; regenerate (packages/recognition/README.md).
import type { IdentifyCalibration } from './calibration.js';

/** Measured identify calibrations, one per model id. */
export const IDENTIFY_CALIBRATIONS: Readonly<Record<string, IdentifyCalibration>> = {
${entries.join('\n')}
};
`;
}
