// Starts the first API requests of the page being opened while the app's code is still loading:
// the session check on every page, and on a map page (/units/CODE) the unit and its boundaries.
// A plain script in <head>, not part of the bundle, so it runs before the bundle has even arrived.
// The app takes each answer once (web/src/lib/early.ts, used by api()); the headers are the ones
// api() sends, so the answer is the one the app would have got.
(function () {
  var lang = 'vi';
  try {
    if (localStorage.getItem('chongdich.lang') === 'en') lang = 'en';
  } catch (e) {
    /* storage blocked: Vietnamese, as the app does */
  }
  var paths = ['/auth/me'];
  var unit = /^\/units\/([A-Za-z0-9-]{1,40})$/.exec(location.pathname);
  if (unit) paths.push('/units/' + unit[1], '/units/' + unit[1] + '/map');
  var started = {};
  for (var i = 0; i < paths.length; i++) {
    var p = fetch('/api' + paths[i], { headers: { Accept: 'application/json', 'Accept-Language': lang }, credentials: 'same-origin' });
    // A failure is the app's to see when it takes the answer; never an unhandled rejection here.
    p.catch(function () {});
    started[paths[i]] = { lang: lang, at: Date.now(), response: p };
  }
  window.__chongdichEarly = started;
})();
