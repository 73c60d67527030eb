'use client';

// An image with a face box drawn over it: an SVG whose viewBox is the original image's pixel space
// (where the API gives boxes), so the box lines up at any display size.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

/** A face box in source-image pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Reads a box from the API's JSON ({ x, y, width, height }); null when it is not one. */
export function boxOf(value: unknown): Box | null {
  if (!value || typeof value !== 'object') return null;
  const { x, y, width, height } = value as Record<string, unknown>;
  if ([x, y, width, height].every((n) => typeof n === 'number' && Number.isFinite(n))) {
    return { x: x as number, y: y as number, width: width as number, height: height as number };
  }
  return null;
}

/** An image URL with the original's pixel size, and the boxes to draw over it. */
export function BoxedImage({
  src,
  width,
  height,
  boxes,
  label,
}: {
  src: string;
  width: number;
  height: number;
  boxes: readonly Box[];
  label: string;
}) {
  return (
    <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">
      <image href={src} x={0} y={0} width={width} height={height} />
      {boxes.map((box, index) => (
        <rect
          key={index}
          x={box.x}
          y={box.y}
          width={box.width}
          height={box.height}
          fill="none"
          stroke="#22d36b"
          strokeWidth={3}
          vectorEffect="non-scaling-stroke"
        />
      ))}
    </svg>
  );
}

interface Thumbnail {
  blob: Blob;
  width: number | null;
  height: number | null;
}

async function fetchThumbnail(key: string, size: number): Promise<Thumbnail> {
  const response = await fetch(`/api/images/${key}/thumbnail?size=${size}`, { credentials: 'same-origin' });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { errors?: Array<{ message?: string }> } | null;
    throw new Error(body?.errors?.[0]?.message ?? `The image could not be loaded (HTTP ${response.status}).`);
  }
  const dimension = (name: string) => {
    const value = Number(response.headers.get(name));
    return Number.isFinite(value) && value > 0 ? value : null;
  };
  return { blob: await response.blob(), width: dimension('x-image-width'), height: dimension('x-image-height') };
}

function useObjectUrl(blob: Blob | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) return;
    const next = URL.createObjectURL(blob);
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [blob]);
  return url;
}

/** A stored image's thumbnail (GET /api/images/:key/thumbnail) with a face box over it. */
export function StoredFaceImage({ imageKey, box, label, size = 256 }: { imageKey: string; box: Box | null; label: string; size?: number }) {
  const { data, error } = useQuery({
    queryKey: ['thumbnail', imageKey, size],
    queryFn: () => fetchThumbnail(imageKey, size),
    staleTime: Infinity,
  });
  const url = useObjectUrl(data?.blob);
  if (error) {
    return (
      <p className="error small" role="alert">
        {error.message}
      </p>
    );
  }
  if (!data || !url) return <span className="muted small">Loading image…</span>;
  if (data.width === null || data.height === null) {
    return <img src={url} alt={label} style={{ maxWidth: '100%' }} />;
  }
  return <BoxedImage src={url} width={data.width} height={data.height} boxes={box ? [box] : []} label={label} />;
}
