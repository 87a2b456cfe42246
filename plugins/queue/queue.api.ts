/**
 * What the queue plugin publishes to other plugins (display, kiosk): its module for injection, the
 * engine and its change signal, and the shared types. Another plugin imports the queue only from here.
 */
export { QueueModule } from './queue.module.js';
export { QueueService, type QueueActor, type WalkInInput, type CheckInInput } from './queue.service.js';
export { QueueChanges, type QueueChangeListener } from './queue-changes.js';
export { QueueVersionsService } from './queue-versions.service.js';
export { DisplayFeedService, DISPLAY_MAX_CALLS, type FeedEntry } from './display-feed.service.js';
export type * from './queue.types.js';
export type * from './queue.events.js';
