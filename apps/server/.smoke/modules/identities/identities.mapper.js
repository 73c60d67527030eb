export function toIdentityModel(record) {
    return {
        id: record.id,
        galleryId: record.galleryId,
        externalId: record.externalId,
        displayName: record.displayName,
        metadata: record.metadata,
        consentGivenAt: record.consentGivenAt?.toISOString() ?? null,
        consentGivenBy: record.consentGivenBy,
        status: record.status,
        faceCount: record.faceCount,
        createdAt: record.createdAt.toISOString(),
        updatedAt: record.updatedAt.toISOString(),
    };
}
export function toFace(record) {
    return {
        id: record.id,
        imageKey: record.imageKey,
        box: record.box,
        landmarks: record.landmarks,
        quality: record.quality,
        modelId: record.modelId,
        createdAt: record.createdAt.toISOString(),
    };
}
//# sourceMappingURL=identities.mapper.js.map