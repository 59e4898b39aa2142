/** The store part: the SQLite database (WAL, numbered migrations) and one repository per table group. */
export { openDatabase, migrate, type Db, type OpenDatabaseOptions } from './database.js';
export type { Migration } from './migration.js';
export { DevicesRepository, type DeviceKind, type DeviceRecord, type DeviceCredentials, type MuteAuditRow } from './devices-repository.js';
export { TokensRepository } from './tokens-repository.js';
export { UdpStreamsRepository } from './udp-streams-repository.js';
export { TASK_STATES, TERMINAL_STATES, TasksRepository, type TaskState, type TaskFailure, type TaskRecord, type NewTaskRow, type TaskListFilter } from './tasks-repository.js';
export { WorkersRepository, type JoinTokenRecord, type WorkerRecord } from './workers-repository.js';
export { TODO_STATUSES, MAX_SNIPPET_CHARS, TodosRepository, type TodoStatus, type TodoHaState, type TodoRecord, type NewTodo, type TodoPatch } from './todos-repository.js';
export { ColdRepliesRepository, type ColdReplyOutcome, type ColdReplyRecord } from './cold-replies-repository.js';
/** The to-do tables alone, for tools that open a scratch database with nothing else (the observer's transcript replay). */
export { migration0020 } from './migrations/0020-todos.js';
