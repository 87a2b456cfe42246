// Self-hosted ALTCHA proof of work (no third party, no framework): finds n with
// SHA-256(salt + n) = challenge and puts the base64 payload into the form's `altcha` field.
// Loaded only when the tenant's captcha is on; without JavaScript the page explains the way out.
(function () {
  var form = document.querySelector('form[data-altcha]');
  if (!form || !window.crypto || !crypto.subtle) return;
  var c = JSON.parse(form.getAttribute('data-altcha'));
  var field = form.querySelector('input[name=altcha]');
  var status = document.getElementById('altcha-status');
  var submitter = null;
  var done = false;
  var hex = function (buf) {
    return Array.prototype.map
      .call(new Uint8Array(buf), function (b) {
        return ('0' + b.toString(16)).slice(-2);
      })
      .join('');
  };
  var encoder = new TextEncoder();
  async function solve() {
    for (var n = 0; n <= c.maxnumber; n++) {
      if (hex(await crypto.subtle.digest('SHA-256', encoder.encode(c.salt + n))) === c.challenge) return n;
    }
    return null;
  }
  solve().then(function (n) {
    if (n === null) return;
    field.value = btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature }));
    done = true;
    if (status) status.textContent = status.getAttribute('data-done');
    if (submitter) form.requestSubmit(submitter);
  });
  // A click before the work is done waits for it instead of sending an empty answer.
  form.addEventListener('submit', function (e) {
    if (done) return;
    e.preventDefault();
    submitter = e.submitter || null;
    if (status) status.textContent = status.getAttribute('data-working');
  });
})();
