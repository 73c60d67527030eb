// A similarity score as a bar against the threshold line. The scale runs from `floor` to 1 (scores
// below show as empty), so that close scores stay apart; give every bar of one list the same floor.

/** A common floor for the bars of one list: 0.1 steps, a little under the lowest score and the threshold. */
export function scoreFloor(scores: readonly number[], threshold: number): number {
  const lowest = Math.min(threshold, ...scores);
  return Math.max(0, Math.floor((lowest - 0.1) * 10) / 10);
}

export function ScoreBar({
  score,
  threshold,
  floor = 0,
}: {
  score: number;
  threshold: number;
  floor?: number;
}) {
  const position = (n: number) => Math.min(1, Math.max(0, (n - floor) / (1 - floor))) * 100;
  const reaches = score >= threshold;
  return (
    <span className="score">
      <span
        className="score-track"
        aria-hidden="true"
        title={`Scale ${floor.toFixed(1)} to 1; the red line is the threshold ${threshold.toFixed(2)}`}
      >
        <span
          className={reaches ? 'score-fill score-above' : 'score-fill'}
          style={{ width: `${position(score)}%` }}
        />
        <span className="score-threshold" style={{ left: `${position(threshold)}%` }} />
      </span>
      <span className="score-value">{score.toFixed(3)}</span>
      <span className="visually-hidden">
        {reaches ? ', at or above' : ', below'} the threshold {threshold.toFixed(2)}
      </span>
    </span>
  );
}
