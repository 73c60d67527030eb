// Enrolled faces: the duplicate-image lookup and the raw insert that writes a face with its
// embedding ('[...]'::vector, which Prisma's client cannot write into the untyped vector column).
import type { Prisma, PrismaClient } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
import type { FaceRecord } from '../identities/identities.repository.js';
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
}

export class EnrollmentRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** A face of the gallery enrolled from the same image (same sha256), if any. */
  async findFaceByImage(
    galleryId: string,
    imageKey: string,
  ): Promise<{ faceId: string; identityId: string } | null> {
    const face = await this.prisma.face.findFirst({
      where: { imageKey, identity: { galleryId, status: { not: 'ERASED' } } },
      select: { id: true, identityId: true },
      orderBy: { createdAt: 'asc' },
    });
    return face ? { faceId: face.id, identityId: face.identityId } : null;
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
      INSERT INTO faces (id, identity_id, image_key, box, landmarks, quality, model_id, embedding)
      VALUES (gen_random_uuid(), ${face.identityId}::uuid, ${face.imageKey}, ${JSON.stringify(face.box)}::jsonb,
              ${JSON.stringify(face.landmarks)}::jsonb, ${JSON.stringify(face.quality)}::jsonb, ${face.modelId},
              ${vectorLiteral(face.embedding)}::vector)
      RETURNING id, identity_id AS "identityId", image_key AS "imageKey", box, landmarks, quality, model_id AS "modelId",
                created_at AS "createdAt"`;
    const row = rows[0];
    if (!row) throw new Error('INSERT INTO faces returned no row');
    return row;
  }
}
