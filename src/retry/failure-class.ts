/**
 * The classes a failure falls into, by the retry policy's data (classify.ts decides which). A leaf module:
 * errors, metadata and the retry code all name these without importing one another.
 */
export type FailureClass = 'throttle' | 'transient' | 'notSent' | 'ambiguous' | 'clockSkew' | 'final';
