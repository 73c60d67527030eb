// The server's MQTT connection (mqtt.js) to the broker of FACELEDGER_MQTT_URL, for home-automation
// and NVR users (Frigate, Double Take, Home Assistant) who consume alerts as MQTT messages. It only
// publishes: a message is handed to the client and never awaited by the caller, so a broker that is
// down, slow or refusing never blocks nor fails a request. mqtt.js reconnects by itself (every
// reconnectMs); QoS 1 messages published meanwhile wait in its bounded offline queue, QoS 0 ones are
// dropped. `<prefix>/available` is "online" (retained) while connected and "offline" (the will)
// when the connection is lost.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/** Where and how to connect. */
export interface MqttPublisherSettings {
  /** mqtt://, mqtts://, ws:// or wss:// URL, user and password included when the broker wants them. */
  url: string;
  /** First level of every topic. */
  topicPrefix: string;
  /** Wait between reconnection attempts. */
  reconnectMs: number;
  /** Messages kept for the broker while it is unreachable; older ones are dropped beyond this. */
  maxQueued: number;
}

export const DEFAULT_MQTT_SETTINGS = Object.freeze({
  topicPrefix: 'faceledger',
  reconnectMs: 5_000,
  maxQueued: 1_000,
});

/** What health and tests read. */
export interface MqttStatus {
  connected: boolean;
  /** The last connection error, until the next successful connection. */
  lastError: string | null;
  published: number;
  dropped: number;
}

/** How one message is published. */
export interface MqttMessageOptions {
  /** The broker keeps the last retained message of a topic for new subscribers (state topics). */
  retain?: boolean;
  qos?: 0 | 1;
}

/** Anything that publishes JSON to topics under the prefix (the real client, or none). */
export interface MqttSink {
  readonly topicPrefix: string;
  publish(topic: string, payload: unknown, options?: MqttMessageOptions): void;
}

export class MqttPublisher implements MqttSink {
  readonly topicPrefix: string;
  private readonly client: MqttClient;
  private lastError: string | null = null;
  private published = 0;
  private dropped = 0;
  private inFlight = 0;
  private readonly maxQueued: number;

  constructor(
    settings: Pick<MqttPublisherSettings, 'url'> & Partial<MqttPublisherSettings>,
    private readonly logger: Logger,
  ) {
    const { url, topicPrefix, reconnectMs, maxQueued } = { ...DEFAULT_MQTT_SETTINGS, ...settings };
    this.topicPrefix = topicPrefix;
    this.maxQueued = maxQueued;
    const available = `${topicPrefix}/available`;
    this.client = mqtt.connect(url, {
      reconnectPeriod: reconnectMs,
      connectTimeout: 10_000,
      queueQoSZero: false,
      clientId: `faceledger-${process.pid}-${Math.random().toString(16).slice(2, 10)}`,
      will: { topic: available, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client.on('connect', () => {
      this.lastError = null;
      this.logger.info({ url: redactedUrl(url) }, 'MQTT connected');
      this.client.publish(available, 'online', { qos: 1, retain: true }, () => undefined);
    });
    this.client.on('error', (error) => {
      if (this.lastError !== error.message)
        this.logger.warn({ err: error.message, url: redactedUrl(url) }, 'MQTT error; reconnecting');
      this.lastError = error.message;
    });
    this.client.on('offline', () => {
      this.lastError ??= 'The MQTT broker is not reachable.';
    });
  }

  status(): MqttStatus {
    return {
      connected: this.client.connected,
      lastError: this.lastError,
      published: this.published,
      dropped: this.dropped,
    };
  }

  /** Hands `payload` (as JSON) to the client for `<prefix>/<topic>`; returns at once and never throws. */
  publish(topic: string, payload: unknown, options: MqttMessageOptions = {}): void {
    const qos = options.qos ?? 1;
    if (!this.client.connected && (qos === 0 || this.inFlight >= this.maxQueued)) {
      this.dropped += 1;
      return;
    }
    this.inFlight += 1;
    try {
      this.client.publish(
        `${this.topicPrefix}/${topic}`,
        JSON.stringify(payload),
        { qos, retain: options.retain ?? false },
        (error) => {
          this.inFlight -= 1;
          if (error) {
            this.dropped += 1;
            this.logger.warn({ err: error.message, topic }, 'MQTT publish failed');
          } else this.published += 1;
        },
      );
    } catch (error) {
      this.inFlight -= 1;
      this.dropped += 1;
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error), topic },
        'MQTT publish failed',
      );
    }
  }

  /** Says "offline" and disconnects (at most 2 s; then drops the connection). */
  async close(): Promise<void> {
    const available = `${this.topicPrefix}/available`;
    if (this.client.connected) {
      await Promise.race([
        this.client.publishAsync(available, 'offline', { qos: 1, retain: true }).catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 1_000)),
      ]);
    }
    await Promise.race([this.client.endAsync(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    if (!this.client.disconnected) await this.client.endAsync(true).catch(() => undefined);
  }
}

/** The URL without its password, for logs. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an invalid URL';
  }
}
