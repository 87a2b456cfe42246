import { Injectable } from '@nestjs/common';

/** A location's queue changed in this process (after the commit): its new version is in the database. */
export type QueueChangeListener = (locationId: string) => void;

/**
 * The in-process signal of committed queue changes, so this instance's caches (the display feed)
 * drop their entry at once; other instances see the version move in `queue_location_state`.
 */
@Injectable()
export class QueueChanges {
  private readonly listeners = new Set<QueueChangeListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: QueueChangeListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(locationId: string): void {
    for (const listener of this.listeners) listener(locationId);
  }
}
