import { describe, expect, it } from '@jest/globals';
import type { CatalogSnapshot } from '../../../apps/server/src/catalog/catalog.service.js';
import { fromRoot } from '../../../apps/server/src/common/project-root.js';
import { Messages } from '../../../apps/server/src/web/i18n.js';
import type { CounterBoard, TicketView, WorkplaceView } from '../queue.types.js';
import { counterView, presenceView, type ViewContext } from './board-view.js';

const messages = new Messages(fromRoot('apps/server/src/web/portal/i18n'), fromRoot('plugins/queue/workplace-pages/i18n'));

const catalog = {
  services: [
    { id: 's1', name: 'Personalausweis beantragen', nameEn: 'Apply for an ID card', active: true, walkIn: true },
    { id: 's2', name: 'Reisepass beantragen', nameEn: null, active: true, walkIn: false },
    { id: 's3', name: 'Alt', nameEn: null, active: false, walkIn: true },
  ],
  offerings: [
    { locationId: 'L1', serviceId: 's1' },
    { locationId: 'L1', serviceId: 's2' },
    { locationId: 'L1', serviceId: 's3' },
  ],
  locations: [
    { id: 'L1', name: 'Rathaus' },
    { id: 'L2', name: 'Nord' },
  ],
  checklist: [],
} as unknown as CatalogSnapshot;

function context(locale: 'de' | 'en' = 'de'): ViewContext {
  return { t: messages.translator(locale), locale, catalog };
}

function ticket(id: string, over: Partial<TicketView> = {}): TicketView {
  return {
    id,
    number: id.toUpperCase(),
    kind: 'walk-in',
    status: 'waiting',
    priority: 0,
    locationId: 'L1',
    serviceIds: ['s1'],
    bookingId: null,
    issuedAt: '2026-11-23T07:00:00.000Z',
    sortAt: '2026-11-23T07:00:00.000Z',
    appointmentStart: null,
    calledAt: null,
    startedAt: null,
    finishedAt: null,
    callCount: 0,
    counterId: null,
    targetCounterId: null,
    estimatedWaitMinutes: null,
    position: null,
    ...over,
  };
}

function workplace(over: Partial<WorkplaceView> = {}): WorkplaceView {
  return {
    userId: 'u1',
    userName: 'Clara',
    locationId: 'L1',
    counterId: 'c1',
    counterName: 'Platz 1',
    serviceIds: [],
    status: 'open',
    since: '2026-11-23T07:00:00.000Z',
    current: null,
    ...over,
  };
}

function board(over: Partial<CounterBoard> = {}): CounterBoard {
  return { version: 3, workplace: workplace(), waiting: [], parked: [], appointments: [], mayCallSpecific: false, mayPrioritize: false, ...over };
}

const targets = {
  counters: [
    { id: 'c1', name: 'Platz 1' },
    { id: 'c2', name: 'Platz 2' },
  ],
  locations: [
    { id: 'L1', name: 'Rathaus' },
    { id: 'L2', name: 'Nord' },
  ],
};

describe('counter and presence page views', () => {
  it('writes statuses and estimates out, names the appointment of the current ticket, and offers only other counters and locations', () => {
    const current = ticket('t7', { kind: 'appointment', status: 'called', bookingId: 'b7', serviceIds: ['s1', 's2'], callCount: 1 });
    const view = counterView(
      context(),
      board({
        workplace: workplace({ current }),
        waiting: [ticket('w1', { estimatedWaitMinutes: 0, position: 1, priority: 2 }), ticket('w2', { estimatedWaitMinutes: 12, position: 2 })],
        appointments: [
          {
            bookingId: 'b7',
            reference: 'TABC123',
            name: 'Erika Mustermann',
            serviceIds: ['s1'],
            start: '',
            end: '',
            localStart: '08:30',
            arrival: 'arrived',
            ticketId: 't7',
          },
          {
            bookingId: 'b8',
            reference: 'TDEF456',
            name: 'Max Muster',
            serviceIds: ['s1'],
            start: '',
            end: '',
            localStart: '09:00',
            arrival: 'late',
            ticketId: null,
          },
        ],
      }),
      targets,
    );
    expect(view.current).toMatchObject({
      number: 'T7',
      statusLabel: 'aufgerufen',
      kindLabel: 'Termin',
      name: 'Erika Mustermann',
      reference: 'TABC123',
      called: true,
      serving: false,
    });
    expect(view.current!.serviceChoices).toEqual([
      { id: 's1', name: 'Personalausweis beantragen', checked: true },
      { id: 's2', name: 'Reisepass beantragen', checked: true },
    ]);
    expect(view.waiting.map((w) => [w.number, w.estimate, w.urgent])).toEqual([
      ['W1', 'gleich dran', true],
      ['W2', 'ca. 12 Min.', false],
    ]);
    expect(view.appointments.map((a) => [a.reference, a.arrivalLabel, a.number, a.canCheckIn])).toEqual([
      ['TABC123', 'angekommen', 'T7', false],
      ['TDEF456', 'verspätet', null, true],
    ]);
    // Busy: nobody else may be called to this counter now.
    expect(view.mayCallNow).toBe(false);
    expect(view.workplace.services).toBe('alle');
    expect(view.walkInServices.map((s) => s.id)).toEqual(['s1']);
    expect(view.transfer.counters.map((c) => c.id)).toEqual(['c2']);
    expect(view.transfer.locations.map((l) => l.id)).toEqual(['L2']);
    expect(view.transfer.services.map((s) => s.id)).toEqual(['s1', 's2']);
  });

  it('shows service names in English where the catalog has them, and the chosen services of a workplace', () => {
    const view = counterView(context('en'), board({ workplace: workplace({ serviceIds: ['s1'] }) }), targets);
    expect(view.workplace.services).toBe('Apply for an ID card');
    expect(view.mayCallNow).toBe(true);
  });

  it('names each workplace’s state for the presence overview, with the instant it began', () => {
    const view = presenceView(context(), {
      version: 1,
      locationId: 'L1',
      waiting: [],
      workplaces: [
        workplace({
          counterName: 'Platz 1',
          current: ticket('a', { status: 'serving', startedAt: '2026-11-23T07:10:00.000Z', calledAt: '2026-11-23T07:05:00.000Z' }),
        }),
        workplace({ counterName: 'Platz 2', current: ticket('b', { status: 'called', calledAt: '2026-11-23T07:20:00.000Z' }) }),
        workplace({ counterName: 'Platz 3', status: 'paused', since: '2026-11-23T07:30:00.000Z' }),
        workplace({ counterName: 'Platz 4' }),
      ],
    });
    expect(view.workplaces.map((w) => [w.counterName, w.stateKey, w.stateInstant, w.number])).toEqual([
      ['Platz 1', 'presence.serving', '2026-11-23T07:10:00.000Z', 'A'],
      ['Platz 2', 'presence.calling', '2026-11-23T07:20:00.000Z', 'B'],
      ['Platz 3', 'presence.paused', '2026-11-23T07:30:00.000Z', null],
      ['Platz 4', 'presence.free', '2026-11-23T07:00:00.000Z', null],
    ]);
  });
});
