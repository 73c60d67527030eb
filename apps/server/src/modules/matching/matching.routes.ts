// POST /api/detect, /api/identify and /api/verify: the recognition mutations as plain multipart
// routes, so a camera or door controller can post a JPEG (field "image") without base64 or GraphQL.
// Same caller rules as GraphQL (checked from the headers before the body is read), same service
// calls (so the same match events, audit entries, live feed and webhooks), and the JSON is the
// mutation's result type with every personal field the caller may not read set to null.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { assertWithinPixelLimit } from '../../shared/image-limits.js';
import {
  formOf,
  receiveMultipart,
  requireCaller,
  requiredFile,
  requiredText,
  type ReceivedForm,
} from '../../shared/multipart.js';
import type { Actor } from '../auth/actor.js';
import {
  authorize,
  FIELD_PERMISSIONS,
  isAllowed,
  type GuardedType,
  type Permission,
} from '../auth/permissions.js';
import { actorOf } from '../auth/request-actor.js';
import { MAX_BASE64_IMAGE_BYTES } from '../uploads/uploads.service.js';
import type { MatchingService } from './matching.service.js';

/**
 * Largest image of these routes: the same as an inline (base64) image of the mutations; bigger
 * images go through POST /api/uploads and the GraphQL mutations.
 */
export const MAX_MATCHING_IMAGE_BYTES = MAX_BASE64_IMAGE_BYTES;
/** Largest body: the image and 1 MB of multipart framing and text fields. */
export const MAX_MATCHING_REQUEST_BYTES = MAX_MATCHING_IMAGE_BYTES + 1024 * 1024;

/** A route's form fields besides "image", and the permission checked before its body is read. */
interface RouteSpec {
  permission: Permission;
  textFields: readonly string[];
}

function multipartOf(spec: RouteSpec): RequestHandler[] {
  return [
    requireCaller((actor) => authorize(actor, spec.permission)),
    receiveMultipart({
      files: [{ name: 'image', maxCount: 1, maxBytes: MAX_MATCHING_IMAGE_BYTES }],
      textFields: spec.textFields,
      maxRequestBytes: MAX_MATCHING_REQUEST_BYTES,
    }),
  ];
}

/** What to tell a caller who left out a form field the route needs. */
const sendField = (field: string, what: string): string => `Send the form field "${field}": ${what}.`;

/** The photo of the form, as the bytes the route read; BAD_INPUT without one, BAD_IMAGE when empty or over the pixel limit. */
async function imageOf(form: ReceivedForm): Promise<{ bytes: Uint8Array }> {
  const file = requiredFile(
    form,
    'image',
    sendField('image', 'the photo as a file of multipart/form-data (curl: -F image=@photo.jpg)'),
  );
  if (file.size === 0)
    throw new AppError(ErrorCode.BAD_IMAGE, 'The file in "image" is empty; send the photo itself.', {
      field: 'image',
    });
  const bytes = await form.read(file);
  await assertWithinPixelLimit(bytes);
  return { bytes };
}

/** An optional number field; BAD_INPUT naming it when it is not a number (the service checks the range). */
function optionalNumber(form: ReceivedForm, field: string, example: string): number | null {
  const value = form.text(field);
  if (!value) return null;
  const number = Number(value);
  if (!Number.isFinite(number))
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `"${field}" must be a number, such as ${example}; leave it out for the default.`,
      {
        field,
      },
    );
  return number;
}

/** `value` with each personal field of `typeName` the actor may not read set to null, as GraphQL answers it. */
function guarded<T extends object>(actor: Actor, typeName: GuardedType, value: T): T {
  const shown = { ...value } as Record<string, unknown>;
  for (const [field, permission] of Object.entries(FIELD_PERMISSIONS[typeName]) as Array<
    [string, Permission]
  >)
    if (field in shown && !isAllowed(actor, permission)) shown[field] = null;
  return shown as T;
}

const guardedOrNull = <T extends object>(actor: Actor, typeName: GuardedType, value: T | null | undefined) =>
  value ? guarded(actor, typeName, value) : null;

/** What a route does with its form: the caller, the image (as ImageInput) and the text fields. */
type Handler = (actor: Actor, image: { bytes: Uint8Array }, form: ReceivedForm) => Promise<unknown>;

export function createMatchingRouter(matching: MatchingService): Router {
  const router = Router();
  const route = (path: string, spec: RouteSpec, handle: Handler): void => {
    router.post(path, ...multipartOf(spec), async (_req: Request, res: Response) => {
      const form = formOf(res);
      res.json(await handle(actorOf(res), await imageOf(form), form));
    });
  };

  route('/detect', { permission: 'faces.detect', textFields: [] }, (actor, image) =>
    matching.detectFaces(actor, { image }),
  );

  route(
    '/identify',
    { permission: 'faces.identify', textFields: ['galleryId', 'topK', 'threshold'] },
    async (actor, image, form) => {
      const result = await matching.identify(actor, {
        galleryId: requiredText(form, 'galleryId', sendField('galleryId', 'the id of the gallery to search')),
        image,
        topK: optionalNumber(form, 'topK', '5'),
        threshold: optionalNumber(form, 'threshold', '0.97'),
      });
      return {
        ...result,
        faces: result.faces.map((face) => ({
          ...face,
          identity: guardedOrNull(actor, 'Identity', face.identity),
          candidates: face.candidates.map((c) => ({
            ...c,
            identity: guarded(actor, 'Identity', c.identity),
            face: guardedOrNull(actor, 'Face', c.face),
          })),
        })),
      };
    },
  );

  route(
    '/verify',
    { permission: 'faces.verify', textFields: ['identityId', 'threshold'] },
    async (actor, image, form) => {
      const result = await matching.verify(actor, {
        identityId: requiredText(
          form,
          'identityId',
          sendField('identityId', 'the id of the identity to compare with'),
        ),
        image,
        threshold: optionalNumber(form, 'threshold', '0.91'),
      });
      return { ...result, bestFace: guardedOrNull(actor, 'Face', result.bestFace) };
    },
  );

  return router;
}
