// Choosing the face of a photo with several, over HTTP GraphQL on PGlite and PostgreSQL with real
// photos: deepface's couple.jpg (two people of about the same size) and LFW photos with a bystander.
// Enrolling by index or by a hand-drawn box stores that face (its box is checked), the same photo can
// give one face to each of two identities but not the same face twice, and a choice that names no
// face, an index out of range or an unclear largest face is a typed, audited refusal that lists the
// detected boxes; a malformed choice is BAD_INPUT.
import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthHeaders } from '../../../test/auth-helpers.js';
import { createTestIdentity, startRecognitionGallery } from '../../../test/recognition-gallery.js';
import { deepfaceImage, lfwImage } from '../../../test/test-data.js';
import type { TestServer } from '../../../test/test-server.js';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const BOX = 'x y width height';
const RESULT = `
  __typename
  ... on Enrolled { face { id box } detected { box { ${BOX} } } }
  ... on MultipleFaces { count faces { ${BOX} } message }
  ... on NoFaceInBox { faces { ${BOX} } bestOverlap message }
  ... on FaceIndexOutOfRange { index count faces { ${BOX} } message }
  ... on DuplicateImage { faceId identity { id } message }
  ... on NoFace { message }
  ... on LowQuality { message }
  ... on LikelySameAs { message }`;

const ENROLL = `
  mutation Enroll($identityId: ID!, $image: ImageInput!, $face: FaceChoice) {
    enrollFace(identityId: $identityId, image: $image, face: $face) { ${RESULT} }
  }`;

const REPLACE = `
  mutation Replace($faceId: ID!, $image: ImageInput!, $face: FaceChoice) {
    replaceFace(faceId: $faceId, image: $image, face: $face) { ${RESULT} }
  }`;

interface EnrollResult {
  __typename: string;
  face?: { id: string; box: Box };
  detected?: { box: Box };
  count?: number;
  index?: number;
  faces?: Box[];
  bestOverlap?: number;
  faceId?: string;
  identity?: { id: string };
  message?: string;
}

async function image(file: string): Promise<{ base64: string }> {
  return { base64: (await readFile(file)).toString('base64') };
}

const area = (box: Box) => box.width * box.height;

function expectSameBox(actual: Box | undefined, expected: Box | undefined) {
  expect(actual).toBeDefined();
  expect(expected).toBeDefined();
  for (const key of ['x', 'y', 'width', 'height'] as const)
    expect(actual![key]).toBeCloseTo(expected![key], 3);
}

describe.each(TEST_DATABASE_MODES)('choosing the face to enroll on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  let couple: { base64: string };
  /** couple.jpg's faces as detectFaces lists them (largest first). */
  let coupleFaces: Box[];

  async function gql<T>(query: string, variables: Record<string, unknown>) {
    return server.graphql<T>(query, variables, admin);
  }

  async function enroll(
    identityId: string,
    photo: { base64: string },
    face?: unknown,
  ): Promise<EnrollResult> {
    const body = await gql<{ enrollFace: EnrollResult }>(ENROLL, { identityId, image: photo, face });
    expect(body.errors).toBeUndefined();
    return body.data!.enrollFace;
  }

  const createIdentity = (externalId: string) =>
    createTestIdentity(server, admin, { galleryId, externalId, displayName: externalId });

  async function storedFaces(identityId: string): Promise<Array<{ id: string; box: Box }>> {
    const body = await gql<{ identity: { faces: Array<{ id: string; box: Box }> } }>(
      'query I($id: ID!) { identity(id: $id) { faces { id box } } }',
      { id: identityId },
    );
    expect(body.errors).toBeUndefined();
    return body.data!.identity.faces;
  }

  async function refusals(): Promise<Array<Record<string, unknown>>> {
    const entries = await server.db.prisma.auditEntry.findMany({
      where: { action: 'face.enrollRefused' },
      orderBy: { seq: 'asc' },
    });
    return entries.map((e) => e.payload as Record<string, unknown>);
  }

  beforeAll(async () => {
    ({ server, admin, galleryId } = await startRecognitionGallery(mode, {
      name: 'Face choice',
      matchThreshold: 0.9,
    }));
    couple = await image(deepfaceImage('couple.jpg'));
    const detected = await gql<{ detectFaces: { faces: Array<{ box: Box }> } }>(
      `mutation D($image: ImageInput!) { detectFaces(image: $image) { faces { box { ${BOX} } } } }`,
      { image: couple },
    );
    expect(detected.errors).toBeUndefined();
    coupleFaces = detected.data!.detectFaces.faces.map((f) => f.box);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('lists both faces of couple.jpg without a choice, then enrolls the one chosen by index and the other by a drawn box', async () => {
    const left = await createIdentity('left');
    const right = await createIdentity('right');

    const several = await enroll(left, couple);
    // The boxes in detectFaces' order, the order an index counts in.
    expect(several).toMatchObject({ __typename: 'MultipleFaces', count: 2, faces: coupleFaces });
    expect(coupleFaces).toHaveLength(2);
    expect(area(coupleFaces[0]!)).toBeGreaterThanOrEqual(area(coupleFaces[1]!));
    // Two people side by side: each box's centre lies outside the other box.
    const [first, second] = coupleFaces as [Box, Box];
    const inside = (point: { x: number; y: number }, box: Box) =>
      point.x >= box.x && point.x <= box.x + box.width && point.y >= box.y && point.y <= box.y + box.height;
    const centre = (box: Box) => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
    expect(inside(centre(first), second) || inside(centre(second), first)).toBe(false);

    // By index: the second face MultipleFaces listed.
    const byIndex = await enroll(left, couple, { index: 1 });
    expect(byIndex.__typename).toBe('Enrolled');
    expectSameBox(byIndex.detected?.box, second);
    const [leftFace] = await storedFaces(left);
    expectSameBox(leftFace?.box, second);

    // By a box drawn loosely around the other face (10% larger each way: IoU 1 / 1.21).
    const drawn = {
      x: first.x - first.width * 0.05,
      y: first.y - first.height * 0.05,
      width: first.width * 1.1,
      height: first.height * 1.1,
    };
    const byBox = await enroll(right, couple, { box: drawn });
    expect(byBox.__typename).toBe('Enrolled');
    expectSameBox(byBox.detected?.box, first);
    const [rightFace] = await storedFaces(right);
    expectSameBox(rightFace?.box, first);
    expect(rightFace?.id).not.toBe(leftFace?.id);

    // The same face of the same photo again is a duplicate, naming who has it.
    const again = await createIdentity('again');
    expect(await enroll(again, couple, { index: 1 })).toMatchObject({
      __typename: 'DuplicateImage',
      faceId: leftFace?.id,
      identity: { id: left },
    });
    expect(await storedFaces(again)).toEqual([]);

    const enrolled = await server.db.prisma.auditEntry.findMany({
      where: { action: 'face.enroll', subject: { in: [`face:${leftFace?.id}`, `face:${rightFace?.id}`] } },
      orderBy: { seq: 'asc' },
    });
    expect(enrolled.map((e) => (e.payload as Record<string, unknown>).faceChoice)).toEqual([
      { kind: 'index', index: 1, faces: 2 },
      { kind: 'box', index: 0, faces: 2 },
    ]);
  });

  it('refuses an index out of range and a box on no face as typed, audited results that list the boxes', async () => {
    const nobody = await createIdentity('nobody');
    const before = (await refusals()).length;

    const outOfRange = await enroll(nobody, couple, { index: 2 });
    expect(outOfRange).toMatchObject({ __typename: 'FaceIndexOutOfRange', index: 2, count: 2 });
    expect(outOfRange.faces).toHaveLength(2);
    expect(outOfRange.message).toBe('The photo shows 2 faces, so face.index must be 0 to 1.');

    // The top-left corner of the photo, above the left person's head.
    const corner = await enroll(nobody, couple, { box: { x: 0, y: 0, width: 150, height: 150 } });
    expect(corner).toMatchObject({ __typename: 'NoFaceInBox' });
    expect(corner.faces).toHaveLength(2);
    expect(corner.bestOverlap).toBeLessThan(0.5);

    // A box of the larger face's size, 60% of its width to the right of it: IoU 0.4 / 1.6.
    const [first] = coupleFaces as [Box];
    const beside = await enroll(nobody, couple, {
      box: { x: first.x + first.width * 0.6, y: first.y, width: first.width, height: first.height },
    });
    expect(beside).toMatchObject({ __typename: 'NoFaceInBox' });
    expect(beside.bestOverlap).toBeCloseTo(0.4 / 1.6, 3);

    expect(await storedFaces(nobody)).toEqual([]);
    expect((await refusals()).slice(before)).toEqual([
      expect.objectContaining({ reason: 'FACE_INDEX_OUT_OF_RANGE', index: 2, count: 2 }),
      expect.objectContaining({ reason: 'NO_FACE_IN_BOX', count: 2 }),
      expect.objectContaining({ reason: 'NO_FACE_IN_BOX', count: 2 }),
    ]);

    for (const face of [
      {},
      { index: -1 },
      { index: 0, largestIfClear: true },
      { box: { x: 0, y: 0, width: 0, height: 9 } },
    ]) {
      const body = await gql(ENROLL, { identityId: nobody, image: couple, face });
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    }
  });

  it('largestIfClear enrolls the named person of an LFW photo with a bystander, and refuses two faces of similar size', async () => {
    const ghosn = await createIdentity('ghosn');
    // Carlos_Ghosn_0002: the subject in the middle, a bystander's face at the right edge (3.1x smaller).
    const clear = await enroll(ghosn, await image(lfwImage('Carlos_Ghosn', 2)), { largestIfClear: true });
    expect(clear.__typename).toBe('Enrolled');
    const box = clear.detected!.box;
    // LFW crops centre the named person in the 250 px photo.
    expect(Math.abs(box.x + box.width / 2 - 125)).toBeLessThan(35);
    expect(Math.abs(box.y + box.height / 2 - 125)).toBeLessThan(35);
    // And it is him: his other photo verifies against the enrolled face.
    const verified = await gql<{ verify: { decision: string; score: number } }>(
      'mutation V($id: ID!, $image: ImageInput!) { verify(identityId: $id, image: $image) { decision score } }',
      { id: ghosn, image: await image(lfwImage('Carlos_Ghosn', 1)) },
    );
    expect(verified.errors).toBeUndefined();
    expect(verified.data?.verify.decision).toBe('MATCH');

    // Colin_Powell_0068: a bystander's face only 1.2x smaller; couple.jpg: two faces of the same size.
    const powell = await createIdentity('powell');
    for (const photo of [await image(lfwImage('Colin_Powell', 68)), couple]) {
      const unclear = await enroll(powell, photo, { largestIfClear: true });
      expect(unclear).toMatchObject({ __typename: 'MultipleFaces', count: 2 });
      expect(unclear.message).toMatch(
        /the largest is not clearly the largest \(1\.\dx the next face's area; 2x is needed\)/,
      );
    }
    expect(await storedFaces(powell)).toEqual([]);
  });

  it('replaceFace takes the choice too, and keeps the old face when the choice is refused', async () => {
    const person = await createIdentity('replaced');
    const old = await enroll(person, await image(lfwImage('Carlos_Ghosn', 1)));
    expect(old.__typename).toBe('Enrolled');

    const refused = await gql<{ replaceFace: EnrollResult }>(REPLACE, {
      faceId: old.face!.id,
      image: await image(lfwImage('Angela_Bassett', 6)),
      face: { index: 5 },
    });
    expect(refused.data?.replaceFace).toMatchObject({
      __typename: 'FaceIndexOutOfRange',
      index: 5,
      count: 2,
    });
    expect((await storedFaces(person)).map((f) => f.id)).toEqual([old.face!.id]);

    const replaced = await gql<{ replaceFace: EnrollResult }>(REPLACE, {
      faceId: old.face!.id,
      image: await image(lfwImage('Angela_Bassett', 6)),
      face: { index: 0 },
    });
    expect(replaced.data?.replaceFace.__typename).toBe('Enrolled');
    const faces = await storedFaces(person);
    expect(faces.map((f) => f.id)).toEqual([replaced.data!.replaceFace.face!.id]);
    expectSameBox(faces[0]?.box, replaced.data!.replaceFace.detected?.box);
  });
});
