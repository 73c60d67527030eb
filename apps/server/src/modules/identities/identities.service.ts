// Identities: enrol people into a gallery as records (name, externalId, metadata, consent), change,
// suspend and reactivate them, and page through them. Erasure lives in identity-erasure.service.ts.
import { dateInputMessage, isStorableDate } from '../../shared/date-input.js';
import type { IdentityStatus } from '@faceledger/db';
import type { CreateIdentityInput, Face, UpdateIdentityInput } from '@faceledger/schema';
import type { IdentityModel } from '@faceledger/schema/server';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { parseInput } from '../../shared/parse-input.js';
import { notFound } from '../../shared/not-found.js';
import {
  encodeCursor,
  parsePageArgs,
  toConnection,
  type Connection,
  type PageArgs,
} from '../../shared/relay-pagination.js';
import { unstorableTextReason } from '../../shared/unstorable-text.js';
import { isUuid } from '../../shared/uuid.js';
import type {
  Transaction,
  TransactionScope,
  UnitOfWork,
} from '../../infrastructure/unit-of-work/unit-of-work.js';
import { auditEntry, type Actor } from '../auth/actor.js';
import { requireGallery } from '../auth/gallery-access.js';
import { authorize, authorizeGallery, type Permission } from '../auth/permissions.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import type {
  IdentitiesRepository,
  IdentityFields,
  IdentityFilter,
  IdentityKey,
  IdentityRecord,
} from './identities.repository.js';
import { toFace, toIdentityModel } from './identities.mapper.js';

/** Largest metadata object accepted, as JSON text. */
export const MAX_METADATA_BYTES = 16 * 1024;

/** A page of identities as the identities query returns it. */
export interface IdentityConnectionModel extends Connection<IdentityModel> {
  totalCount: number;
}

/** Arguments of the identities query. */
export interface IdentityListArgs extends PageArgs {
  galleryId: string;
  search?: string | null | undefined;
  status?: IdentityStatus | null | undefined;
}

const externalId = z
  .string()
  .trim()
  .min(
    1,
    "externalId must not be empty; use the person's key in your own system, such as an employee number.",
  )
  .max(200, 'externalId must be at most 200 characters.');
const displayName = z
  .string()
  .trim()
  .min(1, 'displayName must not be empty.')
  .max(200, 'displayName must be at most 200 characters.');
const metadata = z
  .record(z.string(), z.unknown(), 'metadata must be a JSON object, such as {"department": "R&D"}.')
  .refine(
    (value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_METADATA_BYTES,
    `metadata must be at most ${MAX_METADATA_BYTES} bytes of JSON.`,
  )
  // Came in as JSON, so every value is a JSON value.
  .transform((value) => value as IdentityFields['metadata']);
const consentGivenAt = z.iso
  .datetime({
    offset: true,
    message: dateInputMessage('consentGivenAt'),
  })
  .transform((value) => new Date(value))
  .refine(isStorableDate, dateInputMessage('consentGivenAt'));
const consentGivenBy = z.string().trim().max(200, 'consentGivenBy must be at most 200 characters.');

const createSchema = z.object({
  externalId,
  displayName,
  metadata: metadata.nullish().transform((v) => v ?? {}),
  consentGivenAt: consentGivenAt.nullish().transform((v) => v ?? null),
  consentGivenBy: consentGivenBy.nullish().transform((v) => (v ? v : null)),
});

/** In an update, null leaves externalId, displayName and metadata as they are, and clears consent. */
const updateSchema = z.object({
  externalId: externalId.nullish(),
  displayName: displayName.nullish(),
  metadata: metadata.nullish(),
  consentGivenAt: consentGivenAt.nullish(),
  consentGivenBy: consentGivenBy.nullish().transform((v) => (v === '' ? null : v)),
});

function parseIdentityKey(value: unknown): IdentityKey | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [name, id] = value as unknown[];
  if (typeof name !== 'string' || typeof id !== 'string' || !isUuid(id)) return null;
  // A name the database cannot hold (NUL, a lone surrogate) was never one of ours.
  if (unstorableTextReason(name) !== null) return null;
  return { displayName: name, id };
}

function cursorOf(record: IdentityRecord): string {
  return encodeCursor([record.displayName, record.id]);
}

/** Reads identity `id` for `actor`: NOT_FOUND when none has that id, FORBIDDEN in another gallery than the actor's key. */
export async function findIdentity(
  identities: Pick<IdentitiesRepository, 'findById'>,
  actor: Actor,
  id: string,
  tx?: Transaction,
): Promise<IdentityRecord> {
  const identity = await identities.findById(id, tx);
  if (!identity) throw notFound('identity', id);
  authorizeGallery(actor, identity.galleryId);
  return identity;
}

function refuseErased(identity: IdentityRecord): void {
  if (identity.status === 'ERASED') {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `Identity ${identity.id} is erased; an erased identity cannot change. Create a new identity instead.`,
      { id: identity.id },
    );
  }
}

export class IdentitiesService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly galleries: GalleriesRepository,
    private readonly uow: Pick<UnitOfWork, 'transaction'>,
  ) {}

  async get(actor: Actor, id: string): Promise<IdentityModel> {
    authorize(actor, 'identities.read');
    return toIdentityModel(await findIdentity(this.identities, actor, id));
  }

  /** The faces of an identity (for the Identity.faces field). */
  async listFaces(actor: Actor, identityId: string): Promise<Face[]> {
    authorize(actor, 'identities.read');
    await findIdentity(this.identities, actor, identityId);
    return (await this.identities.listFaces(identityId)).map(toFace);
  }

  async list(actor: Actor, args: IdentityListArgs): Promise<IdentityConnectionModel> {
    authorize(actor, 'identities.read');
    const page = parsePageArgs(args, parseIdentityKey);
    const gallery = await requireGallery(
      actor,
      args.galleryId,
      (id) => this.galleries.findById(id),
      'galleryId',
    );
    const search = args.search?.trim() ?? '';
    const filter: IdentityFilter = {
      galleryId: gallery.id,
      search: search === '' ? null : search,
      status: args.status ?? null,
    };
    const { rows, hasMore } = await this.identities.findPage(filter, page);
    const totalCount = await this.identities.count(filter);
    // The opposite direction has rows when the cursor (or anything past it) still matches.
    const hasOpposite =
      page.cursor !== null &&
      (await this.identities.existsBeyond(
        filter,
        page.cursor,
        page.direction === 'forward' ? 'before' : 'after',
      ));
    const edges = rows.map((row) => ({ node: toIdentityModel(row), cursor: cursorOf(row) }));
    return { ...toConnection(page, edges, hasMore, hasOpposite), totalCount };
  }

  async create(actor: Actor, input: CreateIdentityInput): Promise<IdentityModel> {
    authorize(actor, 'identities.write');
    const fields: IdentityFields = parseInput(createSchema, input);
    const created = await this.uow.transaction((tx) => this.insert(tx, actor, input.galleryId, fields));
    return toIdentityModel(created);
  }

  /**
   * Creates the identity inside the caller's transaction (naming a camera cluster creates it with
   * the faces it enrolls, all or nothing): the same checks, row and identity.create entry as create.
   */
  async createIn(
    tx: TransactionScope,
    actor: Actor,
    input: CreateIdentityInput,
    grant: Extract<Permission, 'identities.write' | 'sightings.review'>,
  ): Promise<IdentityRecord> {
    authorize(actor, grant);
    return this.insert(tx, actor, input.galleryId, parseInput(createSchema, input));
  }

  private async insert(
    tx: TransactionScope,
    actor: Actor,
    galleryId: string,
    fields: IdentityFields,
  ): Promise<IdentityRecord> {
    const gallery = await requireGallery(
      actor,
      galleryId,
      (id) => this.galleries.findById(id, tx.db),
      'galleryId',
    );
    await this.checkExternalIdFree(gallery.id, fields.externalId, null, tx.db);
    const identity = await this.identities.create(tx.db, gallery.id, fields);
    // Ids only: the ledger cannot be erased, so it never holds names, externalIds or metadata.
    await tx.audit(
      auditEntry(actor, 'identity.create', `identity:${identity.id}`, {
        galleryId: gallery.id,
        hasConsent: fields.consentGivenAt !== null,
      }),
    );
    return identity;
  }

  async update(actor: Actor, id: string, input: UpdateIdentityInput): Promise<IdentityModel> {
    authorize(actor, 'identities.write');
    const parsed = parseInput(updateSchema, input);
    const changes: Partial<IdentityFields> = {};
    if (parsed.externalId != null) changes.externalId = parsed.externalId;
    if (parsed.displayName != null) changes.displayName = parsed.displayName;
    if (parsed.metadata != null) changes.metadata = parsed.metadata;
    if (parsed.consentGivenAt !== undefined) changes.consentGivenAt = parsed.consentGivenAt;
    if (parsed.consentGivenBy !== undefined) changes.consentGivenBy = parsed.consentGivenBy;
    const updated = await this.uow.transaction(async (tx) => {
      const current = await this.loadWritable(actor, id, tx.db);
      if (changes.externalId !== undefined && changes.externalId !== current.externalId) {
        await this.checkExternalIdFree(current.galleryId, changes.externalId, id, tx.db);
      }
      const identity = await this.identities.update(tx.db, id, changes);
      await tx.audit(
        auditEntry(actor, 'identity.update', `identity:${id}`, {
          galleryId: current.galleryId,
          fields: Object.keys(changes).sort(),
        }),
      );
      return identity;
    });
    return toIdentityModel(updated);
  }

  /** SUSPENDED identities stay enrolled but are never returned as a match. */
  async suspend(actor: Actor, id: string): Promise<IdentityModel> {
    return this.setStatus(actor, id, 'SUSPENDED', 'identity.suspend');
  }

  async reactivate(actor: Actor, id: string): Promise<IdentityModel> {
    return this.setStatus(actor, id, 'ACTIVE', 'identity.reactivate');
  }

  private async setStatus(
    actor: Actor,
    id: string,
    status: IdentityStatus,
    action: string,
  ): Promise<IdentityModel> {
    authorize(actor, 'identities.write');
    const updated = await this.uow.transaction(async (tx) => {
      const current = await this.loadWritable(actor, id, tx.db);
      const identity =
        current.status === status ? current : await this.identities.update(tx.db, id, { status });
      await tx.audit(
        auditEntry(actor, action, `identity:${id}`, {
          galleryId: current.galleryId,
          from: current.status,
          to: status,
        }),
      );
      return identity;
    });
    return toIdentityModel(updated);
  }

  private async loadWritable(actor: Actor, id: string, tx: Transaction): Promise<IdentityRecord> {
    const identity = await findIdentity(this.identities, actor, id, tx);
    refuseErased(identity);
    return identity;
  }

  private async checkExternalIdFree(
    galleryId: string,
    externalId: string,
    exceptId: string | null,
    tx: Transaction,
  ): Promise<void> {
    const taken = await this.identities.findByExternalId(galleryId, externalId, tx);
    if (taken && taken.id !== exceptId) {
      throw new AppError(
        ErrorCode.CONFLICT,
        `An identity with externalId "${externalId}" already exists in this gallery (id ${taken.id}); use another externalId, or update that identity.`,
        { field: 'externalId', existingId: taken.id },
      );
    }
  }
}
