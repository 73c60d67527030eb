import type { Actor } from './actor.js';
/** Everything that needs a permission. Add a line here when adding an operation. */
export declare const PERMISSIONS: {
    readonly 'users.manage': {
        readonly roles: readonly ["ADMIN"];
        readonly scopes: readonly [];
    };
    readonly 'apiKeys.manage': {
        readonly roles: readonly ["ADMIN"];
        readonly scopes: readonly [];
    };
    readonly 'galleries.read': {
        readonly roles: readonly ["ADMIN", "HR", "REVIEWER", "AUDITOR"];
        readonly scopes: readonly ["read", "identify", "verify", "enroll"];
    };
    readonly 'galleries.write': {
        readonly roles: readonly ["ADMIN"];
        readonly scopes: readonly [];
    };
    readonly 'identities.read': {
        readonly roles: readonly ["ADMIN", "HR", "REVIEWER"];
        readonly scopes: readonly ["read", "enroll"];
    };
    readonly 'identities.write': {
        readonly roles: readonly ["ADMIN", "HR"];
        readonly scopes: readonly ["enroll"];
    };
    readonly 'identities.erase': {
        readonly roles: readonly ["ADMIN", "HR"];
        readonly scopes: readonly [];
    };
    readonly 'faces.enroll': {
        readonly roles: readonly ["ADMIN", "HR"];
        readonly scopes: readonly ["enroll"];
    };
    readonly 'faces.detect': {
        readonly roles: readonly ["ADMIN", "HR", "REVIEWER"];
        readonly scopes: readonly ["detect"];
    };
    readonly 'faces.verify': {
        readonly roles: readonly ["ADMIN", "HR", "REVIEWER"];
        readonly scopes: readonly ["verify"];
    };
    readonly 'faces.identify': {
        readonly roles: readonly ["ADMIN", "HR", "REVIEWER"];
        readonly scopes: readonly ["identify"];
    };
    readonly 'matchEvents.read': {
        readonly roles: readonly ["ADMIN", "REVIEWER", "AUDITOR"];
        readonly scopes: readonly ["read"];
    };
    readonly 'matchEvents.review': {
        readonly roles: readonly ["ADMIN", "REVIEWER"];
        readonly scopes: readonly [];
    };
    readonly 'audit.read': {
        readonly roles: readonly ["ADMIN", "AUDITOR"];
        readonly scopes: readonly [];
    };
    readonly 'audit.export': {
        readonly roles: readonly ["ADMIN", "AUDITOR"];
        readonly scopes: readonly [];
    };
};
export type Permission = keyof typeof PERMISSIONS;
/** True when `actor` may run `permission` (gallery restrictions of keys are checked separately). */
export declare function isAllowed(actor: Actor, permission: Permission): boolean;
/** Throws UNAUTHENTICATED or FORBIDDEN unless `actor` may run `permission`. */
export declare function authorize(actor: Actor, permission: Permission): void;
/** Throws FORBIDDEN when a gallery-restricted key reaches for another gallery. */
export declare function authorizeGallery(actor: Actor, galleryId: string): void;
