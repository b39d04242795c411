/**
 * Injection tokens of process-wide values, in a module of their own so feature modules can import
 * them without importing the app module (which imports the feature modules).
 */
export const APP_CONFIG = Symbol('AppConfig');
export const LOGGER = Symbol('Logger');
