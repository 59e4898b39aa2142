/** A cold task as the router hands it to the task queue. */
export interface ColdTask {
  /** `router.summarise`, `router.research`, ... */
  type: string;
  payload: { task: string; request: string; text: string; deviceId?: string | undefined; area?: string | undefined };
}

/** The small slice of the hub's durable task queue the router needs (the tasks part implements it). */
export interface TaskQueueLike {
  enqueue(task: ColdTask): Promise<{ id: string }> | { id: string };
}
