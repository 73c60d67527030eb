import { vectorLiteral } from '../matching/vector-sql.js';
export class EnrollmentRepository {
    prisma;
    constructor(prisma) {
        this.prisma = prisma;
    }
    /** A face of the gallery enrolled from the same image (same sha256), if any. */
    async findFaceByImage(galleryId, imageKey) {
        const face = await this.prisma.face.findFirst({
            where: { imageKey, identity: { galleryId, status: { not: 'ERASED' } } },
            select: { id: true, identityId: true },
            orderBy: { createdAt: 'asc' },
        });
        return face ? { faceId: face.id, identityId: face.identityId } : null;
    }
    /** Inserts the face inside `tx` and returns it without its embedding. */
    async insertFace(tx, face) {
        const rows = await tx.$queryRaw `
      INSERT INTO faces (id, identity_id, image_key, box, landmarks, quality, model_id, embedding)
      VALUES (gen_random_uuid(), ${face.identityId}::uuid, ${face.imageKey}, ${JSON.stringify(face.box)}::jsonb,
              ${JSON.stringify(face.landmarks)}::jsonb, ${JSON.stringify(face.quality)}::jsonb, ${face.modelId},
              ${vectorLiteral(face.embedding)}::vector)
      RETURNING id, identity_id AS "identityId", image_key AS "imageKey", box, landmarks, quality, model_id AS "modelId",
                created_at AS "createdAt"`;
        const row = rows[0];
        if (!row)
            throw new Error('INSERT INTO faces returned no row');
        return row;
    }
}
//# sourceMappingURL=enrollment.repository.js.map