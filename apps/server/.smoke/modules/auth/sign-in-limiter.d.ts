/** How many failures an email may collect, and over how long. */
export interface SignInLimits {
    maxFailures: number;
    windowMs: number;
}
export declare const DEFAULT_SIGN_IN_LIMITS: SignInLimits;
export declare class SignInLimiter {
    private readonly limits;
    private readonly now;
    private readonly failures;
    constructor(limits?: SignInLimits, now?: () => number);
    /** Seconds until `email` may try again, or 0 when it may try now. */
    retryAfterSeconds(email: string): number;
    recordFailure(email: string): void;
    recordSuccess(email: string): void;
    private sweep;
}
