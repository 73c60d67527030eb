// Runs every example of docs/API.md against one real server (PGlite, recognition on): each ```sh
// block through bash (curl, jq) and each ```ts block through tsc and node, in the order of the doc.
// An example passes when it exits 0 and, for shell, prints no GraphQL `errors`. The examples get
// what the doc says they get (docs/API.md "Conventions"): $API, $KEY, $PHOTOS, ids of earlier calls
// and cookies.txt for the shell; `auth`, `admin`, `galleryId`, ... from the doc's own helper for
// TypeScript. Examples that destroy what they touch (deleteGallery, eraseIdentity, revokeApiKey,
// signOut, ...) get a fresh resource of their own (FRESH below).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyWithId, createUser, signIn } from '../../test/auth-helpers.js';
import { lfwImage, TEST_DATA_DIR } from '../../test/test-data.js';
import { startTestServer, type TestServer } from '../../test/test-server.js';
import { makeZip } from '../../test/zip-writer.js';
import type { ApiKeyScope } from '../modules/auth/actor.js';
import { jobsTask } from '../infrastructure/scheduler/background-tasks.js';
import { ScheduledTasksRepository } from '../infrastructure/scheduler/scheduled-tasks.repository.js';
import { Scheduler } from '../infrastructure/scheduler/scheduler.js';
import type { JobRunner } from '../modules/jobs/job-runner.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const API_DOC = path.join(ROOT, 'docs/API.md');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

/** The admin of the doc's signIn example. */
const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'correct-horse-battery';
/** The folder of photos the examples name ($PHOTOS): LFW's Colin Powell. */
const PHOTOS = path.join(TEST_DATA_DIR, 'lfw/images/Colin_Powell');

/** One fenced block of the doc, under the nearest heading. */
interface Example {
  heading: string;
  lang: 'sh' | 'ts';
  code: string;
  /** 1-based line of the fence, for messages. */
  line: number;
}

/** Blocks that are not calls: the Conventions variables, and the helper modules the examples import. */
const MODULES: Record<string, string> = { 'Conventions#ts': 'faceledger.ts', 'Images#ts': 'images.ts' };
const NOT_RUN = new Set(['Conventions#sh']);
/** Examples that serve or listen until stopped: they must start and still run after a few seconds. */
const LONG_RUNNING = new Set(['matchEvents (subscription)#ts', 'Verifying a webhook#ts']);

function examplesOf(doc: string): Example[] {
  const lines = doc.split('\n');
  const examples: Example[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const title = /^#{1,3} (.*)$/.exec(line);
    if (title?.[1]) heading = title[1].replace(/`/g, '').trim();
    const fence = /^```(sh|ts)\s*$/.exec(line);
    if (!fence?.[1]) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && lines[i] !== '```'; i += 1) body.push(lines[i] ?? '');
    examples.push({ heading, lang: fence[1] as 'sh' | 'ts', code: body.join('\n') + '\n', line: start + 1 });
  }
  return examples;
}

const keyOf = (e: Example) => `${e.heading}#${e.lang}`;

/** The shell example of the live feed needs websocat (curl speaks no WebSocket); it is skipped, and shown so, without it. */
const HAS_WEBSOCAT = spawnSync('sh', ['-c', 'command -v websocat']).status === 0;
const needsMissingTool = (e: Example) => e.lang === 'sh' && /\bwebsocat\b/.test(e.code) && !HAS_WEBSOCAT;

/** What the doc's TypeScript examples may use without declaring it (see "Conventions"). */
const CONTEXT_NAMES = [
  'API',
  'Auth',
  'FaceLedgerError',
  'GraphQLErrorEntry',
  'authHeaders',
  'gql',
  'firstError',
  'restError',
  'imageFromFile',
  'uploadImage',
  'PHOTOS',
  'auth',
  'admin',
  'galleryId',
  'identityId',
  'eventId',
  'userId',
  'keyId',
  'webhookId',
  'jobId',
  'imageKey',
  'faceId',
  'otherGalleryId',
  'cameraId',
  'sightingId',
  'clusterId',
];
const TYPE_NAMES = new Set(['Auth', 'GraphQLErrorEntry']);

const CONTEXT_MODULE = `// What docs/API.md says its TypeScript examples have: the helper, the image helpers, the callers and ids of earlier calls.
import type { Auth } from './faceledger.js';
export * from './faceledger.js';
export { imageFromFile, uploadImage } from './images.js';
/** The folder of the photos the examples name. */
export const PHOTOS = process.env.PHOTOS ?? '.';
export const auth: Auth = { apiKey: process.env.FACELEDGER_API_KEY! };
export const admin: Auth = { cookie: process.env.FACELEDGER_ADMIN_COOKIE! };
const id = (name: string): string => process.env[name] ?? '';
export const galleryId = id('GALLERY_ID');
export const identityId = id('IDENTITY_ID');
export const eventId = id('EVENT_ID');
export const userId = id('USER_ID');
export const keyId = id('KEY_ID');
export const webhookId = id('WEBHOOK_ID');
export const jobId = id('JOB_ID');
export const imageKey = id('IMAGE_KEY');
export const faceId = id('FACE_ID');
export const otherGalleryId = id('OTHER_GALLERY_ID');
export const cameraId = id('CAMERA_ID');
export const sightingId = id('SIGHTING_ID');
export const clusterId = id('CLUSTER_ID');
`;

/** Names an example declares itself (imports, consts, functions, types), which the context must not shadow. */
function declaredNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g))
    for (const part of (m[1] ?? '').split(',')) {
      const name = part
        .replace(/\btype\b/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.add(name);
    }
  for (const m of code.matchAll(/import\s+(\w+)\s+from/g)) if (m[1]) names.add(m[1]);
  for (const m of code.matchAll(
    /^(?:export\s+)?(?:async\s+)?(?:const|let|var|function|class|interface|type)\s+(\w+)/gm,
  ))
    if (m[1]) names.add(m[1]);
  for (const m of code.matchAll(/^(?:const|let|var)\s+\{([^}]*)\}\s*=/gm))
    for (const part of (m[1] ?? '').split(',')) {
      const name = part.split(':').pop()?.trim();
      if (name) names.add(name);
    }
  return names;
}

function moduleOf(example: Example): string {
  const declared = declaredNames(example.code);
  const used = CONTEXT_NAMES.filter(
    (n) => !declared.has(n) && new RegExp(`(?<![.\\w])${n}\\b`).test(example.code),
  );
  const imports = used.map((n) => (TYPE_NAMES.has(n) ? `type ${n}` : n));
  const prelude = imports.length > 0 ? `import { ${imports.join(', ')} } from './context.js';\n` : '';
  return `${prelude}${example.code}\nexport {};\n`;
}

/** The scopes of the key the TypeScript createApiKey example makes. */
function createApiKeyScopes(examples: Example[]): ApiKeyScope[] {
  const example = examples.find((e) => e.heading === 'createApiKey (mutation)' && e.lang === 'ts');
  const list = /scopes:\s*\[([^\]]*)\]/.exec(example?.code ?? '')?.[1];
  if (!list) throw new Error('docs/API.md: the TypeScript createApiKey example names no scopes');
  return [...list.matchAll(/'(\w+)'/g)].map((m) => m[1] as ApiKeyScope);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) || 1 : 0, stdout, stderr }),
    );
  });
}

/** Runs `node file` and reports whether it was still running after `ms` (then stops it). */
function staysUp(
  file: string,
  cwd: string,
  env: Record<string, string>,
  ms: number,
  during: () => Promise<unknown> = async () => undefined,
): Promise<Run & { running: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let exited: number | null = null;
    child.on('exit', (code) => (exited = code ?? 1));
    // Give it a second to connect or listen, then do what it should see.
    setTimeout(() => void during().catch((error: Error) => (stderr += `during: ${error.message}\n`)), 1000);
    setTimeout(() => {
      const running = exited === null;
      child.kill();
      resolve({ code: exited ?? 0, stdout, stderr, running });
    }, ms);
  });
}

/** A cookies.txt (curl's Netscape format) holding `cookie` ("name=value") for the server's host. */
function cookieJar(url: string, cookie: string): string {
  const host = new URL(url).hostname;
  const [name, value] = cookie.split('=', 2);
  return `# Netscape HTTP Cookie File\n#HttpOnly_${host}\tFALSE\t/\tFALSE\t0\t${name}\t${value}\n`;
}

describe('docs/API.md examples against a real server', () => {
  const examples = examplesOf(readFileSync(API_DOC, 'utf8'));
  let server: TestServer;
  let runner: JobRunner;
  let scheduler: Scheduler | undefined;
  let work: string;
  let base: Record<string, string>;
  let adminCookie: string;
  let compiled: Run;

  async function gqlAdmin<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const body = await server.graphql<T>(query, variables, { cookie: adminCookie });
    if (body.errors?.length) throw new Error(`${body.errors[0]?.message} in ${query.slice(0, 60)}`);
    return body.data as T;
  }

  async function newGallery(name: string): Promise<string> {
    const data = await gqlAdmin<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name, matchThreshold: 0.9, probeRetentionDays: 7 } },
    );
    return data.createGallery.id;
  }

  /** A camera on a file it never reads (no camera reader runs in this suite), watching `galleryIds`. */
  async function newCamera(name: string, galleryIds: string[]): Promise<string> {
    const data = await gqlAdmin<{ createCamera: { id: string } }>(
      'mutation ($input: CreateCameraInput!) { createCamera(input: $input) { id } }',
      { input: { name, sourceUrl: '/srv/videos/doc-examples.mp4', enabled: false, galleryIds } },
    );
    return data.createCamera.id;
  }

  let frameClock = Date.parse('2026-12-06T09:00:00.000Z');
  let frameSequence = 0;
  /**
   * One person passing `cameraId`, fed to the sightings analyzer as a camera would: the photo in four
   * frames, then frames without a face until the track closes; returns the sighting it made.
   */
  async function walkPast(
    cameraId: string,
    photo: string,
  ): Promise<{ sightingId: string; clusterId: string }> {
    const face = await readFile(path.join(PHOTOS, photo));
    const empty = await sharp({ create: { width: 250, height: 250, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    for (const jpeg of [face, face, face, face, empty, empty, empty, empty, empty]) {
      await server.services.sightingAnalyzer.analyze({
        cameraId,
        sequence: frameSequence++,
        capturedAt: new Date((frameClock += 500)),
        jpeg,
        width: 250,
        height: 250,
      });
    }
    const sighting = await server.db.prisma.sighting.findFirstOrThrow({
      where: { cameraId },
      orderBy: { startedAt: 'desc' },
    });
    return { sightingId: sighting.id, clusterId: sighting.clusterId ?? '' };
  }

  /** Powell photos not used elsewhere, one per unknown cluster the cluster examples act on. */
  const clusterPhotos = [10, 11, 12, 13, 14, 15].map((n) => `Colin_Powell_00${n}.jpg`);
  let lobbyCameraId = '';
  /** A fresh open unknown cluster (the lobby camera watches an empty gallery, so Powell is unknown there). */
  async function freshCluster(): Promise<Record<string, string>> {
    const photo = clusterPhotos.shift();
    if (!photo) throw new Error('add photos to clusterPhotos: every cluster example needs its own');
    const { clusterId } = await walkPast(lobbyCameraId, photo);
    if (!clusterId) throw new Error(`no unknown cluster was made from ${photo}`);
    return { CLUSTER_ID: clusterId };
  }

  async function newIdentity(galleryId: string, externalId: string, photo?: string): Promise<string> {
    const data = await gqlAdmin<{ createIdentity: { id: string } }>(
      'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
      { input: { galleryId, externalId, displayName: `Person ${externalId}` } },
    );
    if (photo) {
      const enrolled = await gqlAdmin<{ enrollFace: { __typename: string } }>(
        'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename } }',
        { id: data.createIdentity.id, image: { base64: (await readFile(photo)).toString('base64') } },
      );
      if (enrolled.enrollFace.__typename !== 'Enrolled')
        throw new Error(`fixture not enrolled: ${enrolled.enrollFace.__typename}`);
    }
    return data.createIdentity.id;
  }

  async function postForm(route: string, form: FormData): Promise<{ jobId: string }> {
    const res = await fetch(`${server.url}${route}`, {
      method: 'POST',
      headers: { cookie: adminCookie },
      body: form,
    });
    if (res.status !== 202) throw new Error(`${route}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as { jobId: string };
  }

  let freshFaces = 0;
  /**
   * A gallery of its own with one enrolled identity and a key for it, for the examples that delete,
   * replace or resolve a face: what they leave behind (a replacement photo of Colin Powell, a face
   * kept) stays out of the shared gallery, whose later examples expect its one Colin Powell.
   * `warned` gives the face a looks-like warning.
   */
  async function freshFace(warned = false): Promise<Record<string, string>> {
    freshFaces += 1;
    const galleryId = await newGallery(`Faces ${freshFaces}`);
    const identityId = await newIdentity(
      galleryId,
      `face-${freshFaces}`,
      path.join(PHOTOS, 'Colin_Powell_0001.jpg'),
    );
    const face = await server.db.prisma.face.findFirstOrThrow({ where: { identityId } });
    if (warned)
      await server.db.prisma.face.update({
        where: { id: face.id },
        data: { likelySameAsId: base['IDENTITY_ID']!, likelySameAsScore: 0.97 },
      });
    const key = await createApiKeyWithId(server, ['enroll', 'read'], galleryId);
    return {
      GALLERY_ID: galleryId,
      IDENTITY_ID: identityId,
      FACE_ID: face.id,
      KEY: key.key,
      FACELEDGER_API_KEY: key.key,
    };
  }

  /** Per example, what it gets instead of the shared fixtures: a resource it may destroy or a clean slate. */
  const FRESH: Record<string, () => Promise<Record<string, string>>> = {
    'deleteFace (mutation)': () => freshFace(),
    'replaceFace (mutation)': () => freshFace(),
    'resolveFaceWarning (mutation)': () => freshFace(true),
    'signOut (mutation)': async () => {
      const { cookie } = await signIn(server, ADMIN_EMAIL, ADMIN_PASSWORD);
      return { FACELEDGER_ADMIN_COOKIE: cookie! };
    },
    'createUser (mutation)': async () => {
      await server.db.prisma.user.deleteMany({ where: { email: 'hr@example.com' } });
      return {};
    },
    'createIdentity (mutation)': async () => {
      await server.db.prisma.identity.deleteMany({ where: { externalId: 'E-1001' } });
      return {};
    },
    'updateUser (mutation)': async () => ({ USER_ID: (await createUser(server, 'HR')).id }),
    'revokeApiKey (mutation)': async () => {
      const key = await createApiKeyWithId(server, ['read']);
      return { KEY_ID: key.id };
    },
    'createGallery (mutation)': async () => {
      const staff = await server.db.prisma.gallery.findFirst({ where: { name: 'Staff' } });
      if (staff) await gqlAdmin('mutation ($id: ID!) { deleteGallery(id: $id) }', { id: staff.id });
      return {};
    },
    'deleteGallery (mutation)': async () => ({ GALLERY_ID: await newGallery(`Empty ${Date.now()}`) }),
    'eraseIdentity (mutation)': async () => ({
      IDENTITY_ID: await newIdentity(base['GALLERY_ID']!, `erase-${Date.now()}`, lfwImage('AJ_Cook', 1)),
    }),
    'deleteWebhook (mutation)': async () => {
      const data = await gqlAdmin<{ createWebhook: { webhook: { id: string } } }>(
        'mutation ($g: ID!) { createWebhook(galleryId: $g, url: "http://127.0.0.1:9/hook", events: [MATCH]) { webhook { id } } }',
        { g: base['GALLERY_ID'] },
      );
      return { WEBHOOK_ID: data.createWebhook.webhook.id };
    },
    'cancelJob (mutation)': async () => {
      await runner.stop();
      const form = new FormData();
      form.set('galleryId', base['GALLERY_ID']!);
      form.set('archive', new Blob([await readFile(path.join(work, 'lfw.zip'))]), 'lfw.zip');
      const { jobId } = await postForm('/api/evaluations', form);
      return { JOB_ID: jobId };
    },
    'GET /api/imports/:jobId/errors.csv': async () => ({ JOB_ID: base['IMPORT_JOB_ID']! }),
    // Model migration examples each get a gallery of one face of their own, at the stage they act on.
    'startModelMigration (mutation)': () => freshMigration('none'),
    'switchGalleryModel (mutation)': () => freshMigration('shadow'),
    'rollbackGalleryModel (mutation)': () => freshMigration('switched'),
    'createCamera (mutation)': async () => {
      const entrance = await server.db.prisma.camera.findFirst({ where: { name: 'Entrance' } });
      if (entrance) await gqlAdmin('mutation ($id: ID!) { deleteCamera(id: $id) }', { id: entrance.id });
      return {};
    },
    'deleteCamera (mutation)': async () => ({ CAMERA_ID: await newCamera(`Old door ${Date.now()}`, []) }),
    // Naming or dismissing closes a cluster: each example gets an open one of its own.
    'nameUnknownCluster (mutation)': () => freshCluster(),
    'dismissUnknownCluster (mutation)': () => freshCluster(),
  };

  /** A gallery of one face (freshFace) whose model migration to human-mobileface reached `stage`. */
  async function freshMigration(stage: 'none' | 'shadow' | 'switched'): Promise<Record<string, string>> {
    const fresh = await freshFace();
    const g = fresh['GALLERY_ID'];
    if (stage === 'none') return fresh;
    await gqlAdmin(
      'mutation ($g: ID!) { startModelMigration(galleryId: $g, targetModelId: "human-mobileface") { id } }',
      { g },
    );
    await server.services.jobs.createRunner(pino({ level: 'silent' })).runUntilIdle();
    if (stage === 'switched')
      await gqlAdmin('mutation ($g: ID!) { switchGalleryModel(galleryId: $g) { id } }', { g });
    return fresh;
  }

  beforeAll(async () => {
    server = await startTestServer('pglite', { recognition: true });
    runner = server.services.jobs.createRunner(pino({ level: 'silent' }));
    await createUser(server, 'ADMIN', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    adminCookie = (await signIn(server, ADMIN_EMAIL, ADMIN_PASSWORD)).cookie!;
    for (let i = 0; i < 600; i += 1) {
      const { data } = await server.graphql<{ health: { recognition: { state: string } } }>(
        '{ health { recognition { state } } }',
      );
      if (data?.health.recognition.state === 'READY') break;
      if (data?.health.recognition.state === 'FAILED')
        throw new Error('the recognition engine failed to load');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    work = await mkdtemp(path.join(tmpdir(), 'faceledger-api-examples-'));
    await symlink(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'));
    // Files the examples name in the working folder: a bulk import and an evaluation set from LFW.
    const people = [
      ['Tony_Blair', 1],
      ['Jacques_Chirac', 1],
      ['Hugo_Chavez', 1],
    ] as const;
    await writeFile(
      path.join(work, 'people.csv'),
      [
        'externalId,name,photo',
        ...people.map(
          ([name, n], i) => `import-${i},${name.replace('_', ' ')},${path.basename(lfwImage(name, n))}`,
        ),
        'import-missing,Nobody,missing.jpg',
      ].join('\n') + '\n',
    );
    await writeFile(
      path.join(work, 'photos.zip'),
      makeZip(
        await Promise.all(
          people.map(async ([name, n]) => ({
            path: path.basename(lfwImage(name, n)),
            bytes: await readFile(lfwImage(name, n)),
          })),
        ),
      ),
    );
    const evalImages = [
      ['Tony_Blair', 2],
      ['Tony_Blair', 3],
      ['Hugo_Chavez', 2],
      ['Hugo_Chavez', 3],
    ] as const;
    await writeFile(
      path.join(work, 'lfw.zip'),
      makeZip(
        await Promise.all(
          evalImages.map(async ([name, n]) => ({
            path: `lfw/${name}/${path.basename(lfwImage(name, n))}`,
            bytes: await readFile(lfwImage(name, n)),
          })),
        ),
      ),
    );
    // POST /api/evaluations with mode=identify: two people with two photos, one stranger.
    await writeFile(
      path.join(work, 'people.zip'),
      makeZip(
        await Promise.all(
          [...evalImages, ['AJ_Cook', 1] as const].map(async ([name, n]) => ({
            path: `people/${name}/${path.basename(lfwImage(name, n))}`,
            bytes: await readFile(lfwImage(name, n)),
          })),
        ),
      ),
    );
    await writeFile(
      path.join(work, 'pairs.txt'),
      '1\t2\nTony_Blair\t2\t3\nHugo_Chavez\t2\t3\nTony_Blair\t2\tHugo_Chavez\t2\nTony_Blair\t3\tHugo_Chavez\t3\n',
    );

    // The shared fixtures: a gallery with an enrolled identity, a key with every scope, an identify
    // event, a webhook, a finished evaluation and a finished bulk import.
    const galleryId = await newGallery('Doc examples');
    const identityId = await newIdentity(
      galleryId,
      'colin-powell',
      path.join(PHOTOS, 'Colin_Powell_0001.jpg'),
    );
    // `auth` and $KEY are the key the doc's createApiKey example makes: its scopes and gallery.
    const key = await createApiKeyWithId(server, createApiKeyScopes(examples), galleryId);
    const identify = await server.graphql<{ identify: { faces: Array<{ eventId: string }> } }>(
      'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { faces { eventId } } }',
      {
        g: galleryId,
        image: { base64: (await readFile(path.join(PHOTOS, 'Colin_Powell_0002.jpg'))).toString('base64') },
      },
      key.headers,
    );
    const eventId = identify.data?.identify.faces[0]?.eventId;
    if (!eventId) throw new Error(`fixture identify failed: ${JSON.stringify(identify.errors)}`);
    const face = await server.db.prisma.face.findFirstOrThrow({ where: { identityId } });
    const webhook = await gqlAdmin<{ createWebhook: { webhook: { id: string } } }>(
      'mutation ($g: ID!) { createWebhook(galleryId: $g, url: "http://127.0.0.1:9/hook", events: [MATCH]) { webhook { id } } }',
      { g: galleryId },
    );
    const evaluation = new FormData();
    evaluation.set('galleryId', galleryId);
    evaluation.set('archive', new Blob([await readFile(path.join(work, 'lfw.zip'))]), 'lfw.zip');
    evaluation.set('pairs', new Blob([await readFile(path.join(work, 'pairs.txt'))]), 'pairs.txt');
    const { jobId } = await postForm('/api/evaluations', evaluation);
    const imported = new FormData();
    imported.set('galleryId', galleryId);
    imported.set('csv', new Blob([await readFile(path.join(work, 'people.csv'))]), 'people.csv');
    imported.set('archive', new Blob([await readFile(path.join(work, 'photos.zip'))]), 'photos.zip');
    const importJob = await postForm('/api/imports', imported);
    await runner.runUntilIdle();
    scheduler = new Scheduler(
      new ScheduledTasksRepository(server.db.prisma),
      [jobsTask(runner)],
      pino({ level: 'silent' }),
    );
    await scheduler.start();

    // Cameras and what they saw: a camera watching the examples' gallery saw Powell (a MATCH
    // sighting); a lobby camera watching an empty gallery makes unknown clusters.
    const otherGalleryId = await newGallery('Doc examples lobby');
    const cameraId = await newCamera('Doc examples door', [galleryId]);
    const { sightingId } = await walkPast(cameraId, 'Colin_Powell_0004.jpg');
    lobbyCameraId = await newCamera('Doc examples lobby', [otherGalleryId]);
    const { CLUSTER_ID } = await freshCluster();

    base = {
      API: server.url,
      FACELEDGER_URL: server.url,
      KEY: key.key,
      FACELEDGER_API_KEY: key.key,
      FACELEDGER_ADMIN_COOKIE: adminCookie,
      PHOTOS,
      GALLERY_ID: galleryId,
      IDENTITY_ID: identityId,
      EVENT_ID: eventId,
      USER_ID: (await createUser(server, 'REVIEWER')).id,
      KEY_ID: key.id,
      WEBHOOK_ID: webhook.createWebhook.webhook.id,
      JOB_ID: jobId,
      IMPORT_JOB_ID: importJob.jobId,
      IMAGE_KEY: face.imageKey,
      FACE_ID: face.id,
      OTHER_GALLERY_ID: otherGalleryId,
      CAMERA_ID: cameraId,
      SIGHTING_ID: sightingId,
      CLUSTER_ID: CLUSTER_ID!,
      FACELEDGER_WEBHOOK_SECRET: 'whsec-docs-example',
    };

    // Every TypeScript example is a module of one project, compiled once with the strict settings.
    await writeFile(path.join(work, 'context.ts'), CONTEXT_MODULE);
    await mkdir(path.join(work, 'examples'));
    for (const [i, example] of examples.entries()) {
      if (example.lang !== 'ts') continue;
      const module = MODULES[keyOf(example)];
      if (module) await writeFile(path.join(work, module), example.code);
      else
        await writeFile(
          path.join(work, 'examples', `example-${i}.ts`),
          moduleOf(example)
            .replaceAll("'./faceledger.js'", "'../faceledger.js'")
            .replaceAll("'./context.js'", "'../context.js'"),
        );
    }
    await writeFile(
      path.join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          types: ['node'],
          outDir: 'dist',
          rootDir: '.',
        },
        include: ['*.ts', 'examples/*.ts'],
      }),
    );
    await writeFile(path.join(work, 'package.json'), '{ "type": "module" }\n');
    compiled = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], work, {}, 300_000);
  }, 900_000);

  afterAll(async () => {
    await scheduler?.stop();
    await runner?.stop();
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('finds the examples, and every TypeScript example compiles', () => {
    expect(examples.filter((e) => e.lang === 'sh').length).toBeGreaterThan(40);
    expect(examples.filter((e) => e.lang === 'ts').length).toBeGreaterThan(40);
    expect(compiled.stdout.replaceAll(work, '.')).toBe('');
    expect(compiled.code).toBe(0);
  });

  const runnable = examplesOf(readFileSync(API_DOC, 'utf8'))
    .map((example, index) => ({ example, index }))
    .filter(({ example }) => !NOT_RUN.has(keyOf(example)) && !MODULES[keyOf(example)]);

  for (const { example } of runnable.filter(({ example }) => needsMissingTool(example)))
    it.skip(`runs ${example.heading} (sh, line ${example.line}): install websocat to run it`, () =>
      undefined);

  it.each(
    runnable
      .filter(({ example }) => !needsMissingTool(example))
      .map(
        ({ example, index }) =>
          [`${example.heading} (${example.lang}, line ${example.line})`, example, index] as const,
      ),
  )('runs %s', async (_name, example, index) => {
    const env = { ...base, ...(await FRESH[example.heading]?.()) };
    if (example.lang === 'sh') {
      await writeFile(path.join(work, 'cookies.txt'), cookieJar(server.url, env.FACELEDGER_ADMIN_COOKIE!));
      const result = await run('bash', ['-euo', 'pipefail', '-c', example.code], work, env);
      expect(result.code, `the example at docs/API.md:${example.line} failed: ${result.stderr}`).toBe(0);
      expect(
        result.stdout,
        `GraphQL errors printed by the example at docs/API.md:${example.line}`,
      ).not.toMatch(/"errors"\s*:/);
      return;
    }
    const file = path.join(work, 'dist/examples', `example-${index}.js`);
    if (LONG_RUNNING.has(keyOf(example))) {
      // The live feed example must print a MATCH of its gallery that happens while it listens.
      const isFeed = example.heading === 'matchEvents (subscription)';
      const identifyWhileListening = async () => {
        const body = await server.graphql(
          'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image, threshold: 0.5) { faces { decision } } }',
          {
            g: env['GALLERY_ID'],
            image: {
              base64: (await readFile(path.join(PHOTOS, 'Colin_Powell_0002.jpg'))).toString('base64'),
            },
          },
          { authorization: `Bearer ${env['FACELEDGER_API_KEY']}` },
        );
        if (body.errors?.length) throw new Error(body.errors[0]?.message);
      };
      const result = await staysUp(
        file,
        work,
        env,
        isFeed ? 6000 : 3000,
        isFeed ? identifyWhileListening : undefined,
      );
      expect(result.stderr).toBe('');
      // The name is the identity's, which the updateIdentity example may have changed already.
      if (isFeed)
        expect(result.stdout).toMatch(
          /^Doc examples: (Person colin-powell|Colin L\. Powell) \(\d\.\d{3}\)$/m,
        );
      expect(result.running, `the example at docs/API.md:${example.line} stopped: ${result.stdout}`).toBe(
        true,
      );
      return;
    }
    const result = await run(process.execPath, [file], work, env);
    expect(result.code, `the example at docs/API.md:${example.line} failed: ${result.stderr}`).toBe(0);
  });
});
