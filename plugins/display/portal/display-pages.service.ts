import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { fromRoot } from '../../../apps/server/src/common/project-root.js';
import { AssetRegistry } from '../../../apps/server/src/web/assets.js';
import { LOCALES, Messages, type Locale } from '../../../apps/server/src/web/i18n.js';
import { PageFrame, PluginPages } from '../../../apps/server/src/web/page-frame.service.js';

const DIR = fromRoot('plugins/display/portal');
/** The files a display runs on (its own and the devices' shared helper); when one changes, open displays reload (see assetVersion). */
const FILES = [
  ['display', 'display.js'],
  ['display', 'display.css'],
  ['display', 'gong.wav'],
  ['devices', 'device-client.js'],
] as const;
/** The labels the screen alternates between (display.js swaps them without a request). */
const LABELS = ['calls', 'number', 'counter', 'waiting', 'estimate', 'minutes', 'noEstimate', 'noCalls', 'newCall', 'offline'] as const;

/** The call display's page in the frame's device layout, its assets and its labels in every language. */
@Injectable()
export class DisplayPages extends PluginPages {
  private readonly messages = new Messages(`${DIR}/i18n`);
  private labelsJson: string | null = null;
  private version: string | null = null;

  constructor(
    frame: PageFrame,
    private readonly assets: AssetRegistry,
  ) {
    super(frame, { name: 'display', dir: DIR });
    assets.register('display', `${DIR}/assets`);
  }

  /** Every label in every language, as the page's data attribute carries them. */
  labels(): string {
    this.labelsJson ??= JSON.stringify(
      Object.fromEntries(
        LOCALES.map((locale: Locale) => {
          const t = this.messages.translator(locale);
          return [locale, Object.fromEntries(LABELS.map((key) => [key, t(`display.${key}`)]))];
        }),
      ),
    );
    return this.labelsJson;
  }

  /** One hash over the display's files: the API sends it, and a page built on other files reloads. */
  assetVersion(): string {
    this.version ??= createHash('sha256')
      .update(FILES.map(([namespace, file]) => this.assets.hash(namespace, file)).join())
      .digest('hex')
      .slice(0, 16);
    return this.version;
  }

  stylesheet(): string {
    return this.assets.url('display', 'display.css');
  }

  gongUrl(): string {
    return this.assets.url('display', 'gong.wav');
  }
}
