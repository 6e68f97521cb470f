// Starts the requests the first screen needs while the app's JavaScript is still loading (a
// separate file, not inline: the CSP allows only scripts from the server). The app takes each
// answer once (web/src/lib/boot.ts) and asks the server itself for anything that did not succeed.
(function () {
  var lang = 'vi';
  try {
    if (localStorage.getItem('chongdich.lang') === 'en') lang = 'en';
  } catch (e) {}
  function get(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json', 'Accept-Language': lang } })
      .then(function (r) {
        return r.ok ? r.json().then(function (body) { return { status: r.status, body: body }; }) : { status: r.status, body: null };
      })
      .catch(function () {
        return { status: 0, body: null };
      });
  }
  var boot = { '/auth/me': get('/api/auth/me') };
  var m = /^\/units\/([A-Za-z0-9-]{1,40})$/.exec(location.pathname);
  if (m) {
    boot['/units/' + m[1]] = get('/api/units/' + m[1]);
    boot['/units/' + m[1] + '/map'] = get('/api/units/' + m[1] + '/map');
  }
  window.__chongdichBoot = boot;
})();
