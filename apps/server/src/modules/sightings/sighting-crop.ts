// Where a sighting's best-face crop lies in its frame: the face box grown by a margin on each side,
// clipped to the frame. The analyzer cuts the crop with it; the API answers the face box in the
// crop's own pixels (Sighting.cropBox), so no client needs to know the margin.
import type { FaceBox } from '@faceledger/schema';

/** Share of the face box added on each side of a crop: enough to see hair, chin and ears. */
export const CROP_MARGIN = 0.5;

/** The crop's top-left corner in the frame: the box less the margin, or the frame's edge. */
function cropOrigin(box: FaceBox): { left: number; top: number } {
  return {
    left: Math.max(0, Math.floor(box.x - box.width * CROP_MARGIN)),
    top: Math.max(0, Math.floor(box.y - box.height * CROP_MARGIN)),
  };
}

/** The crop rectangle of `box` in a frame of `frameWidth` x `frameHeight` pixels. */
export function cropRegion(box: FaceBox, frameWidth: number, frameHeight: number) {
  const { left, top } = cropOrigin(box);
  const right = Math.min(frameWidth, Math.ceil(box.x + box.width * (1 + CROP_MARGIN)));
  const bottom = Math.min(frameHeight, Math.ceil(box.y + box.height * (1 + CROP_MARGIN)));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/** The face box in its crop's pixels (the crop starts at the frame's edge or at the box less the margin). */
export function faceBoxInCrop(box: FaceBox): FaceBox {
  const { left, top } = cropOrigin(box);
  return { x: box.x - left, y: box.y - top, width: box.width, height: box.height };
}
