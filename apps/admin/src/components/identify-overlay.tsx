// The probe photo with every detected face boxed and numbered: an SVG whose viewBox is the photo's
// pixel space (where the API gives boxes), so the boxes line up at any display size.
import type { MatchDecision } from '@faceledger/schema/client';

export interface OverlayFace {
  box: { x: number; y: number; width: number; height: number };
  decision: MatchDecision;
  /** Short text for the box, such as the matched name. */
  label: string;
}

export function IdentifyOverlay({
  src,
  width,
  height,
  faces,
  activeIndex,
  label,
}: {
  src: string;
  width: number;
  height: number;
  faces: readonly OverlayFace[];
  activeIndex: number | null;
  label: string;
}) {
  const font = Math.max(width, height) * 0.035;
  return (
    <svg
      className="identify-overlay"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      preserveAspectRatio="xMidYMid meet"
    >
      <image href={src} x={0} y={0} width={width} height={height} />
      {faces.map((face, index) => {
        const color = face.decision === 'MATCH' ? '#22d36b' : '#ffb020';
        const isActive = index === activeIndex;
        const tagY = face.box.y > font * 1.6 ? face.box.y - font * 1.5 : face.box.y + face.box.height;
        return (
          <g key={index}>
            <rect
              x={face.box.x}
              y={face.box.y}
              width={face.box.width}
              height={face.box.height}
              fill="none"
              stroke={color}
              strokeWidth={isActive ? 5 : 3}
              vectorEffect="non-scaling-stroke"
            />
            <rect
              x={face.box.x}
              y={tagY}
              width={Math.max(font * 1.6, face.box.width)}
              height={font * 1.5}
              fill={color}
            />
            <text
              x={face.box.x + font * 0.3}
              y={tagY + font * 1.1}
              fontSize={font}
              fontWeight={700}
              fill="#111"
            >
              {index + 1} {face.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
