// A camera reader's state as a badge, with plain words for each.
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
