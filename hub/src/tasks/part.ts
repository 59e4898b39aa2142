import { hubServices } from '../voice/services.js';
import { forFacility } from '../core/logger.js';
import { defaultPublicHost, type HubPart } from '../main.js';
import { TasksComponent } from './component.js';
import { taskRoutesFor } from '../api/tasks-routes.js';

/**
 * The tasks part: the durable queue, the CA, join tokens and the worker gRPC server on `grpc.port`, and
 * `/api/v1/tasks`. Its queue is the router's cold path.
 */
export const tasksPart: HubPart = {
  name: 'tasks',
  create(ctx) {
    const { config } = ctx;
    const tasks = new TasksComponent({
      db: ctx.db,
      dataDir: config.dataDir,
      logger: forFacility(ctx.logger, 'hub:tasks'),
      host: config.host,
      port: config.grpc.port,
      // Workers enroll against the address written into their join command; the certificate must name it.
      serverNames: [config.publicHost ?? defaultPublicHost()],
    });
    hubServices(ctx).tasks = tasks;
    ctx.api.addRoutes(taskRoutesFor(tasks.queue));
    const recordPort = {
      name: 'tasks-port',
      start: async (): Promise<void> => {
        ctx.ports.grpc = tasks.port;
      },
      stop: async (): Promise<void> => {
        ctx.ports.grpc = undefined;
      },
    };
    return [tasks, recordPort];
  },
};
