import { z } from 'zod';
declare const envSchema: z.ZodObject<{
    DATABASE_URL: z.ZodPipe<z.ZodOptional<z.ZodPipe<z.ZodString, z.ZodTransform<string | undefined, string>>>, z.ZodOptional<z.ZodString>>;
    FACELEDGER_DATA_DIR: z.ZodDefault<z.ZodString>;
    FACELEDGER_PORT: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    FACELEDGER_HOST: z.ZodDefault<z.ZodString>;
    FACELEDGER_LOG_LEVEL: z.ZodDefault<z.ZodEnum<{
        error: "error";
        fatal: "fatal";
        warn: "warn";
        info: "info";
        debug: "debug";
        trace: "trace";
        silent: "silent";
    }>>;
    FACELEDGER_RECOGNITION_BACKEND: z.ZodDefault<z.ZodEnum<{
        wasm: "wasm";
        tensorflow: "tensorflow";
        cpu: "cpu";
    }>>;
    FACELEDGER_RECOGNITION_WORKERS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    FACELEDGER_RECOGNITION_ENABLED: z.ZodDefault<z.ZodCodec<z.ZodString, z.ZodBoolean>>;
    FACELEDGER_MAX_BODY_MB: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    FACELEDGER_SESSION_TTL_HOURS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    FACELEDGER_SECURE_COOKIES: z.ZodDefault<z.ZodEnum<{
        never: "never";
        auto: "auto";
        always: "always";
    }>>;
    FACELEDGER_ADMIN_EMAIL: z.ZodPipe<z.ZodOptional<z.ZodPipe<z.ZodString, z.ZodTransform<string | undefined, string>>>, z.ZodOptional<z.ZodEmail>>;
    FACELEDGER_ADMIN_PASSWORD: z.ZodPipe<z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>, z.ZodOptional<z.ZodString>>;
}, z.core.$strip>;
/** The validated settings; see README.md for the table. */
export type Env = z.infer<typeof envSchema>;
/** Parses `source` (process.env by default); throws one error listing every invalid setting. */
export declare function loadEnv(source?: NodeJS.ProcessEnv): Env;
export {};
