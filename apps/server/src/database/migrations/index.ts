import { CoreAdminAuthAudit1795321191569 } from './1795321191569-admin-auth-audit.migration.js';
import { CoreAdminUserLocale1796160350126 } from './1796160350126-admin-user-locale.migration.js';
import { CoreIdempotencyRecord1796160256764 } from './1796160256764-idempotency-record.migration.js';
import { CoreInitial1795320803792 } from './1795320803792-initial.migration.js';
import { CoreOutboxChannels1796170121675 } from './1796170121675-outbox-channels.migration.js';
import { CoreOutboxDrainIndex1796160232669 } from './1796160232669-outbox-drain-index.migration.js';
import { CoreOutboxMessage1795321515281 } from './1795321515281-outbox-message.migration.js';
import { CoreSharedCounter1795330828834 } from './1795330828834-shared-counter.migration.js';
export const CORE_MIGRATION_LIST: Function[] = [CoreInitial1795320803792, CoreAdminAuthAudit1795321191569, CoreOutboxMessage1795321515281, CoreSharedCounter1795330828834, CoreOutboxDrainIndex1796160232669, CoreIdempotencyRecord1796160256764, CoreAdminUserLocale1796160350126, CoreOutboxChannels1796170121675];
