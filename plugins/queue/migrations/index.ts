import { QueueQueueInitial1796212570659 } from './1796212570659-queue-initial.migration.js';
export const QUEUE_MIGRATIONS: Function[] = [QueueQueueInitial1796212570659];
