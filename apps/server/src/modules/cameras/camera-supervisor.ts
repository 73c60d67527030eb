// Runs one CameraReader per enabled camera, in the one server process that holds the scheduler's
// camera-readers task (its lease in scheduled_tasks; with several processes on one PostgreSQL the
// others wait, and take over within a lease when this one dies). run(signal) reconciles the readers
// with the cameras table (every second, and at once after a change made in this process), writes
// each reader's state to its camera's row (at once on a change of state, else every 5 s), and stops
// every reader when the signal aborts.
import type { Logger } from 'pino';
import type { FrameAnalyzer } from './camera-frame.js';
import { CameraReader, type ReaderTimings } from './camera-reader.js';
import { CameraSourceError, parseCameraSource } from './camera-source.js';
import type { CamerasRepository, CameraToRead } from './cameras.repository.js';

export interface CameraSupervisorOptions {
  cameras: Pick<CamerasRepository, 'listEnabled' | 'writeStatus' | 'markDisabledStopped'>;
  ffmpegPath: string;
  /** Gets every frame a reader does not drop; null: frames are decoded and counted only. */
  analyzer: FrameAnalyzer | null;
  logger: Logger;
  /** Wakes the reconcile at once (CamerasService.onChange); returns the unsubscribe. */
  wakeOn?: (wake: () => void) => () => void;
  /** Reader timings (tests shorten them). */
  timings?: Partial<ReaderTimings>;
  /** Pause between reconciles. */
  reconcileMs?: number;
  /** Longest pause between two writes of a reader's state. */
  statusWriteMs?: number;
}

interface Running {
  reader: CameraReader;
  /** What the reader was started with; a change restarts it. */
  key: string;
  lastWrite: number;
  dirty: boolean;
}

const keyOf = (camera: CameraToRead): string => `${camera.fps}|${camera.sourceUrl}`;

export class CameraSupervisor {
  private readonly running = new Map<string, Running>();
  private wakeUp: (() => void) | null = null;

  constructor(private readonly options: CameraSupervisorOptions) {}

  /** Cameras with a reader in this process. */
  get readerCount(): number {
    return this.running.size;
  }

  /** Runs the readers until `signal` aborts, then stops them all (ffmpeg children included). */
  async run(signal: AbortSignal): Promise<void> {
    const unsubscribe = this.options.wakeOn?.(() => this.wakeUp?.());
    const reconcileMs = this.options.reconcileMs ?? 1000;
    try {
      while (!signal.aborted) {
        try {
          await this.reconcile();
          await this.writeStates();
        } catch (error) {
          this.options.logger.warn({ err: error }, 'camera reconcile failed; trying again');
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, reconcileMs);
          function done(): void {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          }
          this.wakeUp = done;
          signal.addEventListener('abort', done, { once: true });
        });
        this.wakeUp = null;
      }
    } finally {
      unsubscribe?.();
      await this.stopAll();
    }
  }

  private async reconcile(): Promise<void> {
    const enabled = await this.options.cameras.listEnabled();
    const wanted = new Map(enabled.map((camera) => [camera.id, camera]));
    for (const [id, entry] of this.running) {
      const camera = wanted.get(id);
      if (!camera || keyOf(camera) !== entry.key) await this.stopReader(id, entry);
    }
    for (const camera of enabled) {
      if (!this.running.has(camera.id)) this.startReader(camera);
    }
    await this.options.cameras.markDisabledStopped();
  }

  private startReader(camera: CameraToRead): void {
    let source;
    try {
      source = parseCameraSource(camera.sourceUrl);
    } catch (error) {
      if (!(error instanceof CameraSourceError)) throw error;
      // Stored before a rule tightened: report it instead of running it.
      void this.options.cameras.writeStatus(camera.id, {
        state: 'FAILED',
        reason: error.message,
        stateChangedAt: new Date(),
        measuredFps: 0,
        framesDecoded: 0,
        framesDropped: 0,
        lastFrameAt: null,
      });
      return;
    }
    // onStateChange runs only after start(), once entry exists.
    const reader = new CameraReader({
      cameraId: camera.id,
      source,
      fps: camera.fps,
      ffmpegPath: this.options.ffmpegPath,
      analyzer: this.options.analyzer,
      logger: this.options.logger,
      timings: this.options.timings,
      onStateChange: () => {
        entry.dirty = true;
        this.wakeUp?.();
      },
    });
    const entry: Running = { reader, key: keyOf(camera), lastWrite: 0, dirty: true };
    this.running.set(camera.id, entry);
    reader.start();
  }

  private async stopReader(id: string, entry: Running): Promise<void> {
    this.running.delete(id);
    await entry.reader.stop();
  }

  /** Writes the states that changed, and every reader's counters at least every statusWriteMs. */
  private async writeStates(): Promise<void> {
    const now = Date.now();
    const every = this.options.statusWriteMs ?? 5000;
    for (const [id, entry] of this.running) {
      if (!entry.dirty && now - entry.lastWrite < every) continue;
      entry.dirty = false;
      entry.lastWrite = now;
      await this.options.cameras.writeStatus(id, entry.reader.snapshot(now));
    }
  }

  private async stopAll(): Promise<void> {
    const entries = [...this.running.entries()];
    this.running.clear();
    await Promise.all(entries.map(([, entry]) => entry.reader.stop()));
    // The cameras stay enabled: their rows say CONNECTING until the next process picks them up.
    await Promise.all(
      entries.map(([id, entry]) =>
        this.options.cameras
          .writeStatus(id, { ...entry.reader.snapshot(), state: 'CONNECTING', reason: 'the server running the camera readers stopped; another takes over', measuredFps: 0 })
          .catch(() => undefined),
      ),
    );
  }
}
