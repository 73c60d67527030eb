'use client';

// Alerts (ADMIN, REVIEWER): watchlist matches and unknown people seen again, newest first, at most one
// per track and per person and camera within the cool-down; the first page follows new ones every few
// seconds. Each shows the sighting that raised it: the best face crop with the face outlined.
import type { AlertKind } from '@faceledger/schema/client';
import { useState } from 'react';
import { CameraSelect } from '../../../components/camera-state';
import { CamerasNav } from '../../../components/cameras-nav';
import { KeysetPager, useKeysetPages } from '../../../components/keyset-pager';
import { QueryStatus } from '../../../components/query-status';
import { SightingCard } from '../../../components/sighting-card';
import { formatDateTime } from '../../../lib/format';
import { useCameras } from '../../../queries/cameras';
import { useAlerts } from '../../../queries/sightings';

const PAGE_SIZE = 12;

const KINDS: Record<AlertKind, { label: string; className: string }> = {
  WATCHLIST_MATCH: { label: 'Watchlist match', className: 'badge-bad' },
  REPEATED_UNKNOWN: { label: 'Unknown person seen again', className: 'badge-warn' },
};

export default function AlertsPage() {
  const cameras = useCameras();
  const [cameraId, setCameraId] = useState('');
  const [kind, setKind] = useState<AlertKind | ''>('');
  const pages = useKeysetPages(PAGE_SIZE, `${cameraId}|${kind}`);
  const alerts = useAlerts(cameraId, kind || null, pages.variables);
  const nodes = alerts.data?.edges.map((edge) => edge.node) ?? [];

  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <CamerasNav />
      <p className="muted">
        A watchlist match (a camera saw someone of its watchlist galleries) or an unknown person seen again.
        Newest first; new alerts appear here within seconds, and are also sent to webhooks and MQTT.
      </p>
      <div className="toolbar">
        <CameraSelect
          id="alerts-camera"
          cameras={cameras.data ?? []}
          value={cameraId}
          onChange={setCameraId}
        />
        <div className="field">
          <label htmlFor="alerts-kind">Kind</label>
          <select id="alerts-kind" value={kind} onChange={(e) => setKind(e.target.value as AlertKind | '')}>
            <option value="">Both kinds</option>
            {(Object.keys(KINDS) as AlertKind[]).map((k) => (
              <option key={k} value={k}>
                {KINDS[k].label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <QueryStatus query={alerts} loading="Loading alerts…" />
      {alerts.data && nodes.length === 0 && (
        <p className="panel">No alert{cameraId || kind ? ' matches these filters' : ' yet'}.</p>
      )}
      {nodes.length > 0 && (
        <ul className="faces sighting-grid" aria-label="Alerts">
          {nodes.map((alert) => (
            <li key={alert.id} className="alert-item">
              <p className="alert-kind">
                <span className={`badge ${KINDS[alert.kind].className}`}>{KINDS[alert.kind].label}</span>{' '}
                <time className="small muted" dateTime={alert.createdAt}>
                  {formatDateTime(alert.createdAt)}
                </time>
              </p>
              <SightingCard sighting={alert.sighting} />
            </li>
          ))}
        </ul>
      )}
      {alerts.data && (
        <KeysetPager pages={pages} pageInfo={alerts.data.pageInfo} isFetching={alerts.isFetching} />
      )}
    </section>
  );
}
