// Face tracking across the frames of one camera: pure, no I/O. Each frame's faces are joined to the
// open tracks by box overlap (IoU) and embedding similarity, so one person walking past is one
// track, not one per frame; a track closes when it has not been seen for a while (frames or time),
// and then keeps only its best few faces by quality, which the analyzer identifies.
import type { FaceBox } from '@faceledger/schema';
import { cosine } from '../../shared/cosine.js';
import { intersectionOverUnion } from '../enrollment/face-choice.js';
import { sameFaceSimilarity } from './unknown-clusters.js';

/** How faces are joined into tracks and when a track closes. */
export interface FaceTrackerSettings {
  /**
   * Cosine similarity a face needs with a track whose last box it overlaps (IoU >= minOverlap):
   * below the model's pair threshold, because the box already says it is probably the same person.
   */
  minSimilarityWithOverlap: number;
  /** Cosine similarity a face needs with a track it does not overlap (it moved or came back): sameFaceSimilarity. */
  minSimilarity: number;
  /** IoU with the track's last box that counts as overlapping. */
  minOverlap: number;
  /**
   * The box vouches for a face only when the track was seen in the previous analysed frame, at most
   * this long before: after a gap another person may stand on the same spot (measured on an ffmpeg
   * video of LFW photos: Hugo_Chavez replaced Colin_Powell at the same place after 3 s, cosine 0.85,
   * above the relaxed threshold 0.76, and the two became one track).
   */
  maxOverlapGapMs: number;
  /** A track closes after this many analysed frames without its face. */
  maxMissedFrames: number;
  /** ... or after this long without its face (a stalled stream sends no frames at all). */
  maxGapMs: number;
  /** Faces kept per track, the best by quality. */
  keepBest: number;
  /**
   * Faces below this quality score are not tracked at all: a blurred, tiny or half-hidden face (or a
   * second, weaker detection of a face) would only open tracks that identify nobody.
   */
  minQuality: number;
  /**
   * Faces the detector is less sure of than this are not tracked: measured on LFW frames, a partly
   * visible bystander is detected at 0.30-0.47 and the face in front at 0.75-0.80.
   */
  minDetectionScore: number;
}

/** One face of a frame as the tracker sees it; `payload` is whatever the caller keeps with it (the crop). */
export interface TrackInput<P> {
  box: FaceBox;
  /** L2-normalised embedding. */
  embedding: Float32Array;
  /** Quality score 0..1 (the engine's face quality). */
  quality: number;
  /** Detection confidence 0..1. */
  detectionScore: number;
  payload: P;
}

/** A face kept by a track, with the frame it came from. */
export interface TrackFace<P> extends TrackInput<P> {
  sequence: number;
  capturedAt: number;
}

/** A finished (or still open) track: one person's appearance in front of one camera. */
export interface Track<P> {
  /** Increasing per tracker. */
  id: number;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Frames the face was found in. */
  frames: number;
  /** The best faces by quality, best first (at most keepBest). */
  best: TrackFace<P>[];
  /** L2-normalised mean of every face's embedding: the track's template for clustering and search. */
  embedding: Float32Array;
  /** The last box, where the next frame's face is looked for. */
  lastBox: FaceBox;
}

/** Defaults for the engine's default model (pair threshold 0.911); the analyzer derives them from the model. */
export function trackerSettingsFor(
  pairThreshold: number,
  overrides: Partial<FaceTrackerSettings> = {},
): FaceTrackerSettings {
  return {
    minSimilarity: sameFaceSimilarity(pairThreshold),
    minSimilarityWithOverlap: Math.max(0, pairThreshold - 0.15),
    minOverlap: 0.3,
    maxOverlapGapMs: 1_500,
    maxMissedFrames: 4,
    maxGapMs: 3_000,
    keepBest: 3,
    minQuality: 0.5,
    minDetectionScore: 0.6,
    ...overrides,
  };
}

interface OpenTrack<P> extends Track<P> {
  /** Unnormalised sum of the embeddings seen. */
  sum: Float32Array;
  lastEmbedding: Float32Array;
  missed: number;
}

function normalised(sum: Float32Array): Float32Array {
  let norm = 0;
  for (const v of sum) norm += v * v;
  norm = Math.sqrt(norm);
  return norm === 0 ? Float32Array.from(sum) : sum.map((v) => v / norm);
}

function closed<P>(track: OpenTrack<P>): Track<P> {
  return {
    id: track.id,
    firstSeenAt: track.firstSeenAt,
    lastSeenAt: track.lastSeenAt,
    frames: track.frames,
    best: track.best,
    embedding: normalised(track.sum),
    lastBox: track.lastBox,
  };
}

/** Tracks the faces of one camera's frames. */
export class FaceTracker<P> {
  private readonly open: OpenTrack<P>[] = [];
  private nextId = 1;

  constructor(private readonly settings: FaceTrackerSettings) {}

  /** Tracks open now. */
  get openTracks(): readonly Track<P>[] {
    return this.open.map(closed);
  }

  /**
   * Joins the faces of one frame to the open tracks (or opens new ones) and returns the tracks that
   * closed: not seen in this frame and past maxMissedFrames or maxGapMs. Each face joins at most one
   * track and each track takes at most one face: the most similar pairs first.
   */
  update(frame: { sequence: number; capturedAt: number }, detected: readonly TrackInput<P>[]): Track<P>[] {
    const faces = detected.filter(
      (face) =>
        face.quality >= this.settings.minQuality && face.detectionScore >= this.settings.minDetectionScore,
    );
    const pairs: Array<{ track: OpenTrack<P>; face: number; similarity: number }> = [];
    faces.forEach((face, index) => {
      for (const track of this.open) {
        const similarity = Math.max(
          cosine(face.embedding, track.lastEmbedding),
          cosine(face.embedding, track.sum),
        );
        const recent =
          track.missed === 0 && frame.capturedAt - track.lastSeenAt <= this.settings.maxOverlapGapMs;
        const overlaps = recent && intersectionOverUnion(face.box, track.lastBox) >= this.settings.minOverlap;
        const needed = overlaps ? this.settings.minSimilarityWithOverlap : this.settings.minSimilarity;
        if (similarity >= needed) pairs.push({ track, face: index, similarity });
      }
    });
    pairs.sort((a, b) => b.similarity - a.similarity);
    const takenFaces = new Set<number>();
    const seen = new Set<OpenTrack<P>>();
    for (const { track, face } of pairs) {
      if (takenFaces.has(face) || seen.has(track)) continue;
      takenFaces.add(face);
      seen.add(track);
      this.extend(track, faces[face]!, frame);
    }
    faces.forEach((face, index) => {
      if (!takenFaces.has(index)) seen.add(this.start(face, frame));
    });
    const ended: Track<P>[] = [];
    for (let i = this.open.length - 1; i >= 0; i--) {
      const track = this.open[i]!;
      if (seen.has(track)) continue;
      track.missed += 1;
      if (
        track.missed >= this.settings.maxMissedFrames ||
        frame.capturedAt - track.lastSeenAt >= this.settings.maxGapMs
      ) {
        this.open.splice(i, 1);
        ended.unshift(closed(track));
      }
    }
    return ended;
  }

  /** Closes the tracks not seen since `now - maxGapMs` (called when no frame comes); returns them. */
  expire(now: number): Track<P>[] {
    const ended: Track<P>[] = [];
    for (let i = this.open.length - 1; i >= 0; i--) {
      const track = this.open[i]!;
      if (now - track.lastSeenAt >= this.settings.maxGapMs) {
        this.open.splice(i, 1);
        ended.unshift(closed(track));
      }
    }
    return ended;
  }

  /** Closes every open track (the camera stops); returns them. */
  closeAll(): Track<P>[] {
    return this.open.splice(0).map(closed);
  }

  private start(face: TrackInput<P>, frame: { sequence: number; capturedAt: number }): OpenTrack<P> {
    const track: OpenTrack<P> = {
      id: this.nextId++,
      firstSeenAt: frame.capturedAt,
      lastSeenAt: frame.capturedAt,
      frames: 1,
      best: [{ ...face, ...frame }],
      embedding: face.embedding,
      lastBox: face.box,
      sum: Float32Array.from(face.embedding),
      lastEmbedding: face.embedding,
      missed: 0,
    };
    this.open.push(track);
    return track;
  }

  private extend(
    track: OpenTrack<P>,
    face: TrackInput<P>,
    frame: { sequence: number; capturedAt: number },
  ): void {
    track.lastSeenAt = frame.capturedAt;
    track.frames += 1;
    track.missed = 0;
    track.lastBox = face.box;
    track.lastEmbedding = face.embedding;
    for (let i = 0; i < track.sum.length; i++) track.sum[i]! += face.embedding[i] ?? 0;
    track.best.push({ ...face, ...frame });
    track.best.sort((a, b) => b.quality - a.quality);
    track.best.length = Math.min(track.best.length, this.settings.keepBest);
  }
}
