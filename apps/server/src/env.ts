// The only reader of process.env: every setting, validated once at start. A bad value stops the
// server with a list of every problem and what to set instead.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { IMAGE_STORE_KINDS } from './infrastructure/image-store/image-store.js';
import { parseNetworks } from './modules/live-feed/webhook-destination.js';

/** The repository root, so relative defaults work whichever folder `npm start` ran in. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const envSchema = z.object({
  /** PostgreSQL 15+ with pgvector; when unset the embedded PGlite in FACELEDGER_DATA_DIR is used. */
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgresql://').optional(),
  ),
  /** Where the embedded database and the image store keep their files. */
  FACELEDGER_DATA_DIR: z.string().default(path.join(REPO_ROOT, '.data')),
  /** Where photos are kept: file (FACELEDGER_DATA_DIR/images, the default) or database (the images table; needed to run several server processes on one PostgreSQL). */
  FACELEDGER_IMAGE_STORE: z.enum(IMAGE_STORE_KINDS).default('file'),
  /** Port of the GraphQL API and REST routes. */
  FACELEDGER_PORT: z.coerce.number().int().min(1).max(65535).default(4000),
  /** Interface to listen on; 0.0.0.0 exposes the API to the network. */
  FACELEDGER_HOST: z.string().default('127.0.0.1'),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  FACELEDGER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** TensorFlow.js backend: wasm (default, offline), tensorflow (needs @tensorflow/tfjs-node[-gpu]), cpu. */
  FACELEDGER_RECOGNITION_BACKEND: z.enum(['wasm', 'tensorflow', 'cpu']).default('wasm'),
  /** Recognition worker threads; defaults to the number of CPU cores. */
  FACELEDGER_RECOGNITION_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
  /** Set to false to start without the recognition engine (the API then reports it as FAILED). */
  FACELEDGER_RECOGNITION_ENABLED: z.stringbool().default(true),
  /** Engine of the shipped dlib ResNet: onnx (ONNX Runtime) or tfjs (TensorFlow.js on FACELEDGER_RECOGNITION_BACKEND); unset: the recognition package's default, the faster by measurement. */
  FACELEDGER_EMBEDDER_RUNTIME: z.enum(['tfjs', 'onnx']).optional(),
  /** ONNX Runtime's execution provider: cpu (bundled) or cuda (only once its CUDA provider is installed; the engine says how otherwise). */
  FACELEDGER_ONNX_PROVIDER: z.enum(['cpu', 'cuda']).optional(),
  /** ONNX Runtime threads per inference in each recognition worker (0: every core); unset: 1. */
  FACELEDGER_ONNX_THREADS: z.coerce.number().int().min(0).max(256).optional(),
  /** Where the ONNX graph built from the shipped weights at first start is cached; unset: FACELEDGER_DATA_DIR/onnx-cache. */
  FACELEDGER_ONNX_CACHE_DIR: optionalString,
  /** Folder of operator-supplied embedding models (one JSON manifest per model beside its ONNX file); unset: the shipped models only. */
  FACELEDGER_MODELS_DIR: optionalString,
  /** Largest accepted request body, in megabytes (images travel base64 in GraphQL). */
  FACELEDGER_MAX_BODY_MB: z.coerce.number().positive().max(200).default(15),
  /** Hours a sign-in session lasts after its last use (the expiry slides forward while it is used). */
  FACELEDGER_SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
  /** Secure flag of the session cookie: auto (set when the request came over https), always, or never. */
  FACELEDGER_SECURE_COOKIES: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Requests per minute each API key may make (token bucket); 0 turns the limit off. */
  FACELEDGER_API_KEY_RATE_LIMIT: z.coerce.number().int().min(0).default(600),
  /** Requests an idle API key may send at once before the per-minute rate applies. */
  FACELEDGER_API_KEY_BURST: z.coerce.number().int().min(1).default(60),
  /** Set to true to answer GraphQL introspection (__schema, __type); off by default, the SDL is in packages/schema. */
  FACELEDGER_GRAPHQL_INTROSPECTION: z.stringbool().default(false),
  /** Seconds between runs of the webhook worker looking for due deliveries (new events are sent at once anyway). */
  FACELEDGER_WEBHOOK_INTERVAL_SECONDS: z.coerce.number().positive().max(3600).default(5),
  /** Non-public networks webhooks may still reach (a self-hosted receiver), comma-separated, such as 10.1.2.0/24,127.0.0.1; empty: public addresses only. */
  FACELEDGER_WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parseNetworks(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** The ffmpeg binary cameras are read with (Debian's ffmpeg package; a name is looked up on PATH). */
  FACELEDGER_FFMPEG_PATH: z.string().trim().min(1).default('ffmpeg'),
  /** MQTT broker that alerts and sightings are published to (mqtt://, mqtts://, ws:// or wss://, user:password@ allowed); unset: no MQTT. */
  FACELEDGER_MQTT_URL: optionalString.pipe(
    z.string().regex(/^(mqtts?|wss?):\/\/./, 'must be an mqtt://, mqtts://, ws:// or wss:// URL such as mqtt://127.0.0.1:1883').optional(),
  ),
  /** No second alert for one person (or unknown cluster) on one camera within this many seconds. */
  FACELEDGER_ALERT_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** An unknown person whose cluster reaches this many sightings raises an alert; 0: never. */
  FACELEDGER_UNKNOWN_ALERT_AFTER: z.coerce.number().int().min(0).max(1000).default(0),
  /** Email of the first admin, created at start only while the database has no user (with the password below). */
  FACELEDGER_ADMIN_EMAIL: optionalString.pipe(z.email('must be an email address such as admin@example.org').optional()),
  /** Password of that first admin, at least 12 characters; it is stored hashed, so unset it once the admin exists. */
  FACELEDGER_ADMIN_PASSWORD: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.string().min(12, 'must have at least 12 characters').optional()),
}).refine((env) => (env.FACELEDGER_ADMIN_EMAIL === undefined) === (env.FACELEDGER_ADMIN_PASSWORD === undefined), {
  message: 'set FACELEDGER_ADMIN_EMAIL and FACELEDGER_ADMIN_PASSWORD together, or neither',
  path: ['FACELEDGER_ADMIN_PASSWORD'],
});

/** The validated settings; see README.md for the table. */
export type Env = z.infer<typeof envSchema>;

/** Parses `source` (process.env by default); throws one error listing every invalid setting. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid settings; fix these environment variables and start again:\n${problems}`);
  }
  const env = result.data;
  return {
    ...env,
    FACELEDGER_DATA_DIR: path.resolve(env.FACELEDGER_DATA_DIR),
    FACELEDGER_MODELS_DIR: env.FACELEDGER_MODELS_DIR === undefined ? undefined : path.resolve(env.FACELEDGER_MODELS_DIR),
  };
}
