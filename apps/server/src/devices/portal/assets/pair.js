// The pairing page: posts the code (typed, or from the QR's URL fragment, which never reaches the
// server's logs), keeps the token in localStorage and opens the device's page.
(function () {
  'use strict';

  const form = document.getElementById('device-pair');
  const input = document.getElementById('code');
  const error = document.getElementById('code-error');
  const status = document.getElementById('device-pair-status');
  const site = { slug: form.dataset.slug, base: form.dataset.base };
  const homes = JSON.parse(form.dataset.homes);
  const lang = document.documentElement.lang;

  if (new URLSearchParams(location.search).get('getrennt') === '1') document.getElementById('device-unpaired').hidden = false;

  /** ABCDEFGH → ABCD-EFGH while typing. */
  function formatted(value) {
    const raw = value
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 8);
    return raw.length > 4 ? `${raw.slice(0, 4)}-${raw.slice(4)}` : raw;
  }

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'code-hint code-error');
    } else {
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', 'code-hint');
    }
  }

  async function pair() {
    showError('');
    status.textContent = form.dataset.working;
    let response;
    try {
      response = await fetch(`/api/v1/tenants/${encodeURIComponent(site.slug)}/devices/pair`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept-Language': lang },
        body: JSON.stringify({ code: input.value }),
        credentials: 'omit',
      });
    } catch {
      status.textContent = '';
      showError(form.dataset.failed);
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      status.textContent = '';
      showError(body.message || form.dataset.failed);
      input.focus();
      return;
    }
    window.AmtszeitDevice.storeToken(site, body.token);
    status.textContent = form.dataset.done.replace('{name}', body.name);
    location.replace(`${site.base}/${homes[body.kind]}`);
  }

  input.addEventListener('input', () => {
    input.value = formatted(input.value);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void pair();
  });

  const fromQr = new URLSearchParams(location.hash.slice(1)).get('code');
  if (fromQr) {
    // Out of the address bar and the history at once.
    history.replaceState(null, '', location.pathname + location.search);
    input.value = formatted(fromQr);
    void pair();
  } else {
    input.focus();
  }
})();
