// The call display: polls the state API with the device's token (If-None-Match, so an unchanged
// queue costs a 304), shows the calls, gongs on a new call or a recall, alternates the labels among
// the configured languages and recovers on its own from network loss and server restarts. The
// token and the way back to the pairing page are the devices' shared helper's (device-client.js,
// loaded before this file).
(function () {
  'use strict';
  var device = window.AmtszeitDevice;
  var root = document.getElementById('display');
  if (!root) return;
  var data = root.dataset;
  var labels = JSON.parse(data.labels);
  var site = { slug: data.slug, base: data.base };
  // Not paired: the helper opens the pairing page.
  if (!device.requireToken(site)) return;

  var MAX_BACKOFF_MS = 30000;
  // After this many failures in a row the page reloads once the server answers again (never while
  // it is down: a reload then would leave the browser's error page, which polls nothing).
  var RELOAD_AFTER_FAILURES = 10;
  // A poll that has not finished after this long is aborted and counts as a failure (offline mark,
  // retry): without it a request that never settles would stop the polling for good.
  var MIN_TIMEOUT_MS = 10000;
  var el = function (id) {
    return document.getElementById(id);
  };
  var state = {
    etag: null,
    failures: 0,
    pollMs: 3000,
    languageMs: 10000,
    languages: ['de'],
    language: 0,
    offsetMs: 0,
    gong: false,
    // ticketId → calledAt of the last answer (a recall moves it); null until the first answer, which never gongs.
    seen: null,
    body: null,
  };

  function label(key, params) {
    var lang = state.languages[state.language] || 'de';
    var text = (labels[lang] || labels.de)[key] || '';
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return params && name in params ? String(params[name]) : whole;
    });
  }

  function applyLanguage() {
    var lang = state.languages[state.language] || 'de';
    document.documentElement.lang = lang;
    var nodes = root.querySelectorAll('[data-label]');
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = label(nodes[i].getAttribute('data-label'));
    if (state.body) renderFigures(state.body.state);
    tick();
  }

  function tick() {
    var lang = state.languages[state.language] || 'de';
    var now = new Date(Date.now() + state.offsetMs);
    el('clock').textContent = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: data.zone }).format(now);
  }

  // The gong: a self-hosted file decoded once; playing needs a browser started with the autoplay
  // flag (docs/display.md), elsewhere it stays silent.
  var audio = null;
  function gong() {
    if (!state.gong || !window.AudioContext) return;
    if (!audio) {
      var context = new window.AudioContext();
      audio = {
        context: context,
        buffer: fetch(data.gong, { credentials: 'omit' })
          .then(function (r) {
            return r.arrayBuffer();
          })
          .then(function (bytes) {
            return context.decodeAudioData(bytes);
          }),
      };
    }
    var ctx = audio.context;
    Promise.resolve(ctx.state === 'suspended' ? ctx.resume() : null)
      .then(function () {
        return audio.buffer;
      })
      .then(function (buffer) {
        var source = ctx.createBufferSource();
        source.buffer = buffer;
        source.connect(ctx.destination);
        source.start();
      })
      .catch(function () {
        /* no sound allowed or no output: the screen still shows the call */
      });
  }

  function renderCalls(calls, fresh) {
    var list = el('calls');
    while (list.firstChild) list.removeChild(list.firstChild);
    for (var i = 0; i < calls.length; i++) {
      var call = calls[i];
      var item = document.createElement('li');
      item.className = 'call' + (fresh[call.ticketId] ? ' is-new' : '');
      item.setAttribute('data-ticket', call.ticketId);
      var number = document.createElement('span');
      number.className = 'call-number';
      number.textContent = call.number;
      var counter = document.createElement('span');
      counter.className = 'call-counter';
      var name = document.createElement('span');
      name.textContent = call.counterName;
      counter.appendChild(name);
      // The room as the catalog names it ("Erdgeschoss, Raum 0.12"): no label, it reads in any language.
      if (call.room) {
        var room = document.createElement('small');
        room.textContent = call.room;
        counter.appendChild(room);
      }
      item.appendChild(number);
      item.appendChild(counter);
      list.appendChild(item);
    }
    el('empty').hidden = calls.length > 0;
  }

  function renderFigures(s) {
    el('waiting').textContent = String(s.waitingCount);
    el('estimate').textContent = s.estimatedWaitMinutes === null ? label('noEstimate') : label('minutes', { n: s.estimatedWaitMinutes });
  }

  function apply(body) {
    var config = body.display;
    var s = body.state;
    state.body = body;
    state.offsetMs = Date.parse(body.serverTime) - Date.now();
    state.pollMs = config.pollSeconds * 1000;
    state.gong = config.gong;
    if (config.languages.join() !== state.languages.join() || config.languageSeconds * 1000 !== state.languageMs) {
      state.languages = config.languages;
      state.languageMs = config.languageSeconds * 1000;
      state.language = 0;
      restartLanguages();
    }
    root.className = 'display layout-' + config.layout;
    root.style.setProperty('--rows', String(Math.max(config.rows, 1)));
    el('location').textContent = s.locationName;
    var notice = el('notice');
    notice.textContent = config.notice;
    notice.hidden = !config.notice;

    var calls = s.calls.slice().sort(function (a, b) {
      return Date.parse(b.calledAt) - Date.parse(a.calledAt);
    });
    var fresh = {};
    var any = false;
    var seen = {};
    for (var i = 0; i < calls.length; i++) {
      var c = calls[i];
      seen[c.ticketId] = c.calledAt;
      // A call this screen has not shown yet, or a recall of one it has (its instant moved).
      if (state.seen !== null && state.seen[c.ticketId] !== c.calledAt) {
        fresh[c.ticketId] = true;
        any = true;
      }
    }
    state.seen = seen;
    renderCalls(calls, fresh);
    renderFigures(s);
    applyLanguage();
    if (any) {
      el('announce').textContent = label('newCall', { number: calls[0].number, counter: calls[0].counterName });
      gong();
    }
  }

  var languageTimer = null;
  function restartLanguages() {
    if (languageTimer) window.clearInterval(languageTimer);
    languageTimer = null;
    if (state.languages.length < 2) return;
    languageTimer = window.setInterval(function () {
      state.language = (state.language + 1) % state.languages.length;
      applyLanguage();
    }, state.languageMs);
  }

  function online(ok) {
    el('offline').hidden = ok;
  }

  function poll() {
    var headers = { Accept: 'application/json' };
    if (state.etag) headers['If-None-Match'] = state.etag;
    // A 401 (revoked, re-paired, another town) makes the helper open the pairing page.
    if (!device.requireToken(site)) return;
    device
      .deviceFetch(site, data.api, { headers: headers }, Math.max(MIN_TIMEOUT_MS, 3 * state.pollMs))
      .then(function (res) {
        if (res.status !== 200 && res.status !== 304) throw new Error('HTTP ' + res.status);
        if (state.failures >= RELOAD_AFTER_FAILURES) {
          window.location.reload();
          return 'stop';
        }
        if (res.status === 304) return 'ok';
        return res.json().then(function (body) {
          // A new release of this page's files: load it (the server is up, it just answered).
          if (body.assetVersion !== data.assets) {
            window.location.reload();
            return 'stop';
          }
          state.etag = res.headers.get('ETag');
          apply(body);
          return 'ok';
        });
      })
      .then(
        function (outcome) {
          if (outcome === 'stop') return;
          state.failures = 0;
          online(true);
          window.setTimeout(poll, state.pollMs);
        },
        function (err) {
          // The helper is already opening the pairing page.
          if (err && err.message === 'not paired') return;
          state.failures += 1;
          online(false);
          var backoff = Math.min(MAX_BACKOFF_MS, state.pollMs * Math.pow(2, state.failures - 1));
          // Jitter, so that a hall of screens does not return in step after a restart.
          window.setTimeout(poll, backoff / 2 + Math.random() * (backoff / 2));
        },
      );
  }

  window.setInterval(tick, 1000);
  tick();
  poll();
})();
