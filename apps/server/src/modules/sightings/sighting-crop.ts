// Where a sighting's best-face crop lies in its frame: the face box grown by a margin on each side,
// clipped to the frame. The analyzer cuts the crop with it; the API answers the face box in the
// crop's own pixels (Sighting.cropBox), so no client needs to know the margin.
import type { FaceBox } from '@faceledger/schema';

/** Share of the face box added on each side of a crop: enough to see hair, chin and ears. */
export const CROP_MARGIN = 0.5;

/** The crop's top-left corner in the frame: the box less the margin, or the frame's edge. */
function cropOrigin(box: FaceBox, margin: number): { left: number; top: number } {
  return {
    left: Math.max(0, Math.floor(box.x - box.width * margin)),
    top: Math.max(0, Math.floor(box.y - box.height * margin)),
  };
}

/** The crop rectangle of `box` in a frame of `frameWidth` x `frameHeight` pixels. */
export function cropRegion(box: FaceBox, frameWidth: number, frameHeight: number, margin = CROP_MARGIN) {
  const { left, top } = cropOrigin(box, margin);
  const right = Math.min(frameWidth, Math.ceil(box.x + box.width * (1 + margin)));
  const bottom = Math.min(frameHeight, Math.ceil(box.y + box.height * (1 + margin)));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/** The face box in its crop's pixels (the crop starts at the frame's edge or at the box less the margin). */
export function faceBoxInCrop(box: FaceBox, margin = CROP_MARGIN): FaceBox {
  const { left, top } = cropOrigin(box, margin);
  return { x: box.x - left, y: box.y - top, width: box.width, height: box.height };
}
