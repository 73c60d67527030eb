// The GraphQL contract shared by server and admin: the SDL text and the generated types.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SDL_DIR = fileURLToPath(new URL('../sdl/', import.meta.url));

/** Every SDL file of the API, in name order; the server joins them into one schema. */
export function loadTypeDefs(): string[] {
  return readdirSync(SDL_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(SDL_DIR + f, 'utf8'));
}

export * from './generated/graphql.js';
