// @faceledger/client against the built server with real LFW photos: an admin sets up a gallery and a
// key, the integration enrolls people and identifies them from files, bytes and uploads (multipart
// and GraphQL paths answer alike), errors arrive as FaceLedgerError, and the live feed delivers the
// MATCH an identify call makes.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceLedgerClient, FaceLedgerError, type LiveMatchEvent } from '../src/index.js';
import { ADMIN, lfwImage, startBuiltServer, type BuiltServer } from './built-server.js';

describe('FaceLedgerClient against the built server', () => {
  let server: BuiltServer;
  let admin: FaceLedgerClient;
  let client: FaceLedgerClient;
  let galleryId: string;
  const identityOf = new Map<string, string>();

  beforeAll(async () => {
    server = await startBuiltServer();
    admin = await FaceLedgerClient.signIn({ url: server.url, ...ADMIN });
    galleryId = (await admin.createGallery({ name: 'Front door', probeRetentionDays: 7 })).id;
    const { secret } = await admin.createApiKey({
      name: 'door-controller',
      scopes: ['identify', 'verify', 'detect', 'enroll', 'read'],
      galleryId,
    });
    client = new FaceLedgerClient({ url: server.url, apiKey: secret });
    // One photo each, given as a path, a Buffer and a Blob.
    const photos = {
      Colin_Powell: lfwImage('Colin_Powell', 1),
      Laura_Bush: await readFile(lfwImage('Laura_Bush', 1)),
      Jacques_Chirac: new Blob([await readFile(lfwImage('Jacques_Chirac', 1))]),
    };
    for (const [person, photo] of Object.entries(photos)) {
      const identity = await client.createIdentity({
        galleryId,
        externalId: person,
        displayName: person.replace('_', ' '),
      });
      const enrolled = await client.enrollFace({ identityId: identity.id, image: photo });
      expect(enrolled.__typename).toBe('Enrolled');
      identityOf.set(person, identity.id);
    }
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('identifies the enrolled person from a file path, bytes and an upload alike', async () => {
    const probe = lfwImage('Colin_Powell', 2);
    const fromPath = await client.identify({ galleryId, image: probe });
    expect(fromPath.faces).toHaveLength(1);
    const [face] = fromPath.faces;
    expect(face!.decision).toBe('MATCH');
    expect(face!.identity).toMatchObject({ id: identityOf.get('Colin_Powell'), displayName: 'Colin Powell' });
    expect(face!.candidates[0]!.identity.id).toBe(identityOf.get('Colin_Powell'));

    const fromBytes = await client.identify({ galleryId, image: await readFile(probe), topK: 2 });
    expect(fromBytes.faces[0]!.candidates).toHaveLength(2);
    const upload = await client.upload(probe);
    expect(upload.uploadId).toMatch(/^[0-9a-f]{64}$/);
    // The Upload answer itself is an image argument.
    const fromUpload = await client.identify({ galleryId, image: upload });
    for (const other of [fromBytes, fromUpload]) {
      expect(other.faces[0]!.identity!.id).toBe(face!.identity!.id);
      expect(other.faces[0]!.score).toBeCloseTo(face!.score!, 6);
      expect(other.threshold).toBe(fromPath.threshold);
    }
    // Each call recorded its own event.
    expect(new Set([face!.eventId, fromBytes.faces[0]!.eventId, fromUpload.faces[0]!.eventId]).size).toBe(3);
  });

  it('answers UNKNOWN for a stranger, and verify and detect from files', async () => {
    const stranger = await client.identify({ galleryId, image: lfwImage('Hugo_Chavez', 1) });
    expect(stranger.faces[0]).toMatchObject({ decision: 'UNKNOWN', identity: null });

    const verified = await client.verify({
      identityId: identityOf.get('Laura_Bush')!,
      image: lfwImage('Laura_Bush', 2),
    });
    expect(verified).toMatchObject({ decision: 'MATCH', match: true });
    const other = await client.verify({
      identityId: identityOf.get('Laura_Bush')!,
      image: lfwImage('Colin_Powell', 3),
    });
    expect(other.decision).toBe('NO_MATCH');

    const detected = await client.detectFaces({ image: await readFile(lfwImage('Colin_Powell', 3)) });
    expect(detected.faces).toHaveLength(1);
    expect(detected.width).toBe(250);
    expect(detected.faces[0]!.box.width).toBeGreaterThan(40);
  });

  it('lists only its gallery to a gallery-restricted key', async () => {
    await admin.createGallery({ name: 'Back office' });
    expect((await client.galleries()).map((g) => g.id)).toEqual([galleryId]);
    expect((await admin.galleries()).length).toBe(2);
    expect(
      (await client.identities({ galleryId, search: 'powell' })).edges.map((e) => e.node.displayName),
    ).toEqual(['Colin Powell']);
  });

  it('throws FaceLedgerError with the code, status and details of the answer', async () => {
    const { secret } = await admin.createApiKey({ name: 'detect only', scopes: ['detect'] });
    const detectOnly = new FaceLedgerClient({ url: server.url, apiKey: secret });
    const forbidden = await detectOnly
      .identify({ galleryId, image: lfwImage('Colin_Powell', 2) })
      .catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(FaceLedgerError);
    expect(forbidden).toMatchObject({ code: 'FORBIDDEN', status: 403, extensions: { scopes: ['identify'] } });

    const text = Buffer.from('not a photo at all\n'.repeat(10));
    const notImage = await client.detectFaces({ image: text }).catch((e: unknown) => e);
    expect(notImage).toMatchObject({
      code: 'BAD_IMAGE',
      status: 422,
      extensions: { reason: 'NOT_AN_IMAGE' },
    });
    // The same bytes inline through GraphQL: the same code, inside an HTTP 200 answer.
    const inline = await client
      .detectFaces({ image: { base64: text.toString('base64') } })
      .catch((e: unknown) => e);
    expect(inline).toMatchObject({ code: 'BAD_IMAGE', status: 200, extensions: { reason: 'NOT_AN_IMAGE' } });

    const revoked = new FaceLedgerClient({ url: server.url, apiKey: 'fl_000000000000_nope' });
    await expect(revoked.galleries()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('delivers the MATCH of an identify call to the subscription helper', async () => {
    let received: (event: LiveMatchEvent) => void = () => undefined;
    const first = new Promise<LiveMatchEvent>((resolve) => (received = resolve));
    const subscription = client.subscribeMatchEvents(
      { galleryId, decisions: ['MATCH'] },
      { next: (event) => received(event), error: (error) => expect.fail(error.message) },
    );
    // A signed-in admin's feed authenticates with the session cookie of the upgrade request.
    const adminFeed = admin.matchEvents({ galleryId, decisions: ['MATCH'] });
    await Promise.all([subscription.connected, adminFeed.connected]);
    // A stranger (UNKNOWN) is filtered out; Colin Powell's MATCH arrives.
    await client.identify({ galleryId, image: lfwImage('Hugo_Chavez', 1) });
    const result = await client.identify({ galleryId, image: lfwImage('Colin_Powell', 4) });
    const event = await first;
    subscription.unsubscribe();
    expect((await adminFeed.next()).value).toEqual(event);
    await adminFeed.return();
    expect(event).toMatchObject({
      eventId: result.faces[0]!.eventId,
      kind: 'IDENTIFY',
      decision: 'MATCH',
      galleryId,
      galleryName: 'Front door',
      topCandidate: {
        identityId: identityOf.get('Colin_Powell'),
        displayName: 'Colin Powell',
        externalId: 'Colin_Powell',
      },
    });
  });

  it('iterates the feed with for await, and refuses a bad key with UNAUTHENTICATED', async () => {
    const events = client.matchEvents({ galleryId });
    await events.connected;
    const result = await client.verify({
      identityId: identityOf.get('Jacques_Chirac')!,
      image: lfwImage('Jacques_Chirac', 2),
    });
    expect(result.decision).toBe('MATCH');
    for await (const event of events) {
      expect(event).toMatchObject({
        eventId: result.eventId,
        kind: 'VERIFY',
        decision: 'MATCH',
        topCandidate: { identityId: identityOf.get('Jacques_Chirac'), displayName: 'Jacques Chirac' },
      });
      break;
    }
    expect(await events.next()).toEqual({ done: true, value: undefined });

    const bad = new FaceLedgerClient({ url: server.url, apiKey: 'fl_000000000000_nope' });
    const refused = bad.subscribeMatchEvents({ galleryId }, { next: () => undefined });
    await expect(refused.connected).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});
