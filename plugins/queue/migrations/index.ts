export const QUEUE_MIGRATIONS: Function[] = [];
