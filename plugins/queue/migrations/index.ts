import { QueueQueueInitial1796214477300 } from './1796214477300-queue-initial.migration.js';
export const QUEUE_MIGRATIONS: Function[] = [QueueQueueInitial1796214477300];
