import { defineErrors } from '../../apps/server/src/common/domain-error.js';
import { fromRoot } from '../../apps/server/src/common/project-root.js';

/**
 * The Terminagent's domain error codes (code → kind); their German and English texts are
 * `errors.code.<CODE>` in portal/i18n. Listed in docs/errors.md.
 */
export const terminagentErrors = defineErrors(
  {
    WISH_DUPLICATE: 'conflict',
    WISH_DUPLICATE_UNCONFIRMED: 'conflict',
    WISH_CLOSED: 'conflict',
    WISH_LINK_LAPSED: 'conflict',
    WISH_CHANGED: 'conflict',
    OFFER_LAPSED: 'conflict',
    OFFER_ANSWERED: 'conflict',
  },
  { messages: fromRoot('plugins/terminagent/portal/i18n') },
);

type TerminagentErrorCodes = (typeof terminagentErrors)['codes'];

declare module '../../apps/server/src/common/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainErrorCodes extends TerminagentErrorCodes {}
}
