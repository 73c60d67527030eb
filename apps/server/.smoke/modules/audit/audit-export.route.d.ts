import { Router } from 'express';
import { type AuditService } from './audit.service.js';
export declare function createAuditExportRouter(audit: AuditService): Router;
