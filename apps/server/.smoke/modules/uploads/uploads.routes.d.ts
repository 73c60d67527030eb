import { Router } from 'express';
import { type UploadsService } from './uploads.service.js';
export declare function createUploadsRouter(uploads: UploadsService): Router;
