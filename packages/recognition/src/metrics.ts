/** One scored verification pair; `score` is null when a face was missing in either image. */
export interface ScoredPair {
  /** Fold the pair belongs to (0-based). */
  fold: number;
  /** Same identity? */
  same: boolean;
  /** Cosine similarity, or null when the pair could not be scored (counts as an error). */
  score: number | null;
}

/** One point of a ROC curve. */
export interface RocPoint {
  /** Similarity threshold (accept when score >= threshold). */
  threshold: number;
  /** False accept rate at this threshold. */
  far: number;
  /** True accept rate at this threshold. */
  tar: number;
}

/** Verification metrics under the k-fold protocol. */
export interface VerificationReport {
  /** Mean test accuracy over folds, thresholds chosen on the other folds (failures count as errors). */
  accuracy: number;
  /** Standard deviation of the per-fold accuracies. */
  accuracyStd: number;
  /** Accuracy per fold. */
  foldAccuracy: number[];
  /** Threshold chosen for each fold. */
  foldThreshold: number[];
  /** Mean of the fold thresholds (a reasonable operating threshold). */
  threshold: number;
  /** Area under the ROC curve (unscored pairs ranked lowest). */
  auc: number;
  /** Equal error rate. */
  eer: number;
  /** True accept rate at false accept rates 1e-2 and 1e-3. */
  tarAtFar: { '1e-2': number; '1e-3': number };
  /** Number of pairs. */
  pairs: number;
  /** Pairs that could not be scored. */
  failures: number;
  /** ROC curve from strict to lenient. */
  roc: RocPoint[];
}

const FAIL_SCORE = -Infinity;

function scoreOf(p: ScoredPair): number {
  return p.score ?? FAIL_SCORE;
}

/** Accuracy of a threshold on pairs; unscored pairs are always wrong. */
export function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  if (pairs.length === 0) return 0;
  let correct = 0;
  for (const p of pairs) if (p.score !== null && p.score >= threshold === p.same) correct++;
  return correct / pairs.length;
}

/** Threshold that maximises accuracy on `pairs` (midpoints between consecutive scores). */
export function bestThreshold(pairs: readonly ScoredPair[]): number {
  const scored = pairs.filter((p) => p.score !== null).sort((a, b) => scoreOf(a) - scoreOf(b));
  if (scored.length === 0) return 0;
  let correct = scored.filter((p) => p.same).length;
  let best = correct;
  let bestT = scoreOf(scored[0] as ScoredPair) - 1e-6;
  for (let i = 0; i < scored.length; i++) {
    const p = scored[i] as ScoredPair;
    correct += p.same ? -1 : 1;
    const next = scored[i + 1];
    const t = next ? (scoreOf(p) + scoreOf(next)) / 2 : scoreOf(p) + 1e-6;
    if (next && scoreOf(next) === scoreOf(p)) continue;
    if (correct > best) {
      best = correct;
      bestT = t;
    }
  }
  return bestT;
}

/** ROC curve: one point per distinct score, thresholds descending. */
export function rocCurve(pairs: readonly ScoredPair[]): RocPoint[] {
  const sorted = [...pairs].sort((a, b) => scoreOf(b) - scoreOf(a));
  const positives = pairs.filter((p) => p.same).length;
  const negatives = pairs.length - positives;
  const points: RocPoint[] = [{ threshold: Infinity, far: 0, tar: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i] as ScoredPair;
    if (p.same) tp++;
    else fp++;
    const next = sorted[i + 1];
    if (next && scoreOf(next) === scoreOf(p)) continue;
    points.push({
      threshold: scoreOf(p),
      far: negatives ? fp / negatives : 0,
      tar: positives ? tp / positives : 0,
    });
  }
  return points;
}

/** Area under a ROC curve (trapezoids). */
export function rocAuc(roc: readonly RocPoint[]): number {
  let auc = 0;
  for (let i = 1; i < roc.length; i++) {
    const a = roc[i - 1] as RocPoint;
    const b = roc[i] as RocPoint;
    auc += ((b.far - a.far) * (a.tar + b.tar)) / 2;
  }
  return auc;
}

/** Equal error rate: where the false accept rate equals the false reject rate. */
export function equalErrorRate(roc: readonly RocPoint[]): number {
  let best = 1;
  let bestGap = Infinity;
  for (const p of roc) {
    const frr = 1 - p.tar;
    const gap = Math.abs(frr - p.far);
    if (gap < bestGap) {
      bestGap = gap;
      best = (frr + p.far) / 2;
    }
  }
  return best;
}

/** Highest true accept rate with a false accept rate at or below `far`. */
export function tarAtFar(roc: readonly RocPoint[], far: number): number {
  let tar = 0;
  for (const p of roc) if (p.far <= far && p.tar > tar) tar = p.tar;
  return tar;
}

/**
 * The report from per-fold accuracies and thresholds plus the pooled pairs behind the ROC figures.
 */
export function foldReport(
  foldAccuracy: number[],
  foldThreshold: number[],
  pairs: readonly ScoredPair[],
): VerificationReport {
  const mean = foldAccuracy.reduce((a, b) => a + b, 0) / Math.max(1, foldAccuracy.length);
  const variance = foldAccuracy.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, foldAccuracy.length);
  const roc = rocCurve(pairs);
  return {
    accuracy: mean,
    accuracyStd: Math.sqrt(variance),
    foldAccuracy,
    foldThreshold,
    threshold: foldThreshold.reduce((a, b) => a + b, 0) / Math.max(1, foldThreshold.length),
    auc: rocAuc(roc),
    eer: equalErrorRate(roc),
    tarAtFar: { '1e-2': tarAtFar(roc, 1e-2), '1e-3': tarAtFar(roc, 1e-3) },
    pairs: pairs.length,
    failures: pairs.filter((p) => p.score === null).length,
    roc,
  };
}

/**
 * The LFW protocol: for each fold, the threshold is chosen on all other folds and accuracy measured
 * on that fold; mean and standard deviation over folds. ROC metrics pool every pair.
 */
export function evaluateVerification(pairs: readonly ScoredPair[]): VerificationReport {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const foldAccuracy: number[] = [];
  const foldThreshold: number[] = [];
  for (const fold of folds) {
    const train = pairs.filter((p) => p.fold !== fold);
    const test = pairs.filter((p) => p.fold === fold);
    const t = bestThreshold(train.length > 0 ? train : test);
    foldThreshold.push(t);
    foldAccuracy.push(accuracyAt(test, t));
  }
  return foldReport(foldAccuracy, foldThreshold, pairs);
}

/** ROC curve as CSV (threshold, far, tar). */
export function rocCsv(roc: readonly RocPoint[]): string {
  const lines = ['threshold,far,tar'];
  for (const p of roc)
    lines.push(
      `${Number.isFinite(p.threshold) ? p.threshold.toFixed(6) : p.threshold > 0 ? 'inf' : '-inf'},${p.far.toFixed(6)},${p.tar.toFixed(6)}`,
    );
  return lines.join('\n') + '\n';
}

/** ROC curve as a standalone SVG with a logarithmic FAR axis (1e-4 .. 1). */
export function rocSvg(roc: readonly RocPoint[], title: string): string {
  const w = 640;
  const h = 480;
  const m = 60;
  const x = (far: number): number => m + ((Math.log10(Math.max(far, 1e-4)) + 4) / 4) * (w - 2 * m);
  const y = (tar: number): number => h - m - tar * (h - 2 * m);
  const pts = roc.map((p) => `${x(p.far).toFixed(1)},${y(p.tar).toFixed(1)}`).join(' ');
  const ticks = [1e-4, 1e-3, 1e-2, 1e-1, 1]
    .map(
      (f) =>
        `<line x1="${x(f)}" y1="${h - m}" x2="${x(f)}" y2="${m}" stroke="#ddd"/><text x="${x(f)}" y="${h - m + 18}" font-size="12" text-anchor="middle">${f.toExponential(0)}</text>`,
    )
    .join('');
  const yt = [0, 0.2, 0.4, 0.6, 0.8, 1]
    .map(
      (t) =>
        `<line x1="${m}" y1="${y(t)}" x2="${w - m}" y2="${y(t)}" stroke="#ddd"/><text x="${m - 8}" y="${y(t) + 4}" font-size="12" text-anchor="end">${t.toFixed(1)}</text>`,
    )
    .join('');
  const safeTitle = title.replace(/[<>&"]/g, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><rect width="100%" height="100%" fill="white"/>${ticks}${yt}<polyline fill="none" stroke="#c0392b" stroke-width="2" points="${pts}"/><text x="${w / 2}" y="30" font-size="16" text-anchor="middle">${safeTitle}</text><text x="${w / 2}" y="${h - 15}" font-size="13" text-anchor="middle">False accept rate (log)</text><text x="18" y="${h / 2}" font-size="13" transform="rotate(-90 18 ${h / 2})" text-anchor="middle">True accept rate</text></svg>\n`;
}
