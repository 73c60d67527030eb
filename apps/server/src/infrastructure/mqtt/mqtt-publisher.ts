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
  /** The last connection error, until the next successful connection (for the log and tests; it may name the broker's host). */
  lastError: string | null;
  /**
   * The code of that error, which health shows: never the URL, host or password. A socket error's
   * own code (ECONNREFUSED, ENOTFOUND, ...), a broker's refusal (NOT_AUTHORIZED, ...), CONNACK_TIMEOUT,
   * UNREACHABLE when the client went offline without an error, ERROR for anything else.
   */
  lastErrorCode: string | null;
  published: number;
  dropped: number;
}

/** How one message is published. */
export interface MqttMessageOptions {
  /** The broker keeps the last retained message of a topic for new subscribers (state topics). */
  retain?: boolean;
  qos?: 0 | 1;
}

/** Anything that publishes JSON to topics under the prefix (the real client, or none), and says how its connection is (health). */
export interface MqttSink {
  readonly topicPrefix: string;
  publish(topic: string, payload: unknown, options?: MqttMessageOptions): void;
  status(): MqttStatus;
}

/** Reason codes of a broker's refused CONNACK (MQTT 3.1.1 and 5), by the name health shows. */
const CONNACK_REFUSALS: Readonly<Record<number, string>> = {
  1: 'UNACCEPTABLE_PROTOCOL_VERSION',
  2: 'IDENTIFIER_REJECTED',
  3: 'SERVER_UNAVAILABLE',
  4: 'BAD_USERNAME_OR_PASSWORD',
  5: 'NOT_AUTHORIZED',
  128: 'UNSPECIFIED_ERROR',
  132: 'UNSUPPORTED_PROTOCOL_VERSION',
  133: 'IDENTIFIER_REJECTED',
  134: 'BAD_USERNAME_OR_PASSWORD',
  135: 'NOT_AUTHORIZED',
  136: 'SERVER_UNAVAILABLE',
  137: 'SERVER_BUSY',
  138: 'BANNED',
  140: 'BAD_AUTHENTICATION_METHOD',
};

export class MqttPublisher implements MqttSink {
  readonly topicPrefix: string;
  private readonly client: MqttClient;
  private lastError: string | null = null;
  private lastErrorCode: string | null = null;
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
      // A broker that refuses (credentials, ACL) is asked again every reconnectMs, as one that is down.
      reconnectOnConnackError: true,
      clientId: `faceledger-${process.pid}-${Math.random().toString(16).slice(2, 10)}`,
      will: { topic: available, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client.on('connect', () => {
      this.lastError = null;
      this.lastErrorCode = null;
      this.logger.info({ url: redactedUrl(url) }, 'MQTT connected');
      this.client.publish(available, 'online', { qos: 1, retain: true }, () => undefined);
    });
    this.client.on('error', (error) => {
      if (this.lastError !== error.message)
        this.logger.warn({ err: error.message, url: redactedUrl(url) }, 'MQTT error; reconnecting');
      this.lastError = error.message;
      this.lastErrorCode = errorCodeOf(error);
    });
    this.client.on('offline', () => {
      this.lastError ??= 'The MQTT broker is not reachable.';
      this.lastErrorCode ??= 'UNREACHABLE';
    });
  }

  status(): MqttStatus {
    return {
      connected: this.client.connected,
      lastError: this.lastError,
      lastErrorCode: this.lastErrorCode,
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

/** A connection error as a code without host, URL or password (MqttStatus.lastErrorCode). */
export function errorCodeOf(error: Error & { code?: unknown }): string {
  if (typeof error.code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(error.code)) return error.code;
  if (typeof error.code === 'number') return CONNACK_REFUSALS[error.code] ?? `REFUSED_${error.code}`;
  if (error.message === 'connack timeout') return 'CONNACK_TIMEOUT';
  return 'ERROR';
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
