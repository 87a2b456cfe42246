import { TerminagentCitizenSmsConsent1796172103015 } from './1796172103015-citizen-sms-consent.migration.js';
import { TerminagentTerminagentInitial1795324262755 } from './1795324262755-terminagent-initial.migration.js';
export const TERMINAGENT_MIGRATIONS: Function[] = [TerminagentTerminagentInitial1795324262755, TerminagentCitizenSmsConsent1796172103015];
