// Builds the sightings service and the cameras' analyzer, and subscribes MQTT to their events, for
// services.ts (one call, so the shared wiring file stays short).
import type { PrismaClient } from '@faceledger/db';
import type { DomainEventBus } from '../../infrastructure/events/domain-event-bus.js';
import type { MqttSink } from '../../infrastructure/mqtt/mqtt-publisher.js';
import { SightingAnalyzer, type SightingAnalyzerSettings } from './sighting-analyzer.js';
import { publishSightingEvent } from './sightings-mqtt.js';
import { SightingsRepository } from './sightings.repository.js';
import { SightingsService, type SightingsDependencies, type SightingsSettings } from './sightings.service.js';

/** What main.ts (from env.ts) and the tests choose. */
export interface SightingsOptions {
  /** Where alerts and sightings are published (FACELEDGER_MQTT_URL); none when absent. */
  mqtt?: MqttSink | null;
  settings?: Partial<SightingsSettings>;
  analyzer?: Partial<SightingAnalyzerSettings>;
}

export function createSightings(
  deps: Omit<SightingsDependencies, 'sightings'> & { prisma: PrismaClient; events: DomainEventBus },
  options: SightingsOptions = {},
): { sightings: SightingsService; sightingAnalyzer: SightingAnalyzer } {
  const { prisma, events, ...rest } = deps;
  const sightings = new SightingsService(
    { ...rest, sightings: new SightingsRepository(prisma) },
    options.settings,
  );
  const sightingAnalyzer = new SightingAnalyzer(
    { sightings, recognition: deps.recognition, logger: deps.logger },
    options.analyzer,
  );
  const mqtt = options.mqtt;
  // Published once, by the process that committed the sighting.
  if (mqtt)
    events.subscribe((event) => publishSightingEvent(mqtt, event), {
      scope: 'publisher',
      types: ['SightingRecorded', 'AlertRaised'],
    });
  return { sightings, sightingAnalyzer };
}
