// Live hints for a webcam frame, measured in the browser on a small grey copy of the frame: lighting,
// contrast and sharpness. Advisory only; the server's enrollment checks decide (faces, pose, size).

/** One thing to fix before capturing, or null when the frame looks usable. */
export interface FrameHints {
  brightness: number;
  contrast: number;
  sharpness: number;
  problems: string[];
}

/** Thresholds on the 0-255 grey scale of a 160 px wide frame. */
const TOO_DARK = 60;
const TOO_BRIGHT = 205;
const LOW_CONTRAST = 22;
const BLURRY = 40;

/** Mean grey level, its standard deviation and the variance of the Laplacian of `rgba` (width x height). */
export function measureFrame(rgba: Uint8ClampedArray, width: number, height: number): FrameHints {
  const grey = new Float32Array(width * height);
  let sum = 0;
  for (let i = 0; i < grey.length; i++) {
    const value = 0.299 * (rgba[i * 4] ?? 0) + 0.587 * (rgba[i * 4 + 1] ?? 0) + 0.114 * (rgba[i * 4 + 2] ?? 0);
    grey[i] = value;
    sum += value;
  }
  const brightness = sum / grey.length;
  let spread = 0;
  for (const value of grey) spread += (value - brightness) ** 2;
  const contrast = Math.sqrt(spread / grey.length);
  let lapSum = 0;
  let lapSquares = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const at = y * width + x;
      const lap =
        (grey[at - 1] ?? 0) + (grey[at + 1] ?? 0) + (grey[at - width] ?? 0) + (grey[at + width] ?? 0) - 4 * (grey[at] ?? 0);
      lapSum += lap;
      lapSquares += lap * lap;
      count++;
    }
  }
  const mean = count ? lapSum / count : 0;
  const sharpness = count ? lapSquares / count - mean * mean : 0;
  const problems: string[] = [];
  if (brightness < TOO_DARK) problems.push('Too dark: add light in front of the face.');
  if (brightness > TOO_BRIGHT) problems.push('Too bright: move away from direct light or a window.');
  if (contrast < LOW_CONTRAST) problems.push('Low contrast: use an even, plain background and more light.');
  if (sharpness < BLURRY) problems.push('Blurry: hold still and check the camera is in focus.');
  return { brightness, contrast, sharpness, problems };
}
