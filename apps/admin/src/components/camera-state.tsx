// A camera reader's state as a badge, with plain words for each; and the filter by camera.
import type { CameraState } from '@faceledger/schema/client';

const STATES: Record<CameraState, { label: string; className: string; hint: string }> = {
  CONNECTING: { label: 'Connecting', className: 'badge-warn', hint: 'Started; no frame has arrived yet.' },
  LIVE: { label: 'Live', className: 'badge-ok', hint: 'Frames are arriving.' },
  STALLED: {
    label: 'Stalled',
    className: 'badge-bad',
    hint: 'No frame for a while; the reader keeps reconnecting.',
  },
  FAILED: {
    label: 'Failed',
    className: 'badge-bad',
    hint: 'The source could not be read; the reader keeps retrying.',
  },
  STOPPED: { label: 'Disabled', className: 'badge-muted', hint: 'Disabled: nothing is read.' },
};

export function CameraStateBadge({ state }: { state: CameraState }) {
  const { label, className, hint } = STATES[state];
  return (
    <span className={`badge ${className}`} title={hint}>
      {label}
    </span>
  );
}

/** What the state means, in a sentence. */
export function cameraStateHint(state: CameraState): string {
  return STATES[state].hint;
}

/** A filter by camera: "All cameras" ('') or one of `cameras`. */
export function CameraSelect({
  id,
  cameras,
  value,
  onChange,
}: {
  id: string;
  cameras: ReadonlyArray<{ id: string; name: string }>;
  value: string;
  onChange: (cameraId: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>Camera</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All cameras</option>
        {cameras.map((camera) => (
          <option key={camera.id} value={camera.id}>
            {camera.name}
          </option>
        ))}
      </select>
    </div>
  );
}
