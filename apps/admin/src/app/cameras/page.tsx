'use client';

// Cameras: each camera's reader state (connecting, live, stalled, failed with the reason), measured
// frames per second and last frame, read again every 2 s; admins add and edit cameras in a dialog (with
// "Test connection"), enable or disable them, and delete them after a confirmation. Below, the live
// view: the latest sightings of every camera (or one), each with its best face crop and the face boxed.
import { useEffect, useState } from 'react';
import { CameraForm } from '../../components/camera-form';
import { CameraSelect, CameraStateBadge } from '../../components/camera-state';
import { CamerasNav } from '../../components/cameras-nav';
import { DataTable, RowButton, type DataColumn } from '../../components/data-table';
import { Dialog } from '../../components/dialog';
import { KeysetPager, useKeysetPages } from '../../components/keyset-pager';
import { QueryStatus } from '../../components/query-status';
import { ConfirmDialog } from '../../components/settings-confirm-dialog';
import { SightingGrid } from '../../components/sighting-card';
import { canManageCameras, canReadSightings } from '../../lib/access';
import { formatDateTime } from '../../lib/format';
import {
  useCameras,
  useCamerasHealth,
  useDeleteCamera,
  useSetCameraEnabled,
  type Camera,
} from '../../queries/cameras';
import { useGalleries } from '../../queries/galleries';
import { useSession } from '../../queries/session';
import { useSightings } from '../../queries/sightings';

const SIGHTINGS_PAGE = 12;

/** Seconds (or minutes) since `iso`, for "last frame 3 s ago". */
function ago(iso: string | null, now: number): string {
  if (!iso) return 'no frame yet';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return formatDateTime(iso);
}

/** The current time, every second, for "ago" texts. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function RecentSightings({ cameras }: { cameras: readonly Camera[] }) {
  const [cameraId, setCameraId] = useState('');
  const pages = useKeysetPages(SIGHTINGS_PAGE, cameraId);
  const sightings = useSightings(cameraId, pages.variables);
  const nodes = sightings.data?.edges.map((edge) => edge.node) ?? [];
  return (
    <section className="settings-section" aria-labelledby="recent-sightings-title">
      <div className="page-head">
        <h2 id="recent-sightings-title">Recent sightings</h2>
      </div>
      <p className="hint">
        One sighting per person passing a camera, newest first; this list follows new ones every few seconds.
        Each shows the best face of the track, outlined.
      </p>
      <div className="toolbar">
        <CameraSelect id="sightings-camera" cameras={cameras} value={cameraId} onChange={setCameraId} />
      </div>
      <QueryStatus query={sightings} loading="Loading sightings…" />
      {sightings.data && nodes.length === 0 && (
        <p className="panel">No sighting yet. They appear here as soon as a live camera sees a face.</p>
      )}
      {nodes.length > 0 && <SightingGrid sightings={nodes} label="Recent sightings" />}
      {sightings.data && (
        <KeysetPager pages={pages} pageInfo={sightings.data.pageInfo} isFetching={sightings.isFetching} />
      )}
    </section>
  );
}

const COLUMNS: readonly DataColumn[] = [
  { label: 'Camera' },
  { label: 'State' },
  { label: 'Frames per second', className: 'num' },
  { label: 'Last frame' },
  { label: 'Watchlist' },
  { label: 'Actions', className: 'row-actions', hidden: true },
];

export default function CamerasPage() {
  const { user } = useSession();
  const role = user?.role ?? null;
  const canManage = canManageCameras(role);
  const cameras = useCameras();
  const health = useCamerasHealth();
  const galleries = useGalleries();
  const setEnabled = useSetCameraEnabled();
  const remove = useDeleteCamera();
  const now = useNow();
  const [editing, setEditing] = useState<Camera | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Camera | null>(null);
  const [message, setMessage] = useState('');

  const galleryName = (id: string) => galleries.data?.find((g) => g.id === id)?.name ?? 'a gallery';
  const ffmpeg = health.data?.ffmpeg;

  return (
    <section aria-labelledby="cameras-title">
      <div className="page-head">
        <h1 id="cameras-title">Cameras</h1>
        {canManage && (
          <button type="button" className="button" onClick={() => setEditing('new')}>
            Add camera
          </button>
        )}
      </div>
      <CamerasNav />
      <p className="muted">
        Each enabled camera is read by the server with ffmpeg at its frames per second; faces are tracked,
        identified against the camera&apos;s watchlist galleries, and a match raises an alert.
      </p>
      {ffmpeg && !ffmpeg.available && (
        <p role="alert" className="panel warn-text">
          Cameras cannot run on this server: {ffmpeg.error ?? `ffmpeg (${ffmpeg.path}) does not run.`}
        </p>
      )}
      <p role="status" className="saved">
        {message}
      </p>
      {setEnabled.error && (
        <p role="alert" className="error">
          {setEnabled.error.message}
        </p>
      )}
      <QueryStatus query={cameras} loading="Loading cameras…" />
      {cameras.data?.length === 0 && (
        <p className="panel">
          No camera yet.{' '}
          {canManage ? 'Add one with its stream URL or a video file.' : 'An admin adds cameras.'}
        </p>
      )}
      {cameras.data && cameras.data.length > 0 && (
        <DataTable caption="Cameras" columns={COLUMNS} className="stack-on-phone cameras-table">
          {cameras.data.map((camera) => (
            <tr key={camera.id} data-camera-id={camera.id}>
              <th scope="row">
                {camera.name}
                <div>
                  <code className="muted small camera-source">{camera.sourceUrl}</code>
                </div>
              </th>
              <td>
                <CameraStateBadge state={camera.state} />
                {camera.stateReason && <div className="small camera-reason">{camera.stateReason}</div>}
              </td>
              <td className="num nowrap">
                <span className="phone-only">Frames per second </span>
                {camera.measuredFps.toFixed(1)} <span className="muted small">of {camera.fps}</span>
                {camera.framesDropped > 0 && (
                  <div className="muted small">{camera.framesDropped} skipped</div>
                )}
              </td>
              <td className="small nowrap">
                <span className="phone-only">Last frame </span>
                {camera.enabled || camera.lastFrameAt ? ago(camera.lastFrameAt, now) : '—'}
              </td>
              <td className="small">
                {camera.galleryIds.length === 0 ? (
                  <span className="muted">No watchlist</span>
                ) : (
                  camera.galleryIds.map(galleryName).join(', ')
                )}
              </td>
              <td className="row-actions">
                {canManage && (
                  <div className="actions">
                    <RowButton label="Edit" about={camera.name} onClick={() => setEditing(camera)} />
                    <RowButton
                      label={camera.enabled ? 'Disable' : 'Enable'}
                      about={camera.name}
                      onClick={() =>
                        setEnabled.mutate(
                          { id: camera.id, enabled: !camera.enabled },
                          {
                            onSuccess: (saved) =>
                              setMessage(`${saved.enabled ? 'Enabled' : 'Disabled'} ${saved.name}.`),
                          },
                        )
                      }
                    />
                    <RowButton
                      label="Delete"
                      about={camera.name}
                      danger
                      onClick={() => {
                        remove.reset();
                        setDeleting(camera);
                      }}
                    />
                  </div>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {canReadSightings(role) && <RecentSightings cameras={cameras.data ?? []} />}
      <Dialog
        open={editing !== null}
        title={editing === 'new' || editing === null ? 'Add camera' : `Edit ${editing.name}`}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <CameraForm
            camera={editing === 'new' ? null : editing}
            onSaved={(saved) => {
              setMessage(`${editing === 'new' ? 'Added' : 'Saved'} ${saved.name}.`);
              setEditing(null);
            }}
            onCancel={() => setEditing(null)}
          />
        )}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the camera ${deleting?.name ?? ''}?`}
        confirmLabel="Delete camera"
        pendingLabel="Deleting…"
        danger
        isPending={remove.isPending}
        error={remove.error?.message ?? null}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              setMessage(`Deleted ${deleting.name}.`);
              setDeleting(null);
            },
          })
        }
      >
        <p>
          Its reader stops, and its sightings and alerts are deleted with it. This cannot be undone; to only
          stop it, disable it instead.
        </p>
      </ConfirmDialog>
    </section>
  );
}
