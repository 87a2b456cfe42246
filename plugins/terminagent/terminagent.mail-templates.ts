import { fromRoot } from '../../apps/server/src/common/project-root.js';
import type { PluginMailTemplates } from '../../apps/server/src/notifications/notification.types.js';

/** The terminagent's mail templates and their names in the panel's E-Mail-Vorlagen. */
const names: PluginMailTemplates['names'] = {
  'wish-confirm': {
    label: { de: 'Terminwunsch bestätigen (Terminagent)', en: 'Confirm the appointment wish (appointment agent)' },
    sentWhen: {
      de: 'Gleich nach dem Eintragen eines Terminwunschs; mit dem Link, über den der Wunsch bestätigt wird.',
      en: 'Right after a wish is entered, with the link that confirms it.',
    },
  },
  offer: {
    label: { de: 'Terminvorschlag des Terminagenten', en: "The appointment agent's offer" },
    sentWhen: {
      de: 'Wenn der Terminagent passende freie Termine gefunden hat; mit Link zum Annehmen bis zur Frist.',
      en: 'When the appointment agent has found matching free times, with a link to accept them before the deadline.',
    },
  },
};

export const terminagentMailTemplates: PluginMailTemplates = { dir: fromRoot('plugins/terminagent/templates'), names };
