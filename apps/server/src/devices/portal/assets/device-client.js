// The browser side of a paired device, shared by the device pages (call display, kiosk): where the
// token lives (localStorage `amtszeit.device.<slug>`), requests with it, and the way back to the
// pairing page when the server no longer knows the device (401). A plain script (load it before the
// page's own): it defines `window.AmtszeitDevice`.

(function () {
  'use strict';

  /** @typedef {{ slug: string, base: string }} DeviceSite  base: '/<slug>', or '' on the town's own domain */

  function storageKey(slug) {
    return `amtszeit.device.${slug}`;
  }

  function readToken(site) {
    try {
      return localStorage.getItem(storageKey(site.slug));
    } catch {
      return null;
    }
  }

  function storeToken(site, token) {
    localStorage.setItem(storageKey(site.slug), token);
  }

  function forgetToken(site) {
    try {
      localStorage.removeItem(storageKey(site.slug));
    } catch {
      // Storage switched off: nothing to forget.
    }
  }

  function pairingUrl(site, unpaired = false) {
    return `${site.base}/geraet/koppeln${unpaired ? '?getrennt=1' : ''}`;
  }

  /** Forgets the token and opens the pairing page (replacing the device page in the history). */
  function backToPairing(site) {
    forgetToken(site);
    location.replace(pairingUrl(site, true));
  }

  /** The stored token, or (none stored) a move to the pairing page and null. */
  function requireToken(site) {
    const token = readToken(site);
    if (!token) location.replace(pairingUrl(site));
    return token;
  }

  /**
   * fetch() with the device's bearer token; a 401 (revoked, re-paired elsewhere, another town) sends
   * the device back to the pairing page. Network errors are the caller's (retry, offline mark).
   */
  async function deviceFetch(site, url, init = {}) {
    const token = requireToken(site);
    if (!token) throw new Error('not paired');
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${token}`);
    const response = await fetch(url, { ...init, headers, cache: 'no-store', credentials: 'omit' });
    if (response.status === 401) {
      backToPairing(site);
      throw new Error('not paired');
    }
    return response;
  }

  window.AmtszeitDevice = Object.freeze({ storageKey, readToken, storeToken, forgetToken, pairingUrl, backToPairing, requireToken, deviceFetch });
})();
