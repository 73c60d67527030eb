// react-query hook over the typed identify document, with the probe sent inline or through /api/uploads.
import { IdentifyDocument, type IdentifyMutation } from '@faceledger/schema/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, request } from '../lib/graphql-client';

/** The result of one identify call. */
export type IdentifyResult = IdentifyMutation['identify'];

/** Images up to this size go inline as base64 (the API takes 10 MB); bigger ones through POST /api/uploads. */
const INLINE_LIMIT_BYTES = 7 * 1024 * 1024;

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error('The file could not be read; choose it again.'));
    reader.readAsDataURL(file);
  });
}

async function uploadProbe(file: File): Promise<string> {
  const form = new FormData();
  form.append('image', file);
  const response = await fetch('/api/uploads', { method: 'POST', body: form, credentials: 'same-origin' });
  const body = (await response.json().catch(() => null)) as {
    uploadId?: string;
    message?: string;
    errors?: Array<{ message?: string }>;
  } | null;
  if (!response.ok || !body?.uploadId) {
    throw new ApiError(
      body?.errors?.[0]?.message ??
        body?.message ??
        `The upload failed (HTTP ${response.status}); try again.`,
      'UPLOAD',
    );
  }
  return body.uploadId;
}

export interface IdentifyVariables {
  galleryId: string;
  file: File;
  topK: number;
  /** null: the gallery's own threshold. */
  threshold: number | null;
}

export function useIdentify() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ galleryId, file, topK, threshold }: IdentifyVariables) => {
      const image =
        file.size > INLINE_LIMIT_BYTES
          ? { uploadId: await uploadProbe(file) }
          : { base64: await readAsDataUrl(file) };
      return (await request(IdentifyDocument, { galleryId, image, topK, threshold })).identify;
    },
    // Each call records match events: a queue that is open elsewhere should see them.
    onSuccess: () => client.invalidateQueries({ queryKey: ['reviewQueue'] }),
  });
}
