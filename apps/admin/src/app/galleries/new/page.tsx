'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { GalleryForm } from '../../../components/gallery-form';
import { focusWhenShown } from '../../../lib/focus';
import { useCreateGallery } from '../../../queries/galleries';

export default function NewGalleryPage() {
  const router = useRouter();
  const create = useCreateGallery();
  return (
    <section aria-labelledby="new-gallery-title">
      <p>
        <Link href="/galleries">← Galleries</Link>
      </p>
      <h1 id="new-gallery-title">New gallery</h1>
      <GalleryForm
        submitLabel="Create gallery"
        pendingLabel="Creating…"
        isPending={create.isPending}
        error={create.error}
        onSubmit={(values) =>
          create.mutate(
            { ...values, embeddingModelId: values.embeddingModelId },
            {
              onSuccess: ({ id }) => {
                // Back on the list, focus the new gallery's row (its name link), not <body>.
                focusWhenShown(`[data-gallery-id="${id}"] th a`);
                router.push('/galleries');
              },
            },
          )
        }
      />
    </section>
  );
}
