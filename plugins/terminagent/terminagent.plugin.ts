import { definePlugin } from '../../apps/server/src/plugin-host/plugin.types.js';
import { AGENT_CHANNEL_CONSUMER } from '../booking/booking.api.js';
import { CapacityEventsSubscriber } from './capacity-events.subscriber.js';
import { TerminagentMatchState } from './entities/match-state.entity.js';
import { TerminagentOffer } from './entities/offer.entity.js';
import { TerminagentProposal } from './entities/proposal.entity.js';
import { TerminagentWish } from './entities/wish.entity.js';
import { TERMINAGENT_MIGRATIONS } from './migrations/index.js';
import { TerminagentDashboardFigures } from './terminagent-dashboard.js';
import { terminagentManifest } from './terminagent.manifest.js';
import { terminagentAdminResources } from './terminagent.admin.js';
import { terminagentErrors } from './terminagent.errors.js';
import { terminagentMailTemplates } from './terminagent.mail-templates.js';
import { TerminagentModule } from './terminagent.module.js';
import { terminagentTasks } from './terminagent.tasks.js';

export const terminagentPlugin = definePlugin({
  ...terminagentManifest,
  module: TerminagentModule,
  entities: [TerminagentWish, TerminagentOffer, TerminagentProposal, TerminagentMatchState],
  migrations: TERMINAGENT_MIGRATIONS,
  tasks: terminagentTasks,
  errors: terminagentErrors,
  mailTemplates: terminagentMailTemplates,
  subscribers: [CapacityEventsSubscriber],
  dashboard: TerminagentDashboardFigures,
  // Places appointments from booking's agent share; without it that share is released online.
  capabilities: [AGENT_CHANNEL_CONSUMER],
  adminResources: terminagentAdminResources,
  staffPages: [{ label: { de: 'Kennzahlen des Terminagenten', en: 'Appointment agent figures' }, path: (slug) => `/${slug}/mitarbeiter/terminagent` }],
});
