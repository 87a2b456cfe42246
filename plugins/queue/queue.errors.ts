import { defineErrors } from '../../apps/server/src/common/domain-error.js';
import { fromRoot } from '../../apps/server/src/common/project-root.js';

/**
 * The queue's domain error codes (code → kind); their German and English texts are
 * `errors.code.<CODE>` in i18n/. Listed in docs/queue.md.
 */
export const queueErrors = defineErrors(
  {
    QUEUE_NO_WORKPLACE: 'conflict',
    QUEUE_WORKPLACE_PAUSED: 'conflict',
    QUEUE_WORKPLACE_BUSY: 'conflict',
    QUEUE_COUNTER_TAKEN: 'conflict',
    QUEUE_COUNTER_UNKNOWN: 'refused',
    QUEUE_SERVICE_UNKNOWN: 'refused',
    QUEUE_TICKET_CHANGED: 'conflict',
    QUEUE_WRONG_LOCATION: 'conflict',
    QUEUE_RECALL_TOO_SOON: 'conflict',
    QUEUE_CHECK_IN_WRONG_DAY: 'conflict',
    QUEUE_CHECK_IN_WRONG_LOCATION: 'conflict',
    QUEUE_CHECK_IN_CANCELLED: 'conflict',
    QUEUE_CHECK_IN_STATE: 'conflict',
    QUEUE_TRANSFER_TARGET: 'refused',
  },
  { messages: fromRoot('plugins/queue/i18n') },
);

type QueueErrorCodes = (typeof queueErrors)['codes'];

declare module '../../apps/server/src/common/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainErrorCodes extends QueueErrorCodes {}
}
