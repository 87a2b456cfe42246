import type { AmtszeitPlugin } from '../apps/server/src/plugin-host/plugin.types.js';
import { bookingPlugin } from './booking/booking.plugin.js';
import { displayPlugin } from './display/display.plugin.js';
import { kioskPlugin } from './kiosk/kiosk.plugin.js';
import { queuePlugin } from './queue/queue.plugin.js';
import { terminagentPlugin } from './terminagent/terminagent.plugin.js';

/** Every plugin the installation loads; each tenant switches them on or off. */
export const ALL_PLUGINS: AmtszeitPlugin[] = [bookingPlugin, terminagentPlugin, queuePlugin, kioskPlugin, displayPlugin] as AmtszeitPlugin[];
