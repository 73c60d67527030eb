/** One 1:N search as the decision sees it: the rank-1 candidate's score and whether it is the mate. */
export interface SearchOutcome {
  /** A mated search (the probe's identity is enrolled); false for a stranger. */
  mated: boolean;
  /** Decision score of the rank-1 candidate; null when the probe had no face (nothing is returned). */
  topScore: number | null;
  /** The rank-1 candidate is the probe's mate (always false for a non-mated search). */
  topIsMate: boolean;
}

/** The false positive identification rates the report is read at, as JSON keys. */
export const FPIR_TARGETS = ['1e-2', '3e-3', '1e-3'] as const;
/** One of FPIR_TARGETS. */
export type FpirKey = (typeof FPIR_TARGETS)[number];

/** One point of a DET curve (both rates at one threshold). */
export interface DetPoint {
  /** Accept when the rank-1 score is >= threshold. */
  threshold: number;
  /** Fraction of non-mated searches whose rank-1 score reaches the threshold. */
  fpir: number;
  /** Fraction of mated searches whose mate is not returned at rank 1 at or above the threshold. */
  fnir: number;
}

/** Open-set identification figures for one gallery (ISO/IEC 19795-1, read at rank 1). */
export interface OpenSetReport {
  /** Fraction of mated searches whose mate is the rank-1 candidate, no threshold (closed-set rank-1). */
  rank1: number;
  /** FNIR at each FPIR target, with the threshold chosen on the non-mated searches; null without any. */
  fnir: Record<FpirKey, number | null>;
  /** The threshold behind each FNIR: the lowest score whose FPIR is at or below the target. */
  thresholds: Record<FpirKey, number | null>;
  /** Number of mated searches. */
  mated: number;
  /** Number of non-mated searches. */
  nonMated: number;
  /** Searches whose probe had no face: a miss when mated, never a false positive when non-mated. */
  failures: number;
  /** DET curve from strict to lenient. */
  det: DetPoint[];
}

const rankedScore = (s: SearchOutcome): number => s.topScore ?? -Infinity;

/**
 * The threshold at which at most `fpir` of the non-mated searches reach rank-1 score >= threshold:
 * the smallest score seen (mated or not) above the (floor(fpir x n) + 1)-th highest non-mated score.
 * Infinity when no such score exists (nothing can be accepted); -Infinity when every non-mated search may alarm.
 */
export function thresholdAtFpir(searches: readonly SearchOutcome[], fpir: number): number {
  const nonMated = searches.filter((s) => !s.mated);
  const alarms = nonMated
    .map((s) => s.topScore)
    .filter((v): v is number => v !== null)
    .sort((a, b) => b - a);
  const allowed = Math.floor(fpir * nonMated.length + 1e-9);
  if (allowed >= alarms.length) return -Infinity;
  const refused = alarms[allowed] as number;
  let threshold = Infinity;
  for (const s of searches)
    if (s.topScore !== null && s.topScore > refused && s.topScore < threshold) threshold = s.topScore;
  return threshold;
}

/** FNIR at a threshold: mated searches whose mate is not rank 1 with a score at or above it. */
export function fnirAt(searches: readonly SearchOutcome[], threshold: number): number {
  const mated = searches.filter((s) => s.mated);
  if (mated.length === 0) return 0;
  const hits = mated.filter((s) => s.topIsMate && rankedScore(s) >= threshold).length;
  return (mated.length - hits) / mated.length;
}

/** FPIR at a threshold: non-mated searches whose rank-1 score is at or above it. */
export function fpirAt(searches: readonly SearchOutcome[], threshold: number): number {
  const nonMated = searches.filter((s) => !s.mated);
  if (nonMated.length === 0) return 0;
  return nonMated.filter((s) => s.topScore !== null && s.topScore >= threshold).length / nonMated.length;
}

/** DET curve: one point per distinct rank-1 score, thresholds descending. */
export function detCurve(searches: readonly SearchOutcome[]): DetPoint[] {
  const mated = searches.filter((s) => s.mated).length;
  const nonMated = searches.length - mated;
  const sorted = searches.filter((s) => s.topScore !== null).sort((a, b) => rankedScore(b) - rankedScore(a));
  const points: DetPoint[] = [{ threshold: Infinity, fpir: 0, fnir: mated ? 1 : 0 }];
  let hits = 0;
  let alarms = 0;
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i] as SearchOutcome;
    if (s.mated && s.topIsMate) hits++;
    else if (!s.mated) alarms++;
    const next = sorted[i + 1];
    if (next && next.topScore === s.topScore) continue;
    points.push({
      threshold: s.topScore as number,
      fpir: nonMated ? alarms / nonMated : 0,
      fnir: mated ? (mated - hits) / mated : 0,
    });
  }
  return points;
}

/** Every figure of one gallery from its searches. */
export function evaluateOpenSet(searches: readonly SearchOutcome[]): OpenSetReport {
  const mated = searches.filter((s) => s.mated);
  const nonMated = searches.length - mated.length;
  const fnir = {} as Record<FpirKey, number | null>;
  const thresholds = {} as Record<FpirKey, number | null>;
  for (const key of FPIR_TARGETS) {
    if (nonMated === 0 || mated.length === 0) {
      fnir[key] = null;
      thresholds[key] = null;
      continue;
    }
    const t = thresholdAtFpir(searches, Number(key));
    fnir[key] = fnirAt(searches, t);
    thresholds[key] = Number.isFinite(t) ? t : null;
  }
  return {
    rank1: mated.length ? mated.filter((s) => s.topIsMate).length / mated.length : 0,
    fnir,
    thresholds,
    mated: mated.length,
    nonMated,
    failures: searches.filter((s) => s.topScore === null).length,
    det: detCurve(searches),
  };
}

/** One labelled DET curve to draw. */
export interface DetSeries {
  /** Legend text. */
  label: string;
  /** Points from detCurve. */
  points: readonly DetPoint[];
}

/** DET curves (FNIR against FPIR, both logarithmic: FPIR 1e-4..1, FNIR 1e-3..1) as a standalone SVG. */
export function detSvg(series: readonly DetSeries[], title: string): string {
  const w = 640;
  const h = 480;
  const m = 60;
  const clean = (s: string): string => s.replace(/[<>&"]/g, '');
  const x = (fpir: number): number => m + ((Math.log10(Math.max(fpir, 1e-4)) + 4) / 4) * (w - 2 * m);
  const y = (fnir: number): number => m + (-Math.log10(Math.max(fnir, 1e-3)) / 3) * (h - 2 * m);
  const colours = ['#c0392b', '#2471a3', '#229954', '#7d3c98', '#d68910', '#566573'];
  const xt = [1e-4, 1e-3, 1e-2, 1e-1, 1]
    .map(
      (f) =>
        `<line x1="${x(f)}" y1="${h - m}" x2="${x(f)}" y2="${m}" stroke="#ddd"/><text x="${x(f)}" y="${h - m + 18}" font-size="12" text-anchor="middle">${f.toExponential(0)}</text>`,
    )
    .join('');
  const yt = [1e-3, 1e-2, 1e-1, 1]
    .map(
      (f) =>
        `<line x1="${m}" y1="${y(f)}" x2="${w - m}" y2="${y(f)}" stroke="#ddd"/><text x="${m - 8}" y="${y(f) + 4}" font-size="12" text-anchor="end">${f.toExponential(0)}</text>`,
    )
    .join('');
  const lines = series
    .map((s, i) => {
      const colour = colours[i % colours.length] as string;
      const pts = s.points.map((p) => `${x(p.fpir).toFixed(1)},${y(p.fnir).toFixed(1)}`).join(' ');
      return (
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts}"/>` +
        `<text x="${w - m - 6}" y="${m + 18 + i * 16}" font-size="12" text-anchor="end" fill="${colour}">${clean(s.label)}</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><rect width="100%" height="100%" fill="white"/>${xt}${yt}${lines}<text x="${w / 2}" y="30" font-size="16" text-anchor="middle">${clean(title)}</text><text x="${w / 2}" y="${h - 15}" font-size="13" text-anchor="middle">False positive identification rate (log)</text><text x="18" y="${h / 2}" font-size="13" transform="rotate(-90 18 ${h / 2})" text-anchor="middle">False negative identification rate (log)</text></svg>\n`;
}
