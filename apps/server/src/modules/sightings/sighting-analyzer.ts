// The cameras' FrameAnalyzer: each frame is analysed by the recognition engine (every face detected
// and embedded with the engine's default model, as identify does), its faces are tracked per camera
// (face-tracker.ts), and each track that closes is cropped and handed to SightingsService.recordTrack.
// The reader never waits for it (camera-frame.ts); a camera's frames are analysed one at a time.
import type { Logger } from 'pino';
import sharp from 'sharp';
import type { FaceBox } from '@faceledger/schema';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { CameraFrame, FrameAnalyzer } from '../cameras/camera-frame.js';
import { cropRegion } from './sighting-crop.js';
import { FaceTracker, trackerSettingsFor, type FaceTrackerSettings, type Track } from './face-tracker.js';
import type { CameraSettings } from './sightings.repository.js';
import type { RecordedSighting, SightingsService } from './sightings.service.js';

/** What the analyzer keeps with each tracked face: its frame, to crop the face from when the track closes. */
interface FramePayload {
  jpeg: Buffer;
  width: number;
  height: number;
}

/** Analyzer tunables. */
export interface SightingAnalyzerSettings {
  /** How long a camera's settings (name, galleries, retention) are cached before they are read again. */
  cameraCacheMs: number;
  /** Tracker settings over those derived from the model's pair threshold. */
  tracker: Partial<FaceTrackerSettings>;
}

export const DEFAULT_ANALYZER_SETTINGS: Readonly<SightingAnalyzerSettings> = Object.freeze({
  cameraCacheMs: 10_000,
  tracker: {},
});

interface CameraState {
  tracker: FaceTracker<FramePayload>;
  modelId: string;
  camera: CameraSettings;
  readAt: number;
}

/** The JPEG of `box` grown by the crop margin (sighting-crop.ts) on each side, clipped to the frame. */
export async function cropFace(frame: FramePayload, box: FaceBox): Promise<Buffer> {
  return sharp(frame.jpeg)
    .extract(cropRegion(box, frame.width, frame.height))
    .jpeg({ quality: 90 })
    .toBuffer();
}

export class SightingAnalyzer implements FrameAnalyzer {
  private readonly settings: SightingAnalyzerSettings;
  private readonly cameras = new Map<string, CameraState>();
  /** Sightings recorded by this analyzer (newest last, at most 100): diagnostics and tests. */
  readonly recorded: RecordedSighting[] = [];

  constructor(
    private readonly deps: {
      sightings: Pick<SightingsService, 'findCamera' | 'recordTrack'>;
      recognition: Pick<RecognitionRepository, 'analyze' | 'modelInfo' | 'defaultModelId'>;
      logger: Logger;
    },
    settings: Partial<SightingAnalyzerSettings> = {},
  ) {
    this.settings = { ...DEFAULT_ANALYZER_SETTINGS, ...settings };
  }

  /** Detects, embeds and tracks the frame's faces; records the tracks that closed. */
  async analyze(frame: CameraFrame): Promise<void> {
    const state = await this.stateOf(frame.cameraId);
    if (!state) return;
    const analysis = await this.deps.recognition.analyze(frame.jpeg, { modelId: state.modelId });
    const payload: FramePayload = { jpeg: frame.jpeg, width: analysis.width, height: analysis.height };
    const faces = analysis.faces.flatMap((face) =>
      face.embedding
        ? [
            {
              box: face.box,
              embedding: face.embedding,
              quality: face.quality.score,
              detectionScore: face.score,
              payload,
            },
          ]
        : [],
    );
    const closed = state.tracker.update(
      { sequence: frame.sequence, capturedAt: frame.capturedAt.getTime() },
      faces,
    );
    await this.record(state, closed);
  }

  /** Closes the tracks not seen for the tracker's gap (no frame came: a stalled source); records them. */
  async expireIdle(now: Date = new Date()): Promise<number> {
    let count = 0;
    for (const state of this.cameras.values()) {
      const closed = state.tracker.expire(now.getTime());
      count += closed.length;
      await this.record(state, closed);
    }
    return count;
  }

  /** Closes and records every open track of one camera (its reader stopped), or of all cameras. */
  async flush(cameraId?: string): Promise<number> {
    let count = 0;
    for (const [id, state] of this.cameras) {
      if (cameraId !== undefined && id !== cameraId) continue;
      const closed = state.tracker.closeAll();
      count += closed.length;
      await this.record(state, closed);
      this.cameras.delete(id);
    }
    return count;
  }

  private async record(state: CameraState, tracks: readonly Track<FramePayload>[]): Promise<void> {
    for (const track of tracks) {
      try {
        const best = await Promise.all(
          track.best.map(async (face) => ({
            box: { x: face.box.x, y: face.box.y, width: face.box.width, height: face.box.height },
            embedding: face.embedding,
            quality: face.quality,
            crop: await cropFace(face.payload, face.box),
          })),
        );
        const recorded = await this.deps.sightings.recordTrack(state.camera, {
          cameraId: state.camera.id,
          startedAt: new Date(track.firstSeenAt),
          endedAt: new Date(track.lastSeenAt),
          frames: track.frames,
          modelId: state.modelId,
          template: track.embedding,
          best,
        });
        this.recorded.push(recorded);
        if (this.recorded.length > 100) this.recorded.shift();
        this.deps.logger.info(
          { cameraId: state.camera.id, ...recorded, frames: track.frames },
          'sighting recorded',
        );
      } catch (error) {
        this.deps.logger.error(
          { err: error, cameraId: state.camera.id, frames: track.frames },
          'a sighting could not be recorded',
        );
      }
    }
  }

  /** The camera's tracker and settings (read again every cameraCacheMs); null for an unknown camera. */
  private async stateOf(cameraId: string): Promise<CameraState | null> {
    const cached = this.cameras.get(cameraId);
    if (cached && Date.now() - cached.readAt < this.settings.cameraCacheMs) return cached;
    const camera = await this.deps.sightings.findCamera(cameraId);
    if (!camera) {
      this.cameras.delete(cameraId);
      return null;
    }
    if (cached) {
      cached.camera = camera;
      cached.readAt = Date.now();
      return cached;
    }
    const modelId = this.deps.recognition.defaultModelId();
    const tracker = new FaceTracker<FramePayload>(
      trackerSettingsFor(this.deps.recognition.modelInfo(modelId).threshold, this.settings.tracker),
    );
    const state = { tracker, modelId, camera, readAt: Date.now() };
    this.cameras.set(cameraId, state);
    return state;
  }
}
