/**
 * The contract between a camera's reader and whatever analyses its frames.
 *
 * The reader (one supervised ffmpeg child per enabled camera) decodes the source at the camera's
 * fps and hands each frame to the FrameAnalyzer. It never waits for the analyzer: while the previous
 * frame's `analyze` has not settled, new frames are dropped and counted (Camera.framesDropped), so a
 * slow analyzer lowers the analysed rate instead of blocking the reader or the API. A rejected
 * `analyze` is logged and the next frame is analysed as usual.
 */
export interface CameraFrame {
  cameraId: string;
  /** 0, 1, 2, ... over the reader's life: it goes on counting when ffmpeg is restarted (a reconnect), and starts at 0 only for a new reader (the camera re-enabled or changed, or the server restarted). */
  sequence: number;
  capturedAt: Date;
  /** One baseline JPEG image as ffmpeg encoded it. */
  jpeg: Buffer;
  width: number;
  height: number;
}

export interface FrameAnalyzer {
  analyze(frame: CameraFrame): Promise<void>;
}
