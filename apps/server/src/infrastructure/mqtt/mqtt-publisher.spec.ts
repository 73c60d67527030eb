// The MQTT publisher against the real broker of the test machine (Debian's mosquitto on
// 127.0.0.1:1883, started by .ci/run): a subscriber made with mqtt.js receives alerts, sightings and
// the retained camera state; a broker that is not there never blocks or throws.
import net from 'node:net';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRaised, SightingRecorded } from '../events/domain-events.js';
import { publishSightingEvent } from '../../modules/sightings/sightings-mqtt.js';
import { errorCodeOf, MqttPublisher } from './mqtt-publisher.js';

const BROKER = process.env.FACELEDGER_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const logger = pino({ level: 'silent' });
const closers: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A subscriber to `<prefix>/#` that collects what arrives, by topic. */
async function subscribe(prefix: string) {
  const client = await mqtt.connectAsync(BROKER);
  closers.push(() => client.endAsync());
  const received: Array<{ topic: string; payload: unknown; retain: boolean }> = [];
  client.on('message', (topic, payload, packet) => {
    const text = payload.toString();
    // JSON, except the plain "online"/"offline" of <prefix>/available and the empty message that clears a retained one.
    received.push({ topic, payload: text.startsWith('{') ? JSON.parse(text) : text, retain: packet.retain });
  });
  await client.subscribeAsync(`${prefix}/#`, { qos: 1 });
  return {
    received,
    async waitFor(topic: string, count = 1) {
      for (let i = 0; i < 100 && received.filter((m) => m.topic === topic).length < count; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      return received.filter((m) => m.topic === topic);
    },
  };
}

async function connectedPublisher(prefix: string): Promise<MqttPublisher> {
  const publisher = new MqttPublisher({ url: BROKER, topicPrefix: prefix }, logger);
  closers.push(() => publisher.close());
  for (let i = 0; i < 100 && !publisher.status().connected; i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  expect(publisher.status().connected).toBe(true);
  return publisher;
}

const sighting: SightingRecorded = {
  type: 'SightingRecorded',
  sightingId: '11111111-1111-4111-8111-111111111111',
  cameraId: '22222222-2222-4222-8222-222222222222',
  cameraName: 'Front Door',
  decision: 'UNKNOWN',
  startedAt: '2026-12-06T11:00:00.000Z',
  endedAt: '2026-12-06T11:00:04.000Z',
  frames: 9,
  quality: 0.83,
  identity: null,
  cluster: { clusterId: '33333333-3333-4333-8333-333333333333', number: 7 },
};

describe('MqttPublisher', () => {
  it('publishes alerts, sightings and the retained camera state to a real broker', async () => {
    const prefix = `faceledger-test-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`;
    const subscriber = await subscribe(prefix);
    const publisher = await connectedPublisher(prefix);
    expect((await subscriber.waitFor(`${prefix}/available`))[0]?.payload).toBe('online');

    const alert: AlertRaised = {
      type: 'AlertRaised',
      alertId: '44444444-4444-4444-8444-444444444444',
      kind: 'WATCHLIST_MATCH',
      sightingId: sighting.sightingId,
      cameraId: sighting.cameraId,
      cameraName: 'Front Door',
      identity: {
        identityId: '55555555-5555-4555-8555-555555555555',
        displayName: 'Tony Blair',
        externalId: 'tb-1',
        galleryId: '66666666-6666-4666-8666-666666666666',
        galleryName: 'Watchlist',
        score: 1.02,
      },
      cluster: null,
      matchEventId: '77777777-7777-4777-8777-777777777777',
      createdAt: '2026-12-06T11:00:05.000Z',
    };
    publishSightingEvent(publisher, sighting);
    publishSightingEvent(publisher, alert);

    const [alertMessage] = await subscriber.waitFor(`${prefix}/alerts`);
    expect(alertMessage?.payload).toMatchObject({
      alertId: alert.alertId,
      kind: 'WATCHLIST_MATCH',
      label: 'Tony Blair',
    });
    expect(alertMessage?.payload).not.toHaveProperty('type');
    const [sightingMessage] = await subscriber.waitFor(`${prefix}/cameras/front_door/sightings`);
    expect(sightingMessage?.payload).toMatchObject({ sightingId: sighting.sightingId, label: 'unknown #7' });
    await subscriber.waitFor(`${prefix}/cameras/front_door`);
    expect(publisher.status()).toMatchObject({ connected: true, lastErrorCode: null, published: 3, dropped: 0 });

    // A subscriber that comes later gets the camera's retained state at once.
    const late = await subscribe(prefix);
    const [state] = await late.waitFor(`${prefix}/cameras/front_door`);
    expect(state).toMatchObject({
      retain: true,
      payload: { lastSighting: { decision: 'UNKNOWN', label: 'unknown #7' } },
    });

    await publisher.close();
    const available = await late.waitFor(`${prefix}/available`, 2);
    expect(available.at(-1)?.payload).toBe('offline');
    // Clear the retained messages this test left on the shared broker.
    const cleaner = await mqtt.connectAsync(BROKER);
    for (const topic of [`${prefix}/available`, `${prefix}/cameras/front_door`])
      await cleaner.publishAsync(topic, '', { retain: true, qos: 1 });
    await cleaner.endAsync();
  });

  it('never blocks or throws when no broker listens, and reports why', async () => {
    // 127.0.0.1:4261 is one of this suite's ports, where nothing listens.
    const publisher = new MqttPublisher(
      { url: 'mqtt://127.0.0.1:4261', topicPrefix: 'nowhere', reconnectMs: 100 },
      logger,
    );
    closers.push(() => publisher.close());
    for (let i = 0; i < 100 && publisher.status().lastError === null; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    // publish() returns at once: 2,000 sightings (4,000 messages) with nobody to take them.
    for (let i = 0; i < 2_000; i++) publishSightingEvent(publisher, sighting);
    const status = publisher.status();
    expect(status.connected).toBe(false);
    expect(status.lastError).toMatch(/ECONNREFUSED|not reachable/);
    expect(status.lastErrorCode).toMatch(/^(ECONNREFUSED|UNREACHABLE)$/);
    // QoS 1 messages wait in the bounded queue (1,000), the rest are counted as dropped.
    expect(status.dropped).toBe(3_000);
    await publisher.close();
  });

  it('keeps asking a broker that refuses the connection, and says why by code', async () => {
    // A broker that answers every CONNECT with CONNACK "not authorized" (MQTT 3.1.1 return code 5).
    let connects = 0;
    const sockets = new Set<net.Socket>();
    const broker = net.createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => {
        connects += 1;
        socket.end(Buffer.from([0x20, 0x02, 0x00, 0x05]));
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => broker.close(resolve));
    });
    const { port } = broker.address() as net.AddressInfo;
    const publisher = new MqttPublisher({ url: `mqtt://user:wrong-password@127.0.0.1:${port}`, topicPrefix: 'refused', reconnectMs: 100 }, logger);
    closers.unshift(() => publisher.close());
    for (let i = 0; i < 100 && connects < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(connects).toBeGreaterThanOrEqual(2);
    expect(publisher.status()).toMatchObject({ connected: false, lastErrorCode: 'NOT_AUTHORIZED' });
  });

  it('turns connection errors into codes without host, URL or password', () => {
    const socketError = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:1883'), { code: 'ECONNREFUSED' });
    expect(errorCodeOf(socketError)).toBe('ECONNREFUSED');
    expect(errorCodeOf(Object.assign(new Error('Connection refused: Bad User Name or Password'), { code: 134 }))).toBe('BAD_USERNAME_OR_PASSWORD');
    expect(errorCodeOf(Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }))).toBe('NOT_AUTHORIZED');
    expect(errorCodeOf(Object.assign(new Error('Connection refused'), { code: 250 }))).toBe('REFUSED_250');
    expect(errorCodeOf(new Error('connack timeout'))).toBe('CONNACK_TIMEOUT');
    // A code that is not a plain constant (it could carry anything) is not shown.
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'mqtt://user:secret@host' }))).toBe('ERROR');
    expect(errorCodeOf(new Error('getaddrinfo failed for broker.internal'))).toBe('ERROR');
  });
});
