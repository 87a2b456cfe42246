// The counter workplace and the presence overview with JavaScript: the page polls itself with
// If-None-Match (304 while nothing changed) and swaps the changed parts ([data-live]) in place;
// new arrivals in the waiting list are announced (aria-live), marked and optionally chimed; keys
// trigger the buttons that name them (data-key). Without JavaScript the forms work as they are.
(function () {
  'use strict';
  var board = document.getElementById('board');
  if (!board || !window.fetch || !window.DOMParser) return;
  var INTERVAL = 2500;
  var etag = board.getAttribute('data-etag') || '';
  var announceTemplate = board.getAttribute('data-announce');
  var newLabel = board.getAttribute('data-new') || 'new';
  var rendered = {};
  var seen = waitingIds();
  var audio = null;

  function regions(root) {
    return Array.prototype.slice.call(root.querySelectorAll('[data-live]'));
  }
  regions(board).forEach(function (r) {
    rendered[r.getAttribute('data-live')] = r.innerHTML;
  });

  /** Shortcut keys: announced (aria-keyshortcuts) and shown only where they work. */
  function decorate(root) {
    root.querySelectorAll('[data-key]').forEach(function (button) {
      button.setAttribute('aria-keyshortcuts', button.getAttribute('data-key').toUpperCase());
      var hint = button.querySelector('.wp-key');
      if (hint) hint.hidden = false;
    });
  }
  decorate(board);
  board.querySelectorAll('.wp-live-hint, .wp-tone').forEach(function (el) {
    el.hidden = false;
  });

  function waitingIds() {
    var ids = {};
    board.querySelectorAll('[data-live="waiting"] tr[data-ticket]').forEach(function (row) {
      ids[row.getAttribute('data-ticket')] = true;
    });
    return ids;
  }

  // A part the clerk is working in (a field focused, the transfer form open) waits for the next poll.
  function busy(region) {
    var active = document.activeElement;
    if (active && region.contains(active) && active.matches('input, select, textarea')) return true;
    return !!region.querySelector('details[open]');
  }

  // The focused button's identity, to focus its successor after a swap.
  function focusKey(region) {
    var active = document.activeElement;
    if (!active || !region.contains(active) || active.tagName !== 'BUTTON') return null;
    var form = active.form;
    var ticket = form && form.querySelector('input[name="ticket"], input[name="termin"]');
    return { action: form ? form.getAttribute('action') : '', ticket: ticket ? ticket.value : '' };
  }
  function refocus(region, key) {
    if (!key) return;
    var buttons = region.querySelectorAll('form button');
    for (var i = 0; i < buttons.length; i++) {
      var form = buttons[i].form;
      var ticket = form.querySelector('input[name="ticket"], input[name="termin"]');
      if (form.getAttribute('action') === key.action && (ticket ? ticket.value : '') === key.ticket) return buttons[i].focus();
    }
  }

  function chime() {
    if (!audio) return;
    var now = audio.currentTime;
    [880, 660].forEach(function (freq, i) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.3, now + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.17);
    });
  }
  var tone = document.getElementById('wp-tone');
  if (tone) {
    // A sound needs the clerk's own gesture first (browsers' autoplay rules): the checkbox is it.
    var enable = function () {
      if (tone.checked && !audio && window.AudioContext) audio = new window.AudioContext();
      if (!tone.checked) audio = null;
    };
    try {
      tone.checked = window.localStorage.getItem('wp-tone') === '1';
    } catch (e) {
      /* storage off: the box starts unchecked */
    }
    tone.addEventListener('change', function () {
      enable();
      try {
        window.localStorage.setItem('wp-tone', tone.checked ? '1' : '0');
      } catch (e) {
        /* not remembered */
      }
    });
    document.addEventListener('click', enable, { once: true });
  }

  function signalArrivals() {
    if (!announceTemplate) return;
    var now = waitingIds();
    var numbers = [];
    board.querySelectorAll('[data-live="waiting"] tr[data-ticket]').forEach(function (row) {
      if (seen[row.getAttribute('data-ticket')]) return;
      row.classList.add('wp-new');
      var label = document.createElement('span');
      label.className = 'wp-new-label';
      label.textContent = newLabel;
      row.querySelector('th').appendChild(label);
      numbers.push(row.getAttribute('data-number'));
    });
    seen = now;
    if (!numbers.length) return;
    var live = document.getElementById('wp-arrival');
    live.textContent = announceTemplate.replace('{numbers}', numbers.join(', '));
    chime();
  }

  function apply(html) {
    var next = new DOMParser().parseFromString(html, 'text/html').getElementById('board');
    // Another page came back (the workplace was closed, the session ended): show it whole.
    if (!next) return window.location.reload();
    var deferred = false;
    regions(next).forEach(function (fresh) {
      var name = fresh.getAttribute('data-live');
      var region = board.querySelector('[data-live="' + name + '"]');
      if (!region || rendered[name] === fresh.innerHTML) return;
      if (busy(region)) {
        deferred = true;
        return;
      }
      var key = focusKey(region);
      region.innerHTML = fresh.innerHTML;
      rendered[name] = fresh.innerHTML;
      decorate(region);
      refocus(region, key);
      if (name === 'waiting') signalArrivals();
    });
    // A deferred part is fetched again next time rather than answered with 304.
    etag = deferred ? '' : next.getAttribute('data-etag') || '';
  }

  function poll() {
    fetch(board.getAttribute('data-poll'), { headers: etag ? { 'If-None-Match': etag } : {}, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        if (res.status === 304) return null;
        if (!res.ok) throw new Error(String(res.status));
        return res.text();
      })
      .then(function (html) {
        if (html !== null) apply(html);
        window.setTimeout(poll, INTERVAL);
      })
      .catch(function () {
        window.setTimeout(poll, INTERVAL * 4);
      });
  }
  window.setTimeout(poll, INTERVAL);

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var target = event.target;
    // Never while typing or choosing in a field.
    if (target && target.closest && target.closest('input, select, textarea, [contenteditable], summary')) return;
    var key = (event.key || '').toLowerCase();
    if (!/^[a-z]$/.test(key)) return;
    var button = board.querySelector('button[data-key="' + key + '"]');
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  });
})();
