// The device actions "Kopplungscode erzeugen" and "Sperren": an explanation and one button that posts
// the action (a GET only shows this page). The pairing code comes back large, with the QR that the
// device's camera can open (drawn by the server as SVG, no external service), and its expiry.
import { Box, Button, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation, type ActionProps } from 'adminjs';
import React, { useState } from 'react';

const h = React.createElement;
const api = new ApiClient();

interface Pairing {
  code: string;
  expiresAt: string;
  url: string;
  qrSvg: string;
}

export default function DeviceAction(props: ActionProps) {
  const { action, resource, record } = props;
  const { translateMessage, i18n } = useTranslation();
  const [pairing, setPairing] = useState<Pairing | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  if (!record) return null;
  const lang = i18n.language?.startsWith('en') ? 'en' : 'de';
  const isPairing = action.name === 'pairingCode';

  const run = async () => {
    setBusy(true);
    setFailed(false);
    try {
      const response = await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: action.name, data: {} });
      const data = response.data as { pairing?: Pairing; revoked?: boolean };
      if (data.pairing) setPairing(data.pairing);
      if (data.revoked) setDone(true);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  const expires = pairing
    ? new Date(pairing.expiresAt).toLocaleTimeString(lang === 'de' ? 'de-DE' : 'en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' })
    : '';

  return h(
    Box,
    { variant: 'container', 'data-testid': 'device-action' },
    h(Text, { mb: 'lg' }, translateMessage(isPairing ? 'devicePairingIntro' : 'deviceRevokeIntro', resource.id, { name: record.title })),
    failed && h(MessageBox, { variant: 'danger', mb: 'lg', message: translateMessage('deviceActionFailed', resource.id) }),
    done && h(MessageBox, { variant: 'success', mb: 'lg', message: translateMessage('deviceRevoked', resource.id, { name: record.title }) }),
    !done &&
      h(
        Button,
        { variant: isPairing ? 'contained' : 'danger', onClick: run, disabled: busy, type: 'button' },
        translateMessage(isPairing ? (pairing ? 'deviceNewCode' : 'deviceCreateCode') : 'deviceRevokeButton', resource.id),
      ),
    pairing &&
      h(
        Box,
        { mt: 'xl', 'data-testid': 'pairing-code' },
        h(Text, { mb: 'sm' }, translateMessage('devicePairingCode', resource.id)),
        h(
          'p',
          {
            style: {
              fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
              fontSize: 48,
              fontWeight: 700,
              lineHeight: 1.2,
              letterSpacing: '0.1em',
              margin: '4px 0 8px',
            },
            'aria-live': 'polite',
          },
          pairing.code,
        ),
        h(Text, { mb: 'lg' }, translateMessage('devicePairingExpires', resource.id, { time: expires })),
        h('div', {
          role: 'img',
          'aria-label': translateMessage('devicePairingQr', resource.id),
          style: { width: 240, height: 240, background: '#fff' },
          // The server's own SVG (qrcode package): paths only, no scripts.
          dangerouslySetInnerHTML: { __html: pairing.qrSvg },
        }),
        h(Text, { mt: 'sm', style: { wordBreak: 'break-all' } }, translateMessage('devicePairingUrl', resource.id), ' ', pairing.url.split('#')[0]),
      ),
  );
}
