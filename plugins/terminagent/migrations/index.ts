import { TerminagentTerminagentInitial1795324262755 } from './1795324262755-terminagent-initial.migration.js';
export const TERMINAGENT_MIGRATIONS: Function[] = [TerminagentTerminagentInitial1795324262755];
