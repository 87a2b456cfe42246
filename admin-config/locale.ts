import type { LocaleTranslations } from 'adminjs';
import type { MailTemplateName } from '../apps/server/src/notifications/notification.types.js';

/**
 * Panel texts: German by default, English available (AdminJS's language selector). Resource and
 * field names, help texts (`help*` message keys used as property descriptions) and login messages.
 */
const common = {
  id: { de: 'ID', en: 'ID' },
  tenantId: { de: 'Kommune', en: 'Municipality' },
  createdAt: { de: 'Angelegt am', en: 'Created' },
  updatedAt: { de: 'Geändert am', en: 'Updated' },
  name: { de: 'Name', en: 'Name' },
  active: { de: 'Aktiv', en: 'Active' },
  locationId: { de: 'Standort', en: 'Location' },
  locationLabel: { de: 'Standort', en: 'Location' },
  serviceId: { de: 'Dienstleistung', en: 'Service' },
  position: { de: 'Reihenfolge', en: 'Order' },
};

const resources: Record<string, { label: { de: string; en: string }; properties: Record<string, { de: string; en: string }> }> = {
  Location: {
    label: { de: 'Standorte', en: 'Locations' },
    properties: {
      street: { de: 'Straße und Hausnummer', en: 'Street' },
      postalCode: { de: 'PLZ', en: 'Postcode' },
      city: { de: 'Ort', en: 'City' },
      directions: { de: 'Anfahrt', en: 'Directions' },
      accessibility: { de: 'Barrierefreiheit', en: 'Accessibility' },
      phone: { de: 'Telefon', en: 'Phone' },
      email: { de: 'E-Mail', en: 'Email' },
    },
  },
  Counter: {
    label: { de: 'Plätze / Schalter', en: 'Counters' },
    properties: { name: { de: 'Platz (Anzeige)', en: 'Counter (as displayed)' }, room: { de: 'Raum / Etage', en: 'Room / floor' } },
  },
  Service: {
    label: { de: 'Dienstleistungen', en: 'Services' },
    properties: {
      nameEn: { de: 'Name (englisch)', en: 'Name (English)' },
      description: { de: 'Beschreibung', en: 'Description' },
      durationMinutes: { de: 'Dauer (Minuten)', en: 'Duration (minutes)' },
      maxQuantity: { de: 'Höchstanzahl je Buchung', en: 'Max. quantity per booking' },
      fee: { de: 'Gebühr', en: 'Fee' },
      onlineBookable: { de: 'Online buchbar', en: 'Bookable online' },
      walkIn: { de: 'Ohne Termin (Wartemarke)', en: 'Walk-in' },
      leikaKey: { de: 'LeiKa-Schlüssel', en: 'LeiKa key' },
      checklist: { de: 'Mitzubringende Unterlagen', en: 'Documents to bring' },
      locations: { de: 'Angeboten an', en: 'Offered at' },
      locationIds: { de: 'Angeboten an', en: 'Offered at' },
    },
  },
  DocumentChecklistItem: {
    label: { de: 'Unterlagen (Checkliste)', en: 'Document checklist' },
    properties: { text: { de: 'Unterlage', en: 'Document' }, textEn: { de: 'Unterlage (englisch)', en: 'Document (English)' } },
  },
  ServiceOffering: { label: { de: 'Angebote je Standort', en: 'Services per location' }, properties: {} },
  Schedule: {
    label: { de: 'Zeitpläne', en: 'Schedules' },
    properties: {
      validFrom: { de: 'Gültig ab', en: 'Valid from' },
      validTo: { de: 'Gültig bis', en: 'Valid until' },
      slotMinutes: { de: 'Taktung (Minuten)', en: 'Slot length (minutes)' },
    },
  },
  ScheduleRange: {
    label: { de: 'Öffnungszeiten', en: 'Opening hours' },
    properties: {
      scheduleId: { de: 'Zeitplan', en: 'Schedule' },
      weekday: { de: 'Wochentag', en: 'Weekday' },
      startTime: { de: 'Von', en: 'From' },
      endTime: { de: 'Bis', en: 'To' },
      counters: { de: 'Besetzte Plätze', en: 'Staffed counters' },
    },
  },
  Closure: {
    label: { de: 'Schließtage', en: 'Closures' },
    properties: { fromDate: { de: 'Von', en: 'From' }, toDate: { de: 'Bis', en: 'To' }, reason: { de: 'Grund', en: 'Reason' } },
  },
  ReleasePolicy: {
    label: { de: 'Terminkontingente', en: 'Release policies' },
    properties: {
      dailyReleaseTime: { de: 'Tägliche Freigabe um', en: 'Daily release at' },
      horizonDays: { de: 'Vorlauf (Tage)', en: 'Horizon (days)' },
      sameDayReleaseTime: { de: 'Tagestermine ab', en: 'Same-day release at' },
      shareOnlinePercent: { de: 'Anteil online (%)', en: 'Online share (%)' },
      shareAgentPercent: { de: 'Anteil Terminagent (%)', en: 'Terminagent share (%)' },
      sharePhonePercent: { de: 'Anteil Telefon (%)', en: 'Phone share (%)' },
      shareKioskPercent: { de: 'Anteil Kiosk (%)', en: 'Kiosk share (%)' },
      cancelReturnDelayMinutes: { de: 'Rückgabe nach Storno (Minuten)', en: 'Return after cancel (minutes)' },
    },
  },
  AdminUser: {
    label: { de: 'Personal', en: 'Staff' },
    properties: {
      email: { de: 'E-Mail (Anmeldename)', en: 'Email (login)' },
      displayName: { de: 'Anzeigename', en: 'Display name' },
      role: { de: 'Rolle', en: 'Role' },
      password: { de: 'Passwort', en: 'Password' },
      lastLoginAt: { de: 'Letzte Anmeldung', en: 'Last login' },
      locale: { de: 'Sprache der E-Mails', en: 'Language of emails' },
      locationIds: { de: 'Standorte (Sachbearbeitung)', en: 'Locations (clerks)' },
    },
  },
  TenantPluginState: {
    label: { de: 'Plugins', en: 'Plugins' },
    properties: {
      label: { de: 'Plugin', en: 'Plugin' },
      plugin: { de: 'Kennung', en: 'Key' },
      enabled: { de: 'Eingeschaltet', en: 'Enabled' },
      settingsForm: { de: 'Einstellungen', en: 'Settings' },
    },
  },
  Tenant: {
    label: { de: 'Kommunen', en: 'Municipalities' },
    properties: {
      slug: { de: 'Kürzel', en: 'Slug' },
      timeZone: { de: 'Zeitzone', en: 'Time zone' },
      state: { de: 'Bundesland', en: 'Federal state' },
      locale: { de: 'Sprache', en: 'Language' },
      branding: { de: 'Gestaltung', en: 'Branding' },
      domains: { de: 'Domains', en: 'Domains' },
      settings: { de: 'Einstellungen', en: 'Settings' },
    },
  },
  MailTemplateOverride: {
    label: { de: 'E-Mail-Vorlagen', en: 'Email templates' },
    properties: {
      templateKey: { de: 'Vorlage', en: 'Template' },
      locale: { de: 'Sprache', en: 'Language' },
      subject: { de: 'Betreff', en: 'Subject' },
      text: { de: 'Text', en: 'Text' },
      html: { de: 'HTML-Fassung', en: 'HTML version' },
      variables: { de: 'Variablen', en: 'Variables' },
    },
  },
  AuditLog: {
    label: { de: 'Änderungsprotokoll', en: 'Audit log' },
    properties: {
      actorEmail: { de: 'Wer', en: 'Who' },
      action: { de: 'Aktion', en: 'Action' },
      resource: { de: 'Bereich', en: 'Resource' },
      recordId: { de: 'Eintrag', en: 'Record' },
      changes: { de: 'Änderungen', en: 'Changes' },
      createdAt: { de: 'Zeitpunkt', en: 'When' },
    },
  },
  WebhookEndpoint: {
    label: { de: 'Webhooks', en: 'Webhooks' },
    properties: {
      url: { de: 'Adresse (URL)', en: 'URL' },
      events: { de: 'Ereignisse', en: 'Events' },
      signingSecret: { de: 'Signaturschlüssel', en: 'Signing secret' },
      active: { de: 'Aktiv', en: 'Active' },
      description: { de: 'Beschreibung', en: 'Description' },
    },
  },
  Device: {
    label: { de: 'Geräte', en: 'Devices' },
    properties: {
      name: { de: 'Name', en: 'Name' },
      kind: { de: 'Art', en: 'Kind' },
      locationId: { de: 'Standort', en: 'Location' },
      online: { de: 'Online', en: 'Online' },
      lastSeenAt: { de: 'Zuletzt gesehen', en: 'Last seen' },
      paired: { de: 'Gekoppelt', en: 'Paired' },
      pairedAt: { de: 'Gekoppelt am', en: 'Paired at' },
      revokedAt: { de: 'Gesperrt am', en: 'Revoked at' },
      configForm: { de: 'Geräteeinstellungen', en: 'Device settings' },
    },
  },
  WebhookAttempt: {
    label: { de: 'Webhook-Zustellungen', en: 'Webhook deliveries' },
    properties: {
      endpointId: { de: 'Webhook', en: 'Webhook' },
      eventId: { de: 'Ereignis', en: 'Event' },
      eventType: { de: 'Ereignistyp', en: 'Event type' },
      attemptedAt: { de: 'Zeitpunkt', en: 'When' },
      httpStatus: { de: 'HTTP-Status', en: 'HTTP status' },
      error: { de: 'Fehler', en: 'Error' },
      durationMs: { de: 'Dauer (ms)', en: 'Duration (ms)' },
    },
  },
};

/** One of a resource, for the success notices ("Dienstleistung gespeichert"). */
const singular: Record<string, { de: string; en: string }> = {
  Location: { de: 'Standort', en: 'Location' },
  Counter: { de: 'Platz', en: 'Counter' },
  Service: { de: 'Dienstleistung', en: 'Service' },
  DocumentChecklistItem: { de: 'Unterlage', en: 'Document' },
  ServiceOffering: { de: 'Angebot', en: 'Offering' },
  Schedule: { de: 'Zeitplan', en: 'Schedule' },
  ScheduleRange: { de: 'Öffnungszeit', en: 'Opening hours' },
  Closure: { de: 'Schließtag', en: 'Closure' },
  ReleasePolicy: { de: 'Terminkontingent', en: 'Release policy' },
  AdminUser: { de: 'Konto', en: 'Account' },
  TenantPluginState: { de: 'Plugin', en: 'Plugin' },
  Tenant: { de: 'Kommune', en: 'Municipality' },
  AuditLog: { de: 'Eintrag', en: 'Entry' },
  MailTemplateOverride: { de: 'E-Mail-Vorlage', en: 'Email template' },
  WebhookEndpoint: { de: 'Webhook', en: 'Webhook' },
  WebhookAttempt: { de: 'Zustellung', en: 'Delivery' },
  Device: { de: 'Gerät', en: 'Device' },
};

/** The device resource's own actions (resources/device.resource.ts). */
const deviceActions = {
  pairingCode: { de: 'Kopplungscode erzeugen', en: 'Create pairing code' },
  revoke: { de: 'Sperren', en: 'Revoke' },
};

function notices(lang: 'de' | 'en', one: string): Record<string, string> {
  return lang === 'de'
    ? {
        successfullyCreated: `${one} angelegt`,
        successfullyUpdated: `${one} gespeichert`,
        successfullyDeleted: `${one} gelöscht`,
        successfullyBulkDeleted: `${one} gelöscht`,
        successfullyBulkDeleted_plural: `{{count}} Einträge gelöscht`,
      }
    : {
        successfullyCreated: `${one} created`,
        successfullyUpdated: `${one} saved`,
        successfullyDeleted: `${one} deleted`,
        successfullyBulkDeleted: `${one} deleted`,
        successfullyBulkDeleted_plural: `{{count}} entries deleted`,
      };
}

const help: Record<string, { de: string; en: string }> = {
  helpLocationDirections: { de: 'Wie man hinkommt: Bus und Bahn, Parken, Eingang.', en: 'How to get there: public transport, parking, entrance.' },
  helpLocationAccessibility: {
    de: 'Stufenloser Zugang, Aufzug, barrierefreies WC, Hörschleife …',
    en: 'Step-free access, lift, accessible toilet, hearing loop …',
  },
  helpCounterName: { de: 'So erscheint der Platz auf dem Aufrufmonitor, z. B. „Platz 3“.', en: 'As shown on the call display, e.g. "Counter 3".' },
  helpCounterRoom: { de: 'Raum oder Etage, z. B. „Raum 0.12, Erdgeschoss“.', en: 'Room or floor, e.g. "Room 0.12, ground floor".' },
  helpClosureLocation: {
    de: 'Leer lassen, um alle Standorte zu schließen. Gesetzliche Feiertage gelten automatisch.',
    en: 'Leave empty to close every location. Public holidays apply automatically.',
  },
  helpDate: { de: 'Datum im Format JJJJ-MM-TT.', en: 'Date as YYYY-MM-DD.' },
  helpValidTo: { de: 'Leer lassen für unbefristet.', en: 'Leave empty for no end.' },
  helpOffering: { de: 'An welchem Standort die Dienstleistung angeboten wird.', en: 'Where the service is offered.' },
  helpDuration: { de: 'Minuten je Vorgang am Schalter (mindestens 1).', en: 'Minutes per unit at the counter (at least 1).' },
  helpMaxQuantity: {
    de: 'Wie oft die Leistung in einer Buchung gewählt werden darf (z. B. Ausweise für eine Familie).',
    en: 'How many of it one booking may ask for.',
  },
  helpFee: {
    de: 'Gebühr in Euro, z. B. 46,00 €; leer, wenn kostenlos oder je nach Fall.',
    en: 'Fee in euros, e.g. 46,00 €; empty if free or depending on the case.',
  },
  helpLeika: {
    de: '14-stelliger Schlüssel aus dem Leistungskatalog (LeiKa), optional.',
    en: '14-digit key from the federal service catalogue (LeiKa), optional.',
  },
  helpChecklist: {
    de: 'Eine Unterlage je Zeile, in der gewünschten Reihenfolge. Erscheint in der Bestätigungs-E-Mail.',
    en: 'One document per line, in order. Shown in the confirmation email.',
  },
  helpLocationIds: {
    de: 'An welchen Standorten die Leistung angeboten wird. Ohne Standort ist sie nicht buchbar.',
    en: 'Where the service is offered. Without a location it cannot be booked.',
  },
  helpSlotMinutes: {
    de: 'Länge einer buchbaren Einheit; muss jede Öffnungszeit des Zeitplans teilen.',
    en: 'Length of one bookable unit; must divide every opening range.',
  },
  helpWeekday: { de: 'Wochentag der Öffnungszeit.', en: 'Weekday of the opening range.' },
  helpTime: { de: 'Uhrzeit HH:MM (Ortszeit der Kommune).', en: 'Time HH:MM (local time of the municipality).' },
  helpCounters: { de: 'Wie viele Plätze in dieser Zeit besetzt sind (Termine je Takt).', en: 'How many counters are staffed (appointments per slot).' },
  helpPolicyLocation: {
    de: 'Leer lassen für die Standardregel der Kommune; eine Regel je Standort überschreibt sie.',
    en: 'Empty for the default rule; a location rule overrides it.',
  },
  helpDailyRelease: { de: 'Uhrzeit der täglichen Freigabe neuer Termine (z. B. 09:00).', en: 'Time of the daily release (e.g. 09:00).' },
  helpHorizon: { de: 'Wie viele Tage im Voraus freigegeben wird (höchstens 28).', en: 'How many days ahead are released (at most 28).' },
  helpSameDay: { de: 'Ab wann die restlichen Termine des Tages (Tagestermine) buchbar sind.', en: 'When the rest of today becomes bookable.' },
  helpShares: { de: 'Die vier Anteile (online, Terminagent, Telefon, Kiosk) ergeben zusammen 100 %.', en: 'The four shares add up to 100 %.' },
  helpShareAgent: { de: 'Anteil, den der Terminagent für die Warteliste erhält (z. B. 20 %).', en: 'Share handed to the Terminagent (e.g. 20 %).' },
  helpCancelDelay: {
    de: 'Stornierte Termine werden erst nach dieser Zeit wieder buchbar (gegen Terminhandel).',
    en: 'Cancelled capacity returns after this delay (against slot trading).',
  },
  helpRole: {
    de: 'Kommunen-Admins verwalten die Kommune im Admin-Bereich; die Teamleitung sieht den Terminkalender aller Standorte, die Sachbearbeitung nur den ihrer Standorte.',
    en: 'Tenant admins use this panel; supervisors see the calendar of every location, clerks (staff) only that of their own locations.',
  },
  helpUserLocations: {
    de: 'Nur für Sachbearbeitung: die Standorte, deren Termine sie sieht. Ohne Standort sieht sie keine Termine.',
    en: 'Clerks only: the locations whose appointments they see. Without a location they see none.',
  },
  helpPassword: {
    de: 'Mindestens 12 Zeichen. Beim Bearbeiten leer lassen, um es nicht zu ändern.',
    en: 'At least 12 characters. Leave empty when editing to keep it.',
  },
  helpAccountLocale: {
    de: 'In dieser Sprache erhält das Konto Hinweise, z. B. nach mehreren fehlgeschlagenen Anmeldungen.',
    en: 'The account receives notices (e.g. after repeated failed logins) in this language.',
  },
  helpUserTenant: { de: 'Nur für Super-Admins wählbar; sonst gilt die eigene Kommune.', en: 'Only super-admins choose; otherwise your own municipality.' },
  helpSlug: { de: 'Kurzname in Links (/kuerzel/), nicht änderbar.', en: 'Short name in links (/slug/), cannot be changed.' },
  helpTenantFile: {
    de: 'Kommunen mit einer Datei tenants/<Kürzel>/tenant.yaml übernehmen Name, Zeitzone, Bundesland und Sprache bei jedem Start aus der Datei.',
    en: 'Municipalities with a tenants/<slug>/tenant.yaml file take name, time zone, state and language from it at every start.',
  },
  helpDeviceName: {
    de: 'Woran das Gerät vor Ort zu erkennen ist, z. B. „Anzeige Wartebereich EG“.',
    en: 'How to recognise the device on site, e.g. "Display waiting area ground floor".',
  },
  helpDeviceKind: {
    de: 'Aufrufanzeige (Bildschirm im Wartebereich) oder Kiosk (Ticket-Terminal). Nach dem Anlegen nicht mehr änderbar.',
    en: 'Call display (screen in the waiting area) or kiosk (ticket terminal). Cannot be changed after creation.',
  },
  helpWebhookUrl: {
    de: 'https- oder http-Adresse des Empfängers. Interne Adressen (localhost, private Netze) sind gesperrt, außer der Betrieb erlaubt sie.',
    en: 'https or http URL of the receiver. Internal addresses (localhost, private networks) are refused unless the operator allows them.',
  },
  helpWebhookEvents: {
    de: '* für alle oder Ereignistypen mit Komma getrennt, z. B. booking.created, booking.cancelled.',
    en: '* for all, or event types separated by commas, e.g. booking.created, booking.cancelled.',
  },
  helpWebhookSecret: {
    de: 'Mindestens 24 Zeichen; damit prüft der Empfänger die Signatur. Er wird nie wieder angezeigt; beim Bearbeiten leer lassen, um ihn zu behalten.',
    en: 'At least 24 characters; the receiver verifies the signature with it. It is never shown again; leave empty when editing to keep it.',
  },
  helpMailTemplateKey: {
    de: 'Welche E-Mail. Ohne eigenen Text gilt der mitgelieferte.',
    en: 'Which email. Without your own wording the shipped one is used.',
  },
  helpMailTemplateHtml: {
    de: 'Optional. Leer lassen: die HTML-Fassung entsteht aus dem Text.',
    en: 'Optional. Leave empty to send the text as HTML too.',
  },
  helpState: { de: 'Bundesland für die gesetzlichen Feiertage.', en: 'Federal state for public holidays.' },
};

const messages = {
  invalidCredentials: { de: 'E-Mail oder Passwort ist falsch.', en: 'Wrong email or password.' },
  loginDelayed: {
    de: 'Zu viele Fehlversuche. Bitte in {{seconds}} Sekunden erneut versuchen.',
    en: 'Too many failed attempts. Please try again in {{seconds}} seconds.',
  },
  loginDelayedMinutes: {
    de: 'Zu viele Fehlversuche. Bitte in {{minutes}} Minuten erneut versuchen.',
    en: 'Too many failed attempts. Please try again in {{minutes}} minutes.',
  },
  proofOfWorkRequired: {
    de: 'Nach mehreren Fehlversuchen ist eine zusätzliche Prüfung nötig. Sie läuft jetzt in Ihrem Browser; bitte melden Sie sich danach erneut an.',
    en: 'After several failed attempts an additional check is needed. It is now running in your browser; please log in again afterwards.',
  },
  formExpired: {
    de: 'Die Anmeldeseite ist abgelaufen oder wurde nicht von hier geöffnet. Bitte laden Sie sie neu und melden Sie sich erneut an.',
    en: 'The login page has expired or was not opened here. Please reload it and log in again.',
  },
  noPanelAccess: { de: 'Dieses Konto hat keinen Zugang zum Admin-Bereich.', en: 'This account has no access to the admin panel.' },
  recordNotFound: { de: 'Der Eintrag wurde nicht gefunden.', en: 'The record was not found.' },
  dashboardWelcome: { de: 'Willkommen, {{name}}', en: 'Welcome, {{name}}' },
  dashboardTenant: {
    de: 'Sie verwalten die Terminvergabe von {{tenant}}. Links finden Sie Stammdaten, Kontingente, Personal, Plugins und die Verwaltung.',
    en: 'You manage the appointments of {{tenant}}. Master data, contingents, staff, plugins and administration are on the left.',
  },
  dashboardSuperAdmin: { de: 'Sie verwalten alle Kommunen dieser Installation.', en: 'You manage every municipality of this installation.' },
  dashboardLocations: { de: 'Aktive Standorte', en: 'Active locations' },
  dashboardServices: { de: 'Aktive Dienstleistungen', en: 'Active services' },
  dashboardNotOffered: { de: 'Dienstleistungen ohne Standort', en: 'Services offered nowhere' },
  dashboardPlugins: { de: 'Eingeschaltete Plugins', en: 'Plugins on' },
  dashboardTenants: { de: 'Kommunen', en: 'Municipalities' },
  dashboardPages: { de: 'Seiten für Ihr Team', en: 'Pages for your team' },
  dashboardActivity: { de: 'Termine und Warteliste', en: 'Appointments and waitlist' },
  dashboardMasterData: { de: 'Stammdaten', en: 'Master data' },
  yes: { de: 'Ja', en: 'Yes' },
  mailVariables: { de: 'Verfügbare Variablen', en: 'Available variables' },
  mailChooseTemplate: { de: 'Bitte zuerst eine Vorlage wählen.', en: 'Please choose a template first.' },
  mailRequired: { de: '* muss im Text vorkommen (Link für die Bürgerinnen und Bürger).', en: '* must appear in the text (the citizen’s link).' },
  mailUseShipped: { de: 'Standardtext einsetzen', en: 'Use the standard wording' },
  mailPreview: { de: 'Vorschau mit Beispielwerten', en: 'Preview with sample values' },
  noLocations: { de: 'Noch keine Standorte angelegt.', en: 'No locations yet.' },
  no: { de: 'Nein', en: 'No' },
  pluginSettings: { de: 'Einstellungen', en: 'Settings' },
  deviceSettings: { de: 'Geräteeinstellungen', en: 'Device settings' },
  devicePairingIntro: {
    de: 'Ein Kopplungscode verbindet das Gerät „{{name}}“ mit diesem Eintrag: am Gerät die Seite …/geraet/koppeln öffnen und den Code eingeben oder den QR-Code scannen. Der Code gilt 15 Minuten und nur einmal. Ist das Gerät schon gekoppelt, gilt sein bisheriger Zugang, bis die neue Kopplung gelingt.',
    en: 'A pairing code connects the device "{{name}}" with this entry: open …/geraet/koppeln on the device and enter the code, or scan the QR code. The code is valid for 15 minutes and only once. If the device is already paired, its current access works until the new pairing succeeds.',
  },
  deviceCreateCode: { de: 'Kopplungscode erzeugen', en: 'Create pairing code' },
  deviceNewCode: { de: 'Neuen Code erzeugen', en: 'Create a new code' },
  devicePairingCode: { de: 'Kopplungscode:', en: 'Pairing code:' },
  devicePairingExpires: { de: 'Gültig bis {{time}} Uhr.', en: 'Valid until {{time}}.' },
  devicePairingQr: { de: 'QR-Code mit der Kopplungsadresse', en: 'QR code with the pairing address' },
  devicePairingUrl: { de: 'Kopplungsseite:', en: 'Pairing page:' },
  deviceRevokeIntro: {
    de: 'Sperren trennt das Gerät „{{name}}“ sofort: Es zeigt nichts mehr an und kehrt zur Kopplungsseite zurück. Mit einem neuen Kopplungscode lässt es sich wieder koppeln.',
    en: 'Revoking disconnects the device "{{name}}" at once: it shows nothing more and returns to the pairing page. A new pairing code pairs it again.',
  },
  deviceRevokeButton: { de: 'Gerät sperren', en: 'Revoke device' },
  deviceRevoked: { de: 'Das Gerät „{{name}}“ ist gesperrt.', en: 'The device "{{name}}" is revoked.' },
  deviceActionFailed: { de: 'Das hat nicht geklappt. Bitte versuchen Sie es erneut.', en: 'That did not work. Please try again.' },
  settingsRange: { de: 'Erlaubt: {{min}} bis {{max}}.', en: 'Allowed: {{min}} to {{max}}.' },
  // Field messages of the settings form, the euro fields and the mail templates: the server answers
  // the key, the panel shows it in the user's language (a settings range with the field's own bounds).
  settingsOutOfRange: { de: 'Bitte einen Wert von {{min}} bis {{max}} angeben.', en: 'Please enter a value from {{min}} to {{max}}.' },
  settingsInteger: { de: 'Bitte eine ganze Zahl angeben.', en: 'Please enter a whole number.' },
  settingsYesNo: { de: 'Bitte Ja oder Nein wählen.', en: 'Please choose Yes or No.' },
  settingsTime: { de: 'Bitte eine Uhrzeit im Format HH:MM angeben (z. B. 09:00).', en: 'Please enter a time as HH:MM (e.g. 09:00).' },
  settingsChoice: { de: 'Bitte einen Eintrag aus der Liste wählen.', en: 'Please choose an entry from the list.' },
  settingsInvalid: { de: 'Dieser Wert ist nicht zulässig.', en: 'This value is not allowed.' },
  checkMarkedFields: { de: 'Bitte die markierten Felder prüfen.', en: 'Please check the marked fields.' },
  euroAmount: { de: 'Bitte einen Betrag in Euro angeben, z. B. 12,50 €.', en: 'Please enter an amount in euros, e.g. 12,50 €.' },
  mailChooseLocale: { de: 'Bitte eine Sprache wählen.', en: 'Please choose a language.' },
  mailUnknownTemplate: { de: 'Bitte eine Vorlage aus der Liste wählen.', en: 'Please choose a template from the list.' },
  mailBroken: { de: 'Die Vorlage ist fehlerhaft: {{detail}}', en: 'The template is faulty: {{detail}}' },
  mailUnknownVariable: { de: 'Unbekannte Variable: {{detail}}', en: 'Unknown variable: {{detail}}' },
  mailMissingLink: {
    de: 'Es fehlt {{detail}} (der Link, den die Bürgerin oder der Bürger braucht).',
    en: '{{detail}} is missing (the link the citizen needs).',
  },
  allLocations: { de: 'alle Standorte', en: 'all locations' },
  pluginSwitchOperator: { de: 'Wird vom Betreiber freigeschaltet.', en: 'Switched on and off by the operator.' },
  pluginInPreparation: { de: 'In Vorbereitung', en: 'In preparation' },
  pluginInPreparationHelp: {
    de: 'Dieses Plugin ist noch nicht fertig und kann noch nicht eingeschaltet werden.',
    en: 'This plugin is not finished yet and cannot be switched on.',
  },
  anyForbiddenError: { de: 'Sie dürfen diese Aktion nicht ausführen.', en: 'You may not perform this action.' },
};

/** A message key of the panel's catalogue (what a field error carries instead of text). */
export type PanelMessage = keyof typeof messages;

const labels = {
  Stammdaten: { de: 'Stammdaten', en: 'Master data' },
  Kontingente: { de: 'Kontingente', en: 'Contingents' },
  Geräte: { de: 'Geräte', en: 'Devices' },
  Personal: { de: 'Personal', en: 'Staff' },
  Plugins: { de: 'Plugins', en: 'Plugins' },
  Verwaltung: { de: 'Verwaltung', en: 'Administration' },
};

function pick(lang: 'de' | 'en', table: Record<string, { de: string; en: string }>): Record<string, string> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v[lang]]));
}

/**
 * The mail templates' names as AdminJS's labels of the `templateKey` choices (`templateKey.<key>`, which its
 * select and filter look up), and when each is sent (`templateKeySentWhen.<key>`).
 */
function mailTemplateLabels(lang: 'de' | 'en', names: Record<string, MailTemplateName>) {
  const entries = Object.entries(names);
  return {
    templateKey: Object.fromEntries(entries.map(([key, n]) => [key, n.label[lang]])),
    templateKeySentWhen: Object.fromEntries(entries.map(([key, n]) => [key, n.sentWhen[lang]])),
  };
}

type ResourceLabels = { label: { de: string; en: string }; properties: Record<string, { de: string; en: string }> };

function build(lang: 'de' | 'en', pluginResources: Record<string, ResourceLabels>, mailTemplates: Record<string, MailTemplateName>) {
  const all = { ...resources, ...pluginResources };
  return {
    labels: { ...pick(lang, labels), ...Object.fromEntries(Object.entries(all).map(([id, r]) => [id, r.label[lang]])) },
    properties: pick(lang, common),
    actions: pick(lang, deviceActions),
    messages: { ...pick(lang, messages), ...pick(lang, help), ...notices(lang, lang === 'de' ? 'Eintrag' : 'Entry') },
    components: {
      Login: {
        welcomeHeader: lang === 'de' ? 'Anmeldung' : 'Log in',
        welcomeMessage: lang === 'de' ? 'Verwaltung der Terminvergabe Ihrer Kommune' : 'Appointment administration for your municipality',
        properties: { email: lang === 'de' ? 'E-Mail' : 'Email', password: lang === 'de' ? 'Passwort' : 'Password' },
        loginButton: lang === 'de' ? 'Anmelden' : 'Log in',
        proofWorking: lang === 'de' ? 'Zusätzliche Prüfung läuft …' : 'Additional check running …',
        proofWaiting:
          lang === 'de' ? 'Zusätzliche Prüfung läuft … Die Anmeldung wird danach gesendet.' : 'Additional check running … The login is sent when it is done.',
        proofDone: lang === 'de' ? 'Zusätzliche Prüfung abgeschlossen.' : 'Additional check complete.',
        proofUnavailable:
          lang === 'de'
            ? 'Die zusätzliche Prüfung ist in diesem Browser nicht möglich (sie braucht HTTPS). Nach mehreren Fehlversuchen kann die Anmeldung deshalb abgelehnt werden.'
            : 'The additional check is not possible in this browser (it needs HTTPS). After several failed attempts the login may therefore be refused.',
      },
    },
    resources: Object.fromEntries(
      Object.entries(all).map(([id, r]) => [
        id,
        {
          properties: pick(lang, r.properties),
          messages: singular[id] ? notices(lang, singular[id][lang]) : {},
          ...(id === 'MailTemplateOverride' ? { labels: mailTemplateLabels(lang, mailTemplates) } : {}),
        },
      ]),
    ),
  };
}

/**
 * Translations; plugins name their own resources and columns (`pluginResources`: resource id →
 * labels, from PluginAdminResource.labels) and their mail templates (`mailTemplates`: template key →
 * name, see MailTemplateService.templateNames).
 */
export function adminLocale(pluginResources: Record<string, ResourceLabels> = {}, mailTemplates: Record<string, MailTemplateName> = {}) {
  return {
    language: 'de',
    availableLanguages: ['de', 'en'],
    translations: { de: build('de', pluginResources, mailTemplates), en: build('en', pluginResources, mailTemplates) } as unknown as Record<
      string,
      Partial<LocaleTranslations>
    >,
    withBackend: false,
  };
}
