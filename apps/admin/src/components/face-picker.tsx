'use client';

// A photo that shows several faces: every detected face is a button drawn over the photo at its box
// (placed in the photo's pixel space, where the API gives boxes, so it lines up at any size). The
// buttons come in reading order (rows from the top, left to right in a row) and are numbered so, for
// the mouse and the keyboard alike; choosing one enrolls that face.
import type { CSSProperties } from 'react';
import type { Box } from './face-image';

/** A detected face: its box and its index in the API's order (what FaceChoice.index counts). */
export interface PickableFace {
  box: Box;
  index: number;
}

/**
 * The faces in reading order: a face joins the row above when it overlaps that row's vertical
 * extent by at least half its height; rows go top to bottom, faces left to right within a row.
 */
export function readingOrder(boxes: readonly Box[]): PickableFace[] {
  const faces = boxes.map((box, index) => ({ box, index }));
  const rows: PickableFace[][] = [];
  for (const face of [...faces].sort((a, b) => a.box.y - b.box.y)) {
    const row = rows.find((candidate) =>
      candidate.some((other) => {
        const overlap =
          Math.min(face.box.y + face.box.height, other.box.y + other.box.height) -
          Math.max(face.box.y, other.box.y);
        return overlap >= Math.min(face.box.height, other.box.height) / 2;
      }),
    );
    if (row) row.push(face);
    else rows.push([face]);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.box.x - b.box.x));
}

const percent = (value: number, of: number) => `${Math.min(100, Math.max(0, (value / of) * 100))}%`;

function boxStyle(box: Box, width: number, height: number): CSSProperties {
  return {
    position: 'absolute',
    left: percent(box.x, width),
    top: percent(box.y, height),
    width: percent(Math.min(box.width, width - Math.max(0, box.x)), width),
    height: percent(Math.min(box.height, height - Math.max(0, box.y)), height),
    minWidth: 24,
    minHeight: 24,
    padding: 0,
    border: '3px solid #22d36b',
    borderRadius: 4,
    background: 'transparent',
    cursor: 'pointer',
    display: 'flex',
    alignItems: 'flex-start',
    justifyContent: 'flex-start',
  };
}

const TAG: CSSProperties = {
  background: '#22d36b',
  color: '#111',
  fontWeight: 700,
  fontSize: '0.85rem',
  lineHeight: 1,
  padding: '3px 6px',
};

export function FacePicker({
  src,
  width,
  height,
  boxes,
  fileName,
  disabled = false,
  onPick,
}: {
  src: string;
  /** The photo's size in pixels (the space of the boxes). */
  width: number;
  height: number;
  /** The detected faces' boxes in the API's order. */
  boxes: readonly Box[];
  fileName: string;
  disabled?: boolean;
  onPick: (face: PickableFace) => void;
}) {
  const faces = readingOrder(boxes);
  return (
    <div
      role="group"
      aria-label={`Faces in ${fileName}`}
      style={{
        position: 'relative',
        width: '100%',
        maxWidth: 480,
        aspectRatio: `${width} / ${height}`,
        margin: '8px 0',
      }}
    >
      <img src={src} alt="" style={{ display: 'block', width: '100%', height: '100%', borderRadius: 6 }} />
      {faces.map((face, position) => (
        <button
          key={face.index}
          type="button"
          style={boxStyle(face.box, width, height)}
          aria-label={`Enroll face ${position + 1} of ${faces.length}`}
          disabled={disabled}
          onClick={() => onPick(face)}
        >
          <span aria-hidden="true" style={TAG}>
            {position + 1}
          </span>
        </button>
      ))}
    </div>
  );
}
