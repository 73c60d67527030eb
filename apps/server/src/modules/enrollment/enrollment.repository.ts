// Enrolled faces: the duplicate-image lookup and the raw insert that writes a face with its
// embedding ('[...]'::vector, which Prisma's client cannot write into the untyped vector column).
import type { Prisma, PrismaClient } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
import type { FaceRecord } from '../identities/identities.repository.js';
import { isUuid } from '../../shared/uuid.js';
import { vectorLiteral } from '../matching/vector-sql.js';

/** A face to store. */
export interface NewFace {
  identityId: string;
  imageKey: string;
  box: Prisma.InputJsonObject;
  landmarks: Prisma.InputJsonObject;
  quality: Prisma.InputJsonObject;
  modelId: string;
  embedding: ArrayLike<number>;
  /** The other identity the face looked like at enrollment, kept as a warning until resolved. */
  likelySameAs?: { identityId: string; score: number } | null;
}

/** A face enrolled from the same image as a new one, with its box in image pixels. */
export interface SameImageFace {
  faceId: string;
  identityId: string;
  box: { x: number; y: number; width: number; height: number };
}

/** What deleting or replacing a face needs to know about it. */
export interface StoredFace {
  id: string;
  identityId: string;
  imageKey: string;
}

/** A face's unresolved warning: the other identity it looked like at enrollment. */
export interface FaceWarningRecord {
  faceId: string;
  otherIdentityId: string;
  score: number;
}

export class EnrollmentRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * The faces of the gallery enrolled from the same image (same sha256), oldest first, with their
   * boxes: a photo of two people may hold one face of each.
   */
  async findFacesByImage(galleryId: string, imageKey: string): Promise<SameImageFace[]> {
    if (!isUuid(galleryId)) return [];
    return this.prisma.$queryRaw<SameImageFace[]>`
      SELECT f.id AS "faceId", f.identity_id AS "identityId",
             json_build_object('x', (f.box->>'x')::float8, 'y', (f.box->>'y')::float8,
                               'width', (f.box->>'width')::float8, 'height', (f.box->>'height')::float8) AS box
      FROM faces f JOIN identities i ON i.id = f.identity_id
      WHERE f.image_key = ${imageKey} AND i.gallery_id = ${galleryId}::uuid AND i.status <> 'ERASED'
      ORDER BY f.created_at, f.id`;
  }

  /**
   * The identity's status, read under FOR SHARE inside `tx`: an erasure in progress holds the row
   * lock, so enrollment waits for it and then sees ERASED. Null when the identity is gone.
   */
  async lockIdentityStatus(tx: Transaction, identityId: string): Promise<string | null> {
    const rows = await tx.$queryRaw<Array<{ status: string }>>`
      SELECT status::text AS status FROM identities WHERE id = ${identityId}::uuid FOR SHARE`;
    return rows[0]?.status ?? null;
  }

  /** Inserts the face inside `tx` and returns it without its embedding. */
  async insertFace(tx: Transaction, face: NewFace): Promise<FaceRecord> {
    const rows = await tx.$queryRaw<FaceRecord[]>`
      INSERT INTO faces (id, identity_id, image_key, box, landmarks, quality, model_id, embedding,
                         likely_same_as_id, likely_same_as_score)
      VALUES (gen_random_uuid(), ${face.identityId}::uuid, ${face.imageKey}, ${JSON.stringify(face.box)}::jsonb,
              ${JSON.stringify(face.landmarks)}::jsonb, ${JSON.stringify(face.quality)}::jsonb, ${face.modelId},
              ${vectorLiteral(face.embedding)}::vector,
              ${face.likelySameAs?.identityId ?? null}::uuid, ${face.likelySameAs?.score ?? null}::double precision)
      RETURNING id, identity_id AS "identityId", image_key AS "imageKey", box, landmarks, quality, model_id AS "modelId",
                created_at AS "createdAt"`;
    const row = rows[0];
    if (!row) throw new Error('INSERT INTO faces returned no row');
    return row;
  }

  /** The face with its identity and image key; null for an unknown id. */
  async findFace(faceId: string): Promise<StoredFace | null> {
    if (!isUuid(faceId)) return null;
    return this.prisma.face.findUnique({
      where: { id: faceId },
      select: { id: true, identityId: true, imageKey: true },
    });
  }

  /** Deletes the face of `identityId` inside `tx` (its embedding goes with the row); false when it was gone. */
  async deleteFace(tx: Transaction, faceId: string, identityId: string): Promise<boolean> {
    const face = await tx.face.findFirst({ where: { id: faceId, identityId }, select: { imageKey: true } });
    if (!face) return false;
    await tx.face.delete({ where: { id: faceId } });
    // A wrong photo goes with its face: the pending upload it was enrolled through would keep it
    // for another day (as an erasure, uploads of the photo are dropped).
    await tx.pendingUpload.deleteMany({ where: { imageKey: face.imageKey } });
    return true;
  }

  /** Clears the face's warning inside `tx`; false when it had none. */
  async clearWarning(tx: Transaction, faceId: string): Promise<boolean> {
    const { count } = await tx.face.updateMany({
      where: { id: faceId, likelySameAsId: { not: null } },
      data: { likelySameAsId: null, likelySameAsScore: null },
    });
    return count > 0;
  }

  /** The unresolved warnings of the identity's faces, oldest face first. */
  async findWarnings(identityId: string): Promise<FaceWarningRecord[]> {
    if (!isUuid(identityId)) return [];
    const rows = await this.prisma.face.findMany({
      where: { identityId, likelySameAsId: { not: null } },
      select: { id: true, likelySameAsId: true, likelySameAsScore: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.flatMap((r) =>
      r.likelySameAsId === null
        ? []
        : [{ faceId: r.id, otherIdentityId: r.likelySameAsId, score: r.likelySameAsScore ?? 0 }],
    );
  }
}
