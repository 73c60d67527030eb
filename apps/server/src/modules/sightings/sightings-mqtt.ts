// What the server publishes to MQTT (docs/API.md "MQTT"), in the style Frigate and Double Take users
// already consume: every alert on `<prefix>/alerts`, every sighting on
// `<prefix>/cameras/<camera>/sightings`, and the camera's last sighting retained on
// `<prefix>/cameras/<camera>`, so a new subscriber (a Home Assistant sensor) gets it at once.
// services.ts subscribes it to SightingRecorded and AlertRaised in the committing process only, so
// each message is published once however many server processes run.
import type { AlertRaised, SightingRecorded } from '../../infrastructure/events/domain-events.js';
import type { MqttSink } from '../../infrastructure/mqtt/mqtt-publisher.js';

/** A camera name as one topic level: MQTT's wildcards, level separator and spaces become "_". */
export function cameraTopicName(name: string): string {
  const level = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_');
  return level.length > 0 ? level : '_';
}

/** The label a sighting shows: the identity's name, or "unknown #N". */
function labelOf(event: Pick<SightingRecorded, 'identity' | 'cluster'>): string | null {
  if (event.identity) return event.identity.displayName;
  return event.cluster ? `unknown #${event.cluster.number}` : null;
}

/** Publishes one committed sighting or alert. Returns at once (the sink never blocks). */
export function publishSightingEvent(sink: MqttSink, event: SightingRecorded | AlertRaised): void {
  const camera = cameraTopicName(event.cameraName);
  if (event.type === 'AlertRaised') {
    const { type: _type, ...alert } = event;
    sink.publish('alerts', { ...alert, label: labelOf(event) }, { qos: 1 });
    return;
  }
  const { type: _type, ...sighting } = event;
  const message = { ...sighting, label: labelOf(event) };
  sink.publish(`cameras/${camera}/sightings`, message, { qos: 1 });
  sink.publish(
    `cameras/${camera}`,
    {
      cameraId: event.cameraId,
      cameraName: event.cameraName,
      lastSighting: {
        sightingId: event.sightingId,
        decision: event.decision,
        label: message.label,
        identityId: event.identity?.identityId ?? null,
        at: event.endedAt,
      },
    },
    { qos: 1, retain: true },
  );
}
