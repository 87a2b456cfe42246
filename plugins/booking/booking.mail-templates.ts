import { fromRoot } from '../../apps/server/src/common/project-root.js';
import type { MailTemplateName, PluginMailTemplates } from '../../apps/server/src/notifications/notification.types.js';
import type { BookingMessageKind } from './booking-mail.service.js';

/** The booking's mail templates (one per message kind) and their names in the panel's E-Mail-Vorlagen. */
const names: Record<BookingMessageKind, MailTemplateName> = {
  receipt: {
    label: { de: 'Buchungsbestätigung (Eingangsbestätigung)', en: 'Booking receipt (please confirm)' },
    sentWhen: {
      de: 'Gleich nach der Online-Buchung; mit dem Link, über den die Bürgerin oder der Bürger den Termin bestätigt.',
      en: 'Right after an online booking, with the link the citizen confirms the appointment with.',
    },
  },
  confirmation: {
    label: { de: 'Terminbestätigung', en: 'Appointment confirmation' },
    sentWhen: {
      de: 'Wenn ein Termin bestätigt oder verlegt ist; mit Kalendereintrag.',
      en: 'When an appointment is confirmed or moved, with a calendar entry.',
    },
  },
  cancellation: {
    label: { de: 'Terminabsage', en: 'Appointment cancellation' },
    sentWhen: {
      de: 'Wenn ein Termin abgesagt wird, von der Bürgerin, dem Bürger oder der Verwaltung.',
      en: 'When an appointment is cancelled, by the citizen or by staff.',
    },
  },
  reminder: {
    label: { de: 'Terminerinnerung', en: 'Appointment reminder' },
    sentWhen: { de: 'Vor dem Termin, zur eingestellten Erinnerungszeit.', en: 'Before the appointment, at the configured reminder time.' },
  },
  'block-offer': {
    label: { de: 'Termin fällt aus: neue Zeit wählen', en: 'Appointment cannot take place: choose a new time' },
    sentWhen: {
      de: 'Wenn die Verwaltung die Zeit eines gebuchten Termins sperrt; mit Link zum Verlegen.',
      en: "When staff block a booked appointment's time, with a link to move it.",
    },
  },
};

export const bookingMailTemplates: PluginMailTemplates = { dir: fromRoot('plugins/booking/templates'), names };
