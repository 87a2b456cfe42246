import { definePlugin } from '../../apps/server/src/plugin-host/plugin.types.js';
import { BookingEventsSubscriber } from './booking-events.subscriber.js';
import { QueueLocationConfig } from './entities/location-config.entity.js';
import { QueueLocationState } from './entities/location-state.entity.js';
import { QueueNumber } from './entities/number.entity.js';
import { QueueTicket } from './entities/ticket.entity.js';
import { QueueWorkplace } from './entities/workplace.entity.js';
import { QUEUE_MIGRATIONS } from './migrations/index.js';
import { queueAdminResources } from './queue.admin.js';
import { queueErrors } from './queue.errors.js';
import { queueManifest } from './queue.manifest.js';
import { QueueModule } from './queue.module.js';
import { queueTasks } from './queue.tasks.js';

export const queuePlugin = definePlugin({
  ...queueManifest,
  module: QueueModule,
  entities: [QueueTicket, QueueLocationState, QueueNumber, QueueWorkplace, QueueLocationConfig],
  migrations: QUEUE_MIGRATIONS,
  tasks: queueTasks,
  subscribers: [BookingEventsSubscriber],
  errors: queueErrors,
  adminResources: queueAdminResources,
  staffPages: [
    { label: { de: 'Schalter', en: 'Counter' }, path: (slug) => `/${slug}/schalter` },
    { label: { de: 'Anwesenheit', en: 'Presence' }, path: (slug) => `/${slug}/anwesenheit`, roles: ['supervisor', 'tenant-admin', 'super-admin'] },
  ],
});
