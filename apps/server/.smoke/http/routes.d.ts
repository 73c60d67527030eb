import { Router } from 'express';
import type { Services } from '../graphql/context.js';
export declare function createRestRouter(services: Services): Router;
