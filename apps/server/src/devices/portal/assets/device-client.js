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
   * the device back to the pairing page. Network errors are the caller's (retry, offline mark), and
   * so is a request that has not finished after `timeoutMs` (a wedged server, a proxy holding it, a
   * half-open connection): it is aborted, so the promise always settles. The abort also covers
   * reading the body; once that is read it does nothing.
   */
  async function deviceFetch(site, url, init = {}, timeoutMs = 10000) {
    const token = requireToken(site);
    if (!token) throw new Error('not paired');
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${token}`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), timeoutMs);
    const response = await fetch(url, { ...init, headers, cache: 'no-store', credentials: 'omit', signal: controller.signal });
    if (response.status === 401) {
      backToPairing(site);
      throw new Error('not paired');
    }
    return response;
  }

  window.AmtszeitDevice = Object.freeze({ storageKey, readToken, storeToken, forgetToken, pairingUrl, backToPairing, requireToken, deviceFetch });
})();
