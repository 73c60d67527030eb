// For sightings tests: the server's committed SightingRecorded/AlertRaised go to the local MQTT broker
// (Debian's mosquitto on 127.0.0.1:1883, started by .ci/run) through a real MqttPublisher, and an
// mqtt.js subscriber collects what arrives on `<prefix>/alerts`.
import mqtt from 'mqtt';
import { pino } from 'pino';
import { MqttPublisher } from '../src/infrastructure/mqtt/mqtt-publisher.js';
import { publishSightingEvent } from '../src/modules/sightings/sightings-mqtt.js';
import type { TestServer } from './test-server.js';

export const TEST_MQTT_BROKER = process.env.FACELEDGER_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

export interface AlertListener {
  /** The alert messages received so far, parsed. */
  alerts: Array<Record<string, unknown>>;
  /** Waits up to 5 s for at least `count` alerts. */
  waitFor(count: number): Promise<void>;
  /** Clears the retained messages under the prefix (camera state, availability) and disconnects both clients. */
  close(): Promise<void>;
}

export async function listenForAlerts(server: TestServer, prefix: string): Promise<AlertListener> {
  const publisher = new MqttPublisher(
    { url: TEST_MQTT_BROKER, topicPrefix: prefix },
    pino({ level: 'silent' }),
  );
  server.services.events.subscribe((event) => publishSightingEvent(publisher, event), {
    scope: 'publisher',
    types: ['SightingRecorded', 'AlertRaised'],
  });
  const subscriber = await mqtt.connectAsync(TEST_MQTT_BROKER);
  const alerts: Array<Record<string, unknown>> = [];
  const retained = new Set<string>();
  subscriber.on('message', (topic, payload, packet) => {
    if (packet.retain && payload.length > 0) retained.add(topic);
    if (topic === `${prefix}/alerts`) alerts.push(JSON.parse(payload.toString()) as Record<string, unknown>);
  });
  await subscriber.subscribeAsync(`${prefix}/#`, { qos: 1 });
  for (let i = 0; i < 100 && !publisher.status().connected; i++) await new Promise((r) => setTimeout(r, 50));
  return {
    alerts,
    async waitFor(count) {
      for (let i = 0; i < 100 && alerts.length < count; i++) await new Promise((r) => setTimeout(r, 50));
    },
    async close() {
      await publisher.close();
      for (const topic of [...retained, `${prefix}/available`])
        await subscriber.publishAsync(topic, '', { retain: true, qos: 1 }).catch(() => undefined);
      await subscriber.endAsync();
    },
  };
}
