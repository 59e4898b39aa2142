/** The part of the hub's pino logger the memory uses (the root hands it `logger.child(...)`). */
export interface MemoryLogger {
  info(obj: Record<string, unknown>, msg: string): void;
}
