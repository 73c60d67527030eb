// The tracker and the unknown-face clustering on real LFW photos composed into camera frames and
// analysed by the real engine: one person walking past is one track, two people side by side are two,
// a person gone for longer than the gap is a new track, and the tracks of one person seen twice (with
// different photos) fall into one cluster while a stranger's does not.
import type { Engine } from '@faceledger/recognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeFrame, emptyFrames, walkPast, type FramePerson } from '../../../test/lfw-frames.js';
import { FaceTracker, trackerSettingsFor, type Track } from './face-tracker.js';
import {
  addToCentroid,
  assignCluster,
  sameFaceSimilarity,
  type ClusterCentroid,
} from './unknown-clusters.js';

let engine: Engine;
let pairThreshold: number;

beforeAll(async () => {
  const { createEngine, getModelInfo } = await import('@faceledger/recognition');
  engine = await createEngine({ runtime: { backend: 'wasm', workers: 1 } });
  pairThreshold = getModelInfo(engine.info().defaultModel).threshold;
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

/** Runs the frames through a tracker at 2 fps and returns every track, closed or still open at the end. */
async function track(frames: readonly FramePerson[][]): Promise<Track<number>[]> {
  const tracker = new FaceTracker<number>(trackerSettingsFor(pairThreshold));
  const tracks: Track<number>[] = [];
  for (const [sequence, people] of frames.entries()) {
    const analysis = await engine.analyze(await composeFrame(people));
    const faces = analysis.faces.map((face) => ({
      box: face.box,
      embedding: face.embedding!,
      quality: face.quality.score,
      detectionScore: face.score,
      payload: sequence,
    }));
    tracks.push(...tracker.update({ sequence, capturedAt: sequence * 500 }, faces));
  }
  tracks.push(...tracker.closeAll());
  return tracks.sort((a, b) => a.firstSeenAt - b.firstSeenAt);
}

describe('FaceTracker on LFW frames', () => {
  it('makes one track of one person walking past, and a new one when they come back after the gap', async () => {
    const tracks = await track([
      ...walkPast('Tony_Blair', 1, 8),
      ...emptyFrames(8),
      ...walkPast('Tony_Blair', 2, 6, 400, -40),
    ]);
    expect(tracks.map((t) => t.frames)).toEqual([8, 6]);
    expect(tracks[0]!.best).toHaveLength(3);
    expect(tracks[0]!.best[0]!.quality).toBeGreaterThanOrEqual(tracks[0]!.best[2]!.quality);
    expect(tracks[1]!.firstSeenAt).toBe(16 * 500);
  });

  it('keeps two people side by side apart, a person who steps aside for one frame in one track, and a newcomer on the same spot apart', async () => {
    const together = Array.from({ length: 6 }, (_, i) => [
      { person: 'Colin_Powell', photo: 1, x: 10 + i * 10 },
      { person: 'Tony_Blair', photo: 3, x: 420 - i * 10 },
    ]);
    const blink = [
      ...walkPast('Colin_Powell', 2, 3),
      ...emptyFrames(1),
      ...walkPast('Colin_Powell', 2, 3, 160),
    ];
    // Another person on the same spot after a short gap is someone else, however much the boxes overlap.
    const replaced = [
      ...Array.from({ length: 4 }, () => [{ person: 'Colin_Powell', photo: 1, x: 200 }]),
      ...emptyFrames(2),
      ...Array.from({ length: 4 }, () => [{ person: 'Hugo_Chavez', photo: 1, x: 200 }]),
    ];
    const [pair, single, swapped] = await Promise.all([track(together), track(blink), track(replaced)]);
    expect(pair.map((t) => t.frames)).toEqual([6, 6]);
    expect(single.map((t) => t.frames)).toEqual([6]);
    expect(swapped.map((t) => t.frames)).toEqual([4, 4]);
  });

  it('clusters two appearances of one stranger together and another stranger apart', async () => {
    const tracks = await track([
      ...walkPast('Colin_Powell', 3, 4),
      ...emptyFrames(8),
      ...walkPast('Tony_Blair', 4, 4),
      ...emptyFrames(8),
      ...walkPast('Colin_Powell', 4, 4, 300),
    ]);
    expect(tracks).toHaveLength(3);
    const clusters: Array<ClusterCentroid & { members: number[] }> = [];
    tracks.forEach((t, i) => {
      const assigned = assignCluster(t.embedding, clusters, sameFaceSimilarity(pairThreshold));
      const cluster = clusters.find((c) => c.id === assigned.clusterId);
      if (cluster) {
        cluster.centroid = addToCentroid(cluster.centroid, cluster.size, t.embedding);
        cluster.size += 1;
        cluster.members.push(i);
      } else
        clusters.push({ id: `unknown-${clusters.length + 1}`, centroid: t.embedding, size: 1, members: [i] });
    });
    expect(clusters.map((c) => c.members)).toEqual([[0, 2], [1]]);
  });
});
