import type { IdentityStatus } from '@faceledger/db';
import type { CreateIdentityInput, Face, PageInfo, UpdateIdentityInput } from '@faceledger/schema';
import type { IdentityModel } from '@faceledger/schema/server';
import { AppError } from '../../shared/app-error.js';
import { type PageArgs } from '../../shared/relay-pagination.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { type Actor } from '../auth/actor.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import type { IdentitiesRepository } from './identities.repository.js';
/** Largest metadata object accepted, as JSON text. */
export declare const MAX_METADATA_BYTES: number;
/** A page of identities as the identities query returns it. */
export interface IdentityConnectionModel {
    edges: Array<{
        node: IdentityModel;
        cursor: string;
    }>;
    pageInfo: PageInfo;
    totalCount: number;
}
/** Arguments of the identities query. */
export interface IdentityListArgs extends PageArgs {
    galleryId: string;
    search?: string | null | undefined;
    status?: IdentityStatus | null | undefined;
}
/** NOT_FOUND for an identity id that names nothing. */
export declare function identityNotFound(id: string): AppError;
export declare class IdentitiesService {
    private readonly identities;
    private readonly galleries;
    private readonly audit;
    constructor(identities: IdentitiesRepository, galleries: GalleriesRepository, audit: AuditRepository);
    get(actor: Actor, id: string): Promise<IdentityModel>;
    /** The faces of an identity (for the Identity.faces field). */
    listFaces(actor: Actor, identityId: string): Promise<Face[]>;
    list(actor: Actor, args: IdentityListArgs): Promise<IdentityConnectionModel>;
    create(actor: Actor, input: CreateIdentityInput): Promise<IdentityModel>;
    update(actor: Actor, id: string, input: UpdateIdentityInput): Promise<IdentityModel>;
    /** SUSPENDED identities stay enrolled but are never returned as a match. */
    suspend(actor: Actor, id: string): Promise<IdentityModel>;
    reactivate(actor: Actor, id: string): Promise<IdentityModel>;
    private setStatus;
    private loadWritable;
    private checkExternalIdFree;
}
