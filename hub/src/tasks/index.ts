export { TasksComponent, DEFAULT_WORKER_PORT, type TasksComponentOptions } from './component.js';
export { SqliteTaskQueue, enqueueInputSchema, capabilityTags, type TaskQueue, type EnqueueInput, type TaskRecord, type TaskState, type TaskFailure, type QueueOptions } from './queue.js';
export { taskCommands } from './cli.js';
export { TaskError, TASK_ERROR_CODES, type TaskErrorCode } from './errors.js';
export { CertificateAuthority, certFingerprint } from './ca.js';
export { JoinTokens } from './tokens.js';
export { databasePath, tasksDir } from './data-dir.js';
