// The ROC curve of an evaluation as an inline SVG: false match rate across, true match rate up,
// both 0 to 1, with grid, axis labels, the chance diagonal and the gallery threshold's operating point.
import type { EvaluationResultFieldsFragment } from '@faceledger/schema/client';

const WIDTH = 480;
const HEIGHT = 360;
const MARGIN = { left: 56, right: 16, top: 16, bottom: 48 };
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

function x(fmr: number): number {
  return MARGIN.left + fmr * (WIDTH - MARGIN.left - MARGIN.right);
}

function y(tmr: number): number {
  return HEIGHT - MARGIN.bottom - tmr * (HEIGHT - MARGIN.top - MARGIN.bottom);
}

export function RocChart({
  roc,
  operatingPoint,
}: {
  roc: EvaluationResultFieldsFragment['roc'];
  operatingPoint: { threshold: number; fmr: number; fnmr: number } | null;
}) {
  const points = roc.map((p) => `${x(p.fmr).toFixed(1)},${y(p.tmr).toFixed(1)}`).join(' ');
  const label = operatingPoint
    ? `Threshold ${operatingPoint.threshold.toFixed(3)}: FMR ${operatingPoint.fmr.toFixed(3)}, FNMR ${operatingPoint.fnmr.toFixed(3)}`
    : '';
  return (
    <figure className="roc-figure">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="roc-title roc-desc"
        className="roc-chart"
      >
        <title id="roc-title">ROC curve</title>
        <desc id="roc-desc">
          True match rate against false match rate over {roc.length} thresholds. {label}
        </desc>
        {TICKS.map((t) => (
          <g key={t}>
            <line x1={x(t)} y1={y(0)} x2={x(t)} y2={y(1)} className="roc-grid" />
            <line x1={x(0)} y1={y(t)} x2={x(1)} y2={y(t)} className="roc-grid" />
            <text x={x(t)} y={y(0) + 18} textAnchor="middle" className="roc-tick">
              {t.toFixed(1)}
            </text>
            <text x={x(0) - 8} y={y(t) + 4} textAnchor="end" className="roc-tick">
              {t.toFixed(1)}
            </text>
          </g>
        ))}
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="roc-chance" />
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(0)} className="roc-axis" />
        <line x1={x(0)} y1={y(0)} x2={x(0)} y2={y(1)} className="roc-axis" />
        <polyline points={points} className="roc-line" />
        <text x={(x(0) + x(1)) / 2} y={HEIGHT - 8} textAnchor="middle" className="roc-label">
          False match rate (FMR)
        </text>
        <text
          x={14}
          y={(y(0) + y(1)) / 2}
          textAnchor="middle"
          transform={`rotate(-90 14 ${(y(0) + y(1)) / 2})`}
          className="roc-label"
        >
          True match rate (1 − FNMR)
        </text>
        {operatingPoint && (
          <g>
            <circle cx={x(operatingPoint.fmr)} cy={y(1 - operatingPoint.fnmr)} r={6} className="roc-point" />
            <text
              x={Math.min(x(operatingPoint.fmr) + 10, WIDTH - 140)}
              y={Math.max(y(1 - operatingPoint.fnmr) + 20, MARGIN.top + 12)}
              className="roc-point-label"
            >
              threshold {operatingPoint.threshold.toFixed(2)}
            </text>
          </g>
        )}
      </svg>
      <figcaption className="muted small">
        Each point is a threshold: above it a pair is accepted as the same person. {label}
      </figcaption>
    </figure>
  );
}
