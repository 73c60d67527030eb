// Turns a chosen photo into the API's ImageInput: inline base64 for ordinary photos, an upload id
// from POST /api/uploads for big ones (GraphQL bodies carry at most 10 MB of base64).
import { ApiError, apiErrorOf, type ApiErrorBody } from './api-error';

/** Images up to this size go inline as base64; bigger ones through POST /api/uploads. */
const INLINE_LIMIT_BYTES = 7 * 1024 * 1024;

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error('The file could not be read; choose it again.'));
    reader.readAsDataURL(file);
  });
}

async function uploadImage(file: File): Promise<string> {
  const form = new FormData();
  form.append('image', file);
  const response = await fetch('/api/uploads', { method: 'POST', body: form, credentials: 'same-origin' });
  const body = (await response.json().catch(() => null)) as ({ uploadId?: string } & ApiErrorBody) | null;
  if (!response.ok || !body?.uploadId) {
    throw (
      apiErrorOf(body) ?? new ApiError(`The upload failed (HTTP ${response.status}); try again.`, 'UPLOAD')
    );
  }
  return body.uploadId;
}

/** The ImageInput for `file`: `{ base64 }` or, for photos over 7 MB, `{ uploadId }`. */
export async function toImageInput(file: File): Promise<{ base64: string } | { uploadId: string }> {
  return file.size > INLINE_LIMIT_BYTES
    ? { uploadId: await uploadImage(file) }
    : { base64: await readAsDataUrl(file) };
}
