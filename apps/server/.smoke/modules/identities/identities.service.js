import { z } from 'zod';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { parseInput } from '../../shared/parse-input.js';
import { encodeCursor, parsePageArgs } from '../../shared/relay-pagination.js';
import { isUuid } from '../../shared/uuid.js';
import { actorRef } from '../auth/actor.js';
import { authorize, authorizeGallery } from '../auth/permissions.js';
import { toFace, toIdentityModel } from './identities.mapper.js';
/** Largest metadata object accepted, as JSON text. */
export const MAX_METADATA_BYTES = 16 * 1024;
const externalId = z
    .string()
    .trim()
    .min(1, "externalId must not be empty; use the person's key in your own system, such as an employee number.")
    .max(200, 'externalId must be at most 200 characters.');
const displayName = z
    .string()
    .trim()
    .min(1, 'displayName must not be empty.')
    .max(200, 'displayName must be at most 200 characters.');
const metadata = z
    .record(z.string(), z.unknown(), 'metadata must be a JSON object, such as {"department": "R&D"}.')
    .refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_METADATA_BYTES, `metadata must be at most ${MAX_METADATA_BYTES} bytes of JSON.`)
    // Came in as JSON, so every value is a JSON value.
    .transform((value) => value);
const consentGivenAt = z.iso
    .datetime({
    offset: true,
    message: 'consentGivenAt must be an ISO-8601 date and time, such as 2026-01-31T09:00:00Z.',
})
    .transform((value) => new Date(value));
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
function parseIdentityKey(value) {
    if (!Array.isArray(value) || value.length !== 2)
        return null;
    const [name, id] = value;
    if (typeof name !== 'string' || typeof id !== 'string' || !isUuid(id))
        return null;
    return { displayName: name, id };
}
function cursorOf(record) {
    return encodeCursor([record.displayName, record.id]);
}
/** NOT_FOUND for an identity id that names nothing. */
export function identityNotFound(id) {
    return new AppError(ErrorCode.NOT_FOUND, `No identity has id ${id}; search the gallery's identities to find its id.`, { id });
}
function refuseErased(identity) {
    if (identity.status === 'ERASED') {
        throw new AppError(ErrorCode.BAD_INPUT, `Identity ${identity.id} is erased; an erased identity cannot change. Create a new identity instead.`, { id: identity.id });
    }
}
export class IdentitiesService {
    identities;
    galleries;
    audit;
    constructor(identities, galleries, audit) {
        this.identities = identities;
        this.galleries = galleries;
        this.audit = audit;
    }
    async get(actor, id) {
        authorize(actor, 'identities.read');
        const identity = await this.identities.findById(id);
        if (!identity)
            throw identityNotFound(id);
        authorizeGallery(actor, identity.galleryId);
        return toIdentityModel(identity);
    }
    /** The faces of an identity (for the Identity.faces field). */
    async listFaces(actor, identityId) {
        authorize(actor, 'identities.read');
        const identity = await this.identities.findById(identityId);
        if (!identity)
            throw identityNotFound(identityId);
        authorizeGallery(actor, identity.galleryId);
        return (await this.identities.listFaces(identityId)).map(toFace);
    }
    async list(actor, args) {
        authorize(actor, 'identities.read');
        authorizeGallery(actor, args.galleryId);
        const page = parsePageArgs(args, parseIdentityKey);
        const gallery = await this.galleries.findById(args.galleryId);
        if (!gallery) {
            throw new AppError(ErrorCode.NOT_FOUND, `No gallery has id ${args.galleryId}; list galleries to find its id.`, {
                galleryId: args.galleryId,
            });
        }
        const search = args.search?.trim() ?? '';
        const filter = {
            galleryId: gallery.id,
            search: search === '' ? null : search,
            status: args.status ?? null,
        };
        const { rows, hasMore } = await this.identities.findPage(filter, page);
        const totalCount = await this.identities.count(filter);
        const isForward = page.direction === 'forward';
        // The opposite direction has rows when the cursor (or anything past it) still matches.
        const hasOpposite = page.cursor !== null &&
            (await this.identities.existsBeyond(filter, page.cursor, isForward ? 'before' : 'after'));
        const edges = rows.map((row) => ({ node: toIdentityModel(row), cursor: cursorOf(row) }));
        return {
            edges,
            pageInfo: {
                hasNextPage: isForward ? hasMore : hasOpposite,
                hasPreviousPage: isForward ? hasOpposite : hasMore,
                startCursor: edges[0]?.cursor ?? null,
                endCursor: edges.at(-1)?.cursor ?? null,
            },
            totalCount,
        };
    }
    async create(actor, input) {
        authorize(actor, 'identities.write');
        authorizeGallery(actor, input.galleryId);
        const fields = parseInput(createSchema, input);
        const created = await this.audit.withEntry(async (tx) => {
            const gallery = await this.galleries.findById(input.galleryId, tx);
            if (!gallery) {
                throw new AppError(ErrorCode.NOT_FOUND, `No gallery has id ${input.galleryId}; create it first or list galleries.`, {
                    field: 'galleryId',
                });
            }
            await this.checkExternalIdFree(gallery.id, fields.externalId, null, tx);
            const identity = await this.identities.create(tx, gallery.id, fields);
            return {
                result: identity,
                audit: {
                    actor: actorRef(actor),
                    action: 'identity.create',
                    subject: `identity:${identity.id}`,
                    // Ids only: the ledger cannot be erased, so it never holds names, externalIds or metadata.
                    payload: { galleryId: gallery.id, hasConsent: fields.consentGivenAt !== null },
                },
            };
        });
        return toIdentityModel(created);
    }
    async update(actor, id, input) {
        authorize(actor, 'identities.write');
        const parsed = parseInput(updateSchema, input);
        const changes = {};
        if (parsed.externalId != null)
            changes.externalId = parsed.externalId;
        if (parsed.displayName != null)
            changes.displayName = parsed.displayName;
        if (parsed.metadata != null)
            changes.metadata = parsed.metadata;
        if (parsed.consentGivenAt !== undefined)
            changes.consentGivenAt = parsed.consentGivenAt;
        if (parsed.consentGivenBy !== undefined)
            changes.consentGivenBy = parsed.consentGivenBy;
        const updated = await this.audit.withEntry(async (tx) => {
            const current = await this.loadWritable(actor, id, tx);
            if (changes.externalId !== undefined && changes.externalId !== current.externalId) {
                await this.checkExternalIdFree(current.galleryId, changes.externalId, id, tx);
            }
            const identity = await this.identities.update(tx, id, changes);
            return {
                result: identity,
                audit: {
                    actor: actorRef(actor),
                    action: 'identity.update',
                    subject: `identity:${id}`,
                    payload: { galleryId: current.galleryId, fields: Object.keys(changes).sort() },
                },
            };
        });
        return toIdentityModel(updated);
    }
    /** SUSPENDED identities stay enrolled but are never returned as a match. */
    async suspend(actor, id) {
        return this.setStatus(actor, id, 'SUSPENDED', 'identity.suspend');
    }
    async reactivate(actor, id) {
        return this.setStatus(actor, id, 'ACTIVE', 'identity.reactivate');
    }
    async setStatus(actor, id, status, action) {
        authorize(actor, 'identities.write');
        const updated = await this.audit.withEntry(async (tx) => {
            const current = await this.loadWritable(actor, id, tx);
            const identity = current.status === status ? current : await this.identities.update(tx, id, { status });
            return {
                result: identity,
                audit: {
                    actor: actorRef(actor),
                    action,
                    subject: `identity:${id}`,
                    payload: { galleryId: current.galleryId, from: current.status, to: status },
                },
            };
        });
        return toIdentityModel(updated);
    }
    async loadWritable(actor, id, tx) {
        const identity = await this.identities.findById(id, tx);
        if (!identity)
            throw identityNotFound(id);
        authorizeGallery(actor, identity.galleryId);
        refuseErased(identity);
        return identity;
    }
    async checkExternalIdFree(galleryId, externalId, exceptId, tx) {
        const taken = await this.identities.findByExternalId(galleryId, externalId, tx);
        if (taken && taken.id !== exceptId) {
            throw new AppError(ErrorCode.CONFLICT, `An identity with externalId "${externalId}" already exists in this gallery (id ${taken.id}); use another externalId, or update that identity.`, { field: 'externalId', existingId: taken.id });
        }
    }
}
//# sourceMappingURL=identities.service.js.map