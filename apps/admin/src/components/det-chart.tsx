// The DET curve of an identification evaluation as an inline SVG: false positive identification rate
// (FPIR) across, false negative identification rate (FNIR) up, both logarithmic (1e-3 to 1; a rate
// of 0 sits on the axis), with grid, axis labels and the FPIR targets the report is read at.
import type { IdentifyEvaluationResultFieldsFragment } from '@faceledger/schema/client';

const WIDTH = 480;
const HEIGHT = 360;
const MARGIN = { left: 64, right: 16, top: 16, bottom: 48 };
/** Decades shown on both axes: 1e-3 .. 1. */
const DECADES = 3;
const TICKS = [1e-3, 1e-2, 1e-1, 1];

/** Position along an axis of length `span` for a rate, on a log scale; 0 and below 1e-3 sit at the start. */
function logPosition(rate: number, span: number): number {
  const decade = Math.log10(Math.max(rate, 10 ** -DECADES));
  return ((decade + DECADES) / DECADES) * span;
}

function x(fpir: number): number {
  return MARGIN.left + logPosition(fpir, WIDTH - MARGIN.left - MARGIN.right);
}

function y(fnir: number): number {
  return HEIGHT - MARGIN.bottom - logPosition(fnir, HEIGHT - MARGIN.top - MARGIN.bottom);
}

function tick(rate: number): string {
  return rate === 1 ? '1' : rate.toExponential(0);
}

export function DetChart({
  det,
  targets,
}: {
  det: IdentifyEvaluationResultFieldsFragment['det'];
  targets: readonly number[];
}) {
  const points = det.map((p) => `${x(p.fpir).toFixed(1)},${y(p.fnir).toFixed(1)}`).join(' ');
  return (
    <figure className="roc-figure">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="det-title det-desc"
        className="roc-chart"
      >
        <title id="det-title">DET curve</title>
        <desc id="det-desc">
          False negative identification rate against false positive identification rate over {det.length}{' '}
          thresholds, both on logarithmic scales from 0.001 to 1.
        </desc>
        {TICKS.map((t) => (
          <g key={t}>
            <line x1={x(t)} y1={y(1e-3)} x2={x(t)} y2={y(1)} className="roc-grid" />
            <line x1={x(1e-3)} y1={y(t)} x2={x(1)} y2={y(t)} className="roc-grid" />
            <text x={x(t)} y={y(1e-3) + 18} textAnchor="middle" className="roc-tick">
              {tick(t)}
            </text>
            <text x={x(1e-3) - 8} y={y(t) + 4} textAnchor="end" className="roc-tick">
              {tick(t)}
            </text>
          </g>
        ))}
        {targets.map((t) => (
          <line key={t} x1={x(t)} y1={y(1e-3)} x2={x(t)} y2={y(1)} className="roc-chance" />
        ))}
        <line x1={x(1e-3)} y1={y(1e-3)} x2={x(1)} y2={y(1e-3)} className="roc-axis" />
        <line x1={x(1e-3)} y1={y(1e-3)} x2={x(1e-3)} y2={y(1)} className="roc-axis" />
        <polyline points={points} className="roc-line" />
        <text x={(x(1e-3) + x(1)) / 2} y={HEIGHT - 8} textAnchor="middle" className="roc-label">
          False positive identification rate (FPIR, log)
        </text>
        <text
          x={14}
          y={(y(1e-3) + y(1)) / 2}
          textAnchor="middle"
          transform={`rotate(-90 14 ${(y(1e-3) + y(1)) / 2})`}
          className="roc-label"
        >
          False negative identification rate (FNIR, log)
        </text>
      </svg>
      <figcaption className="muted small">
        Each point is a threshold on the rank-1 score; dashed lines mark FPIR {targets.map(tick).join(', ')}.
        A rate of 0 is drawn on its axis. Lower left is better.
      </figcaption>
    </figure>
  );
}
