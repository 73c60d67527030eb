// Test data made through the public GraphQL API, signed in as the first admin that the stack starts
// the server with. Every name carries a run-unique suffix: journeys never rely on what an earlier run
// (or an earlier test of this run) left in the database.
import { readFile } from 'node:fs/promises';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import type { GraphqlError } from './graphql.js';

/** The first admin: the stack passes it to the server as FACELEDGER_ADMIN_EMAIL / _PASSWORD. */
export const E2E_ADMIN = { email: 'admin@e2e.faceledger.test', password: 'e2e-admin-password-0001' } as const;

/** Password of every user the seed creates (at least 12 characters). */
export const SEED_PASSWORD = 'e2e-role-password-0001';

/**
 * Threshold of the seeded galleries: the default model (faceapi-resnet128) puts different LFW people
 * around 0.82-0.86 and the same person around 0.94-0.97, with its own threshold at 0.911.
 */
export const GALLERY_THRESHOLD = 0.91;

export type Role = 'ADMIN' | 'HR' | 'REVIEWER' | 'AUDITOR';

/** A user who can sign in. */
export interface SeedUser {
  id: string;
  email: string;
  password: string;
  role: Role;
}

export interface SeedGallery {
  id: string;
  name: string;
  matchThreshold: number;
}

export interface SeedIdentity {
  id: string;
  externalId: string;
  displayName: string;
}

/** The part of an identify answer the journeys read. */
export interface IdentifyAnswer {
  threshold: number;
  faces: Array<{
    eventId: string;
    decision: 'MATCH' | 'UNKNOWN' | 'NO_MATCH';
    score: number | null;
    identity: { id: string; displayName: string } | null;
    candidates: Array<{
      rank: number;
      score: number;
      demoted: boolean;
      identity: { id: string; displayName: string };
    }>;
  }>;
}

/** Selection of identify shared by the seed and the journeys that call it with an API key. */
export const IDENTIFY_MUTATION = `mutation Identify($galleryId: ID!, $image: ImageInput!, $threshold: Float) {
  identify(galleryId: $galleryId, image: $image, threshold: $threshold) {
    threshold
    faces {
      eventId decision score
      identity { id displayName }
      candidates { rank score demoted identity { id displayName } }
    }
  }
}`;

let counter = 0;

/** A short suffix unique to this run and call, for names that must not collide with earlier data. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}${counter}`;
}

/** The bytes of a file as the base64 an ImageInput takes. */
export async function imageInput(file: string): Promise<{ base64: string }> {
  return { base64: (await readFile(file)).toString('base64') };
}

/** An admin session on the API (its own cookie jar) with helpers for the data journeys need. */
export class Seed {
  private constructor(
    private readonly api: APIRequestContext,
    readonly apiUrl: string,
  ) {}

  /** Signs in as {@link E2E_ADMIN} on the server at `apiUrl`. */
  static async signIn(apiUrl: string): Promise<Seed> {
    const api = await playwrightRequest.newContext({ baseURL: apiUrl });
    const seed = new Seed(api, apiUrl);
    await seed.gql('mutation S($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }', {
      e: E2E_ADMIN.email,
      p: E2E_ADMIN.password,
    });
    return seed;
  }

  async dispose(): Promise<void> {
    await this.api.dispose();
  }

  /** Runs a GraphQL operation as the admin; throws with the API's errors when there are any. */
  async gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const response = await this.api.post('/graphql', {
      headers: { 'content-type': 'application/json' },
      data: { query, variables },
      timeout: 60_000,
    });
    const body = (await response.json()) as { data?: T; errors?: GraphqlError[] };
    if (body.errors?.length || !body.data) {
      throw new Error(
        `Seed GraphQL failed (HTTP ${response.status()}): ${JSON.stringify(body.errors ?? body)}\n${query}`,
      );
    }
    return body.data;
  }

  async createUser(role: Role): Promise<SeedUser> {
    const email = `${unique(role.toLowerCase())}@e2e.faceledger.test`;
    const { createUser } = await this.gql<{ createUser: { id: string } }>(
      'mutation U($input: CreateUserInput!) { createUser(input: $input) { id } }',
      { input: { email, password: SEED_PASSWORD, role } },
    );
    return { id: createUser.id, email, password: SEED_PASSWORD, role };
  }

  /**
   * A gallery whose identify threshold is overridden to `identifyThresholdOverride` (by default the
   * same as matchThreshold, what the journeys' small galleries were written for); null follows the
   * model's identify calibration.
   */
  async createGallery(
    prefix: string,
    matchThreshold = GALLERY_THRESHOLD,
    identifyThresholdOverride: number | null = matchThreshold,
  ): Promise<SeedGallery> {
    const name = unique(prefix);
    const { createGallery } = await this.gql<{ createGallery: SeedGallery }>(
      'mutation G($input: CreateGalleryInput!) { createGallery(input: $input) { id name matchThreshold } }',
      { input: { name, matchThreshold, identifyThresholdOverride, description: 'Made by the e2e seed.' } },
    );
    return createGallery;
  }

  /** Sets identify's threshold (an override; identify scores can pass 1) and, below 1, matchThreshold too. */
  async updateGalleryThreshold(galleryId: string, threshold: number): Promise<void> {
    await this.gql(
      'mutation G($id: ID!, $input: UpdateGalleryInput!) { updateGallery(id: $id, input: $input) { id } }',
      {
        id: galleryId,
        input: {
          identifyThresholdOverride: threshold,
          ...(threshold < 1 ? { matchThreshold: threshold } : {}),
        },
      },
    );
  }

  async createIdentity(galleryId: string, displayName: string): Promise<SeedIdentity> {
    const { createIdentity } = await this.gql<{ createIdentity: SeedIdentity }>(
      'mutation I($input: CreateIdentityInput!) { createIdentity(input: $input) { id externalId displayName } }',
      { input: { galleryId, displayName, externalId: unique('ext') } },
    );
    return createIdentity;
  }

  /** Enrolls the face in `file`; throws unless it was enrolled. */
  async enroll(identityId: string, file: string): Promise<void> {
    const { enrollFace } = await this.gql<{ enrollFace: { __typename: string; message?: string } }>(
      `mutation E($id: ID!, $image: ImageInput!) {
        enrollFace(identityId: $id, image: $image) {
          __typename
          ... on NoFace { message } ... on MultipleFaces { message } ... on LowQuality { message }
          ... on DuplicateImage { message } ... on LikelySameAs { message }
        }
      }`,
      { id: identityId, image: await imageInput(file) },
    );
    if (enrollFace.__typename !== 'Enrolled') {
      throw new Error(
        `Seeding could not enroll ${file}: ${enrollFace.__typename} ${enrollFace.message ?? ''}`,
      );
    }
  }

  /** An identity with the faces of `files` enrolled. */
  async enrolledIdentity(galleryId: string, displayName: string, files: string[]): Promise<SeedIdentity> {
    const identity = await this.createIdentity(galleryId, displayName);
    for (const file of files) await this.enroll(identity.id, file);
    return identity;
  }

  async identify(galleryId: string, file: string, threshold?: number): Promise<IdentifyAnswer> {
    const { identify } = await this.gql<{ identify: IdentifyAnswer }>(IDENTIFY_MUTATION, {
      galleryId,
      image: await imageInput(file),
      threshold: threshold ?? null,
    });
    return identify;
  }
}
