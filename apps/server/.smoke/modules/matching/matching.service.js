import { AppError, ErrorCode } from '../../shared/app-error.js';
import { actorRef } from '../auth/actor.js';
import { authorize, authorizeGallery } from '../auth/permissions.js';
import { toDetectedFace, toFaceModel, toIdentityModel } from './recognition-models.js';
export const DEFAULT_MATCHING_SETTINGS = Object.freeze({
    negativeExemplarSimilarity: 0.9,
    overFetchFactor: 10,
    maxTopK: 50,
});
/**
 * Aggregation rule of identify: an identity's score is the score of its best (most similar) face
 * among the faces read; identities are ranked by that score and the first `topK` kept.
 */
export function rankByBestFace(hits, topK) {
    const best = new Map();
    for (const hit of hits) {
        const seen = best.get(hit.identityId);
        if (!seen || hit.score > seen.score)
            best.set(hit.identityId, hit);
    }
    return [...best.values()]
        .sort((a, b) => b.score - a.score)
        .slice(0, topK)
        .map((hit, i) => ({ identityId: hit.identityId, faceId: hit.faceId, score: hit.score, rank: i + 1 }));
}
/** The MATCH of a ranked list: the first candidate at or above the threshold that no negative exemplar demoted. */
export function pickMatch(candidates, threshold, demoted) {
    return candidates.find((c) => c.score >= threshold && !demoted.has(c.identityId)) ?? null;
}
/** Cosine similarity of two embeddings. */
export function cosine(a, b) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
        const x = a[i] ?? 0;
        const y = b[i] ?? 0;
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
function requester(actor) {
    return {
        requesterUserId: actor.kind === 'user' ? actor.userId : null,
        requesterKeyId: actor.kind === 'apiKey' ? actor.keyId : null,
    };
}
function embeddingOf(face) {
    if (!face.embedding)
        throw new Error('The engine returned a face without an embedding although one was asked for.');
    return face.embedding;
}
function checkThreshold(value) {
    if (value == null)
        return null;
    if (!Number.isFinite(value) || value <= 0 || value >= 1) {
        throw new AppError(ErrorCode.BAD_INPUT, 'threshold must be greater than 0 and less than 1, such as 0.9; leave it out for the default.', { field: 'threshold' });
    }
    return value;
}
function galleryNotFound(id) {
    return new AppError(ErrorCode.NOT_FOUND, `No gallery has id ${id}; list galleries to find its id.`, { id });
}
function identityNotFound(id) {
    return new AppError(ErrorCode.NOT_FOUND, `No identity has id ${id}; search identities to find its id.`, { id });
}
export class MatchingService {
    deps;
    settings;
    constructor(deps, settings = {}) {
        this.deps = deps;
        this.settings = { ...DEFAULT_MATCHING_SETTINGS, ...settings };
    }
    /** Who is this? Ranked candidates and a decision for every face of the image. */
    async identify(actor, args) {
        authorize(actor, 'faces.identify');
        const topK = args.topK ?? 5;
        if (!Number.isInteger(topK) || topK < 1 || topK > this.settings.maxTopK) {
            throw new AppError(ErrorCode.BAD_INPUT, `topK must be a whole number from 1 to ${this.settings.maxTopK}.`, { field: 'topK' });
        }
        const requested = checkThreshold(args.threshold);
        const gallery = await this.deps.galleries.findById(args.galleryId);
        if (!gallery)
            throw galleryNotFound(args.galleryId);
        authorizeGallery(actor, gallery.id);
        const threshold = requested ?? gallery.matchThreshold;
        const probe = await this.deps.uploads.resolve(actor, args.image);
        const started = performance.now();
        const analysis = await this.deps.recognition.analyze(probe.bytes, { modelId: gallery.embeddingModelId });
        const { dims } = this.deps.recognition.modelInfo(gallery.embeddingModelId);
        const perFace = [];
        for (const face of analysis.faces) {
            const embedding = embeddingOf(face);
            const hits = await this.deps.matching.searchGallery({
                galleryId: gallery.id,
                modelId: gallery.embeddingModelId,
                embedding,
                dims,
                limit: topK * this.settings.overFetchFactor,
                activeOnly: true,
            });
            const candidates = rankByBestFace(hits, topK);
            const demoted = await this.demotedAmong(candidates, threshold, embedding, dims);
            perFace.push({ face, embedding, candidates, demoted, match: pickMatch(candidates, threshold, demoted) });
        }
        const latencyMs = Math.round(performance.now() - started);
        const imageKey = await this.keepProbe(gallery, probe);
        const eventIds = await this.deps.audit.withEntry(async (tx) => {
            const common = {
                kind: 'IDENTIFY',
                galleryId: gallery.id,
                probeImageKey: imageKey,
                probeSha256: probe.sha256,
                ...requester(actor),
                threshold,
                modelId: gallery.embeddingModelId,
                latencyMs,
            };
            const ids = [];
            if (perFace.length === 0) {
                ids.push(await this.deps.matching.createEvent(tx, { ...common, decision: 'UNKNOWN', probeEmbedding: null, candidates: [] }));
            }
            for (const f of perFace) {
                ids.push(await this.deps.matching.createEvent(tx, {
                    ...common,
                    decision: f.match ? 'MATCH' : 'UNKNOWN',
                    probeEmbedding: f.embedding,
                    candidates: f.candidates.map(({ identityId, faceId, score, rank }) => ({ identityId, faceId, score, rank })),
                }));
            }
            return {
                result: ids,
                audit: {
                    actor: actorRef(actor),
                    action: 'faces.identify',
                    subject: `gallery:${gallery.id}`,
                    payload: {
                        eventIds: ids,
                        faces: perFace.length,
                        decisions: perFace.map((f) => (f.match ? 'MATCH' : 'UNKNOWN')),
                        matchedIdentityIds: perFace.map((f) => f.match?.identityId ?? null),
                        threshold,
                        modelId: gallery.embeddingModelId,
                        probeSha256: probe.sha256,
                        latencyMs,
                    },
                },
            };
        });
        const allCandidates = perFace.flatMap((f) => f.candidates);
        const { identities, faces } = await this.loadModels(allCandidates.map((c) => c.identityId), allCandidates.map((c) => c.faceId));
        return {
            galleryId: gallery.id,
            threshold,
            modelId: gallery.embeddingModelId,
            latencyMs,
            faces: perFace.map((f, i) => {
                const candidates = f.candidates.flatMap((c) => {
                    const identity = identities.get(c.identityId);
                    return identity
                        ? [{ rank: c.rank, identity, score: c.score, face: faces.get(c.faceId) ?? null, demoted: f.demoted.has(c.identityId) }]
                        : [];
                });
                return {
                    eventId: eventIds[i] ?? '',
                    face: toDetectedFace(f.face),
                    decision: f.match ? 'MATCH' : 'UNKNOWN',
                    identity: f.match ? (identities.get(f.match.identityId) ?? null) : null,
                    score: f.match?.score ?? null,
                    candidates,
                };
            }),
        };
    }
    /** Is this the identity? The image's largest face against the identity's faces. */
    async verify(actor, args) {
        authorize(actor, 'faces.verify');
        const requested = checkThreshold(args.threshold);
        const identity = await this.deps.identities.findById(args.identityId);
        if (!identity || identity.status === 'ERASED')
            throw identityNotFound(args.identityId);
        const gallery = await this.deps.galleries.findById(identity.galleryId);
        if (!gallery)
            throw galleryNotFound(identity.galleryId);
        authorizeGallery(actor, gallery.id);
        const threshold = requested ?? gallery.matchThreshold;
        const probe = await this.deps.uploads.resolve(actor, args.image);
        const started = performance.now();
        const analysis = await this.deps.recognition.analyze(probe.bytes, { modelId: gallery.embeddingModelId });
        const { dims } = this.deps.recognition.modelInfo(gallery.embeddingModelId);
        const face = analysis.faces[0] ?? null;
        const embedding = face ? embeddingOf(face) : null;
        const best = embedding ? await this.deps.matching.bestFaceOfIdentity(identity.id, gallery.embeddingModelId, embedding, dims) : null;
        const demoted = embedding !== null && best !== null && best.score >= threshold
            ? (await this.deps.matching.identitiesRejectedNear([identity.id], embedding, dims, this.settings.negativeExemplarSimilarity)).has(identity.id)
            : false;
        let decision = 'NO_MATCH';
        if (!face)
            decision = 'UNKNOWN';
        else if (best && best.score >= threshold && !demoted && identity.status === 'ACTIVE')
            decision = 'MATCH';
        const latencyMs = Math.round(performance.now() - started);
        const imageKey = await this.keepProbe(gallery, probe);
        const eventId = await this.deps.audit.withEntry(async (tx) => {
            const id = await this.deps.matching.createEvent(tx, {
                kind: 'VERIFY',
                galleryId: gallery.id,
                probeImageKey: imageKey,
                probeSha256: probe.sha256,
                ...requester(actor),
                threshold,
                modelId: gallery.embeddingModelId,
                decision,
                latencyMs,
                probeEmbedding: embedding,
                candidates: best ? [{ identityId: identity.id, faceId: best.faceId, score: best.score, rank: 1 }] : [],
            });
            return {
                result: id,
                audit: {
                    actor: actorRef(actor),
                    action: 'faces.verify',
                    subject: `identity:${identity.id}`,
                    payload: { eventId: id, galleryId: gallery.id, decision, score: best?.score ?? null, threshold, demoted, probeSha256: probe.sha256, latencyMs },
                },
            };
        });
        const bestFace = best ? ((await this.deps.matching.findFaces([best.faceId]))[0] ?? null) : null;
        return {
            eventId,
            match: decision === 'MATCH',
            decision,
            score: best?.score ?? null,
            threshold,
            modelId: gallery.embeddingModelId,
            latencyMs,
            face: face ? toDetectedFace(face) : null,
            bestFace: bestFace ? toFaceModel(bestFace) : null,
            demoted,
        };
    }
    /** Do two images show the same person? The largest face of each, with the engine's default model. */
    async compareFaces(actor, args) {
        authorize(actor, 'faces.verify');
        const requested = checkThreshold(args.threshold);
        const a = await this.deps.uploads.resolve(actor, args.imageA, 'imageA');
        const b = await this.deps.uploads.resolve(actor, args.imageB, 'imageB');
        const modelId = this.deps.recognition.defaultModelId();
        const threshold = requested ?? this.deps.recognition.modelInfo(modelId).threshold;
        const started = performance.now();
        const [resultA, resultB] = await Promise.all([
            this.deps.recognition.analyze(a.bytes, { modelId }),
            this.deps.recognition.analyze(b.bytes, { modelId }),
        ]);
        const faceA = resultA.faces[0] ?? null;
        const faceB = resultB.faces[0] ?? null;
        const embeddingA = faceA ? embeddingOf(faceA) : null;
        const score = embeddingA && faceB ? cosine(embeddingA, embeddingOf(faceB)) : null;
        const decision = score === null ? 'UNKNOWN' : score >= threshold ? 'MATCH' : 'NO_MATCH';
        const latencyMs = Math.round(performance.now() - started);
        // No gallery, so no retention period: compare keeps only the sha256 of its images, never the images.
        const eventId = await this.deps.audit.withEntry(async (tx) => {
            const id = await this.deps.matching.createEvent(tx, {
                kind: 'COMPARE',
                galleryId: null,
                probeImageKey: null,
                probeSha256: a.sha256,
                ...requester(actor),
                threshold,
                modelId,
                decision,
                latencyMs,
                probeEmbedding: embeddingA,
                candidates: [],
            });
            return {
                result: id,
                audit: {
                    actor: actorRef(actor),
                    action: 'faces.compare',
                    subject: `matchEvent:${id}`,
                    payload: { decision, score, threshold, modelId, sha256A: a.sha256, sha256B: b.sha256, latencyMs },
                },
            };
        });
        return {
            eventId,
            match: decision === 'MATCH',
            decision,
            score,
            threshold,
            modelId,
            latencyMs,
            faceA: faceA ? toDetectedFace(faceA) : null,
            faceB: faceB ? toDetectedFace(faceB) : null,
        };
    }
    /** Every face of the image with quality and spoof scores; no embeddings, nothing stored but the event. */
    async detectFaces(actor, args) {
        authorize(actor, 'faces.detect');
        const probe = await this.deps.uploads.resolve(actor, args.image);
        const started = performance.now();
        const analysis = await this.deps.recognition.analyze(probe.bytes, { embed: false });
        const latencyMs = Math.round(performance.now() - started);
        const modelId = this.deps.recognition.detectorName();
        const eventId = await this.deps.audit.withEntry(async (tx) => {
            const id = await this.deps.matching.createEvent(tx, {
                kind: 'DETECT',
                galleryId: null,
                probeImageKey: null,
                probeSha256: probe.sha256,
                ...requester(actor),
                threshold: null,
                modelId,
                decision: 'UNKNOWN',
                latencyMs,
                probeEmbedding: null,
                candidates: [],
            });
            return {
                result: id,
                audit: {
                    actor: actorRef(actor),
                    action: 'faces.detect',
                    subject: `matchEvent:${id}`,
                    payload: { faces: analysis.faces.length, modelId, probeSha256: probe.sha256, latencyMs },
                },
            };
        });
        return { eventId, width: analysis.width, height: analysis.height, faces: analysis.faces.map(toDetectedFace), latencyMs };
    }
    /**
     * The retention job: clears the probe image of every event older than its gallery's
     * probeRetentionDays at `now` and deletes the image unless an enrolled face, another event or a
     * pending upload still uses it. Writes one audit entry when anything expired.
     */
    async purgeExpiredProbes(actor, now) {
        if (actor.kind !== 'system')
            throw new AppError(ErrorCode.FORBIDDEN, 'Only the server itself purges probe images.');
        if ((await this.deps.matching.countExpiredProbeImages(now)) === 0)
            return { eventsCleared: 0, imagesDeleted: 0 };
        const expired = await this.deps.audit.withEntry(async (tx) => {
            const rows = await this.deps.matching.expireProbeImages(tx, now);
            return {
                result: rows,
                audit: {
                    actor: actorRef(actor),
                    action: 'matchEvents.purgeProbes',
                    subject: 'matchEvents',
                    payload: { eventsCleared: rows.length, imageKeys: [...new Set(rows.map((r) => r.imageKey))], at: now.toISOString() },
                },
            };
        });
        const keys = [...new Set(expired.map((r) => r.imageKey))].filter((key) => !this.deps.uploads.isPending(key));
        const deleted = await this.deps.images.deleteUnreferenced(keys);
        return { eventsCleared: expired.length, imagesDeleted: deleted.length };
    }
    /** Candidates at or above the threshold that a negative exemplar rules out. */
    async demotedAmong(candidates, threshold, embedding, dims) {
        const contenders = candidates.filter((c) => c.score >= threshold).map((c) => c.identityId);
        return this.deps.matching.identitiesRejectedNear(contenders, embedding, dims, this.settings.negativeExemplarSimilarity);
    }
    /** Stores the probe image when the gallery keeps probes; returns its key or null. */
    async keepProbe(gallery, probe) {
        return gallery.probeRetentionDays > 0 ? this.deps.images.put(probe.bytes) : null;
    }
    async loadModels(identityIds, faceIds) {
        const [identityRows, faceRows] = await Promise.all([
            this.deps.identities.findByIds([...new Set(identityIds)]),
            this.deps.matching.findFaces(faceIds),
        ]);
        return {
            identities: new Map(identityRows.map((r) => [r.id, toIdentityModel(r)])),
            faces: new Map(faceRows.map((r) => [r.id, toFaceModel(r)])),
        };
    }
}
//# sourceMappingURL=matching.service.js.map