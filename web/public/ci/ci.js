// The light check-in pages (docs/checkins.md): plain JavaScript, no framework, no build step, a few
// kilobytes, so that a cheap phone on slow 3G opens them in seconds. Pages: check-in at a venue
// (index.html?v=CODE), personal QR (qr.html), the venue staff's scanner (scan.html?v=CODE#k=KEY),
// "was I exposed?" (tra-cuu.html). The identity is kept in this phone's localStorage only.
(function () {
  'use strict';
  var EN = {
    app: 'Check in', loading: 'Loading…', as: 'You check in as:', confirm: 'I am here — check in', change: 'Change my details', name: 'Full name',
    byPhone: 'Phone number', byCccd: 'ID card (CCCD)', phone: 'Phone number', cccd: 'Citizen ID card number (12 digits)', remember: 'Remember on this phone',
    myQr: 'My personal QR', lookup: 'Was I exposed?', privacy: 'Used only for contact tracing when there is a case, and deleted after the province’s retention period.',
    qrHelp: 'Show this code to the venue staff to be checked in. No smartphone: print the card and carry it.', cccdOpt: 'CCCD number (optional)', showQr: 'Show my QR',
    printCard: 'Print the QR card (PDF)', scanTitle: 'Scan a visitor’s QR', startCamera: 'Start the camera', scanManual: 'Or use a scanner / paste the code',
    lookupHelp: 'Enter the phone number you checked in with. A code will be sent to it.', sendCode: 'Send the code', code: 'Code (6 digits)', see: 'See my check-ins',
    done: 'Checked in', at: 'at', sending: 'Sending…', retrying: 'No connection, trying again…', queued: 'Not sent yet: it will be sent when you are back online. Keep this page open.',
    venueUnknown: 'This QR code is not a venue of the system (or not approved yet).', venueRevoked: 'This venue’s QR code has been revoked.', badCode: 'The address of this page has no venue code. Scan the venue’s QR again.',
    nameRequired: 'Enter your full name', phoneInvalid: 'The phone number is not valid', cccdInvalid: 'The CCCD number is not valid (12 digits)', idRequired: 'Enter a phone number or a CCCD',
    future: 'The time on your phone is wrong (in the future). Correct it and try again.', tooMany: 'Too many check-ins, wait a minute.', again: 'Check in again',
    noVisits: 'No check-ins in the retention period.', exposedYes: 'A confirmed case was at one of these places within 1 hour of you. Stay home, wear a mask, and call the commune health station.',
    exposedNo: 'None of your check-ins overlapped with a confirmed case.', codeSent: 'A code was sent to your phone.', codeBad: 'The code is wrong or expired.', scanned: 'Checked in:', recentTitle: 'Checked in on this phone',
    noCamera: 'This browser cannot scan with the camera: use a scanner or paste the code.', keyMissing: 'This scanner link has no staff key. Ask the commune for the venue’s staff link.',
    keyWrong: 'This scanner link’s staff key is wrong or was replaced. Ask the commune for the venue’s new staff link.', qrInvalid: 'This is not a personal check-in QR code.', error: 'Something went wrong, try again.'
  };
  var VI = {};
  document.querySelectorAll('[data-t]').forEach(function (el) { VI[el.getAttribute('data-t')] = el.textContent; });
  Object.assign(VI, {
    done: 'Đã ghi nhận có mặt', at: 'lúc', sending: 'Đang gửi…', retrying: 'Mất kết nối, đang thử lại…', queued: 'Chưa gửi được: sẽ tự gửi khi có mạng. Xin giữ trang này mở.',
    venueUnknown: 'Mã QR này không phải của địa điểm trong hệ thống (hoặc chưa được duyệt).', venueRevoked: 'Mã QR của địa điểm này đã bị thu hồi.', badCode: 'Đường dẫn không có mã địa điểm. Hãy quét lại mã QR tại địa điểm.',
    nameRequired: 'Nhập họ và tên', phoneInvalid: 'Số điện thoại không đúng', cccdInvalid: 'Số CCCD không đúng (12 chữ số)', idRequired: 'Nhập số điện thoại hoặc số CCCD',
    future: 'Giờ trên điện thoại chưa đúng (ở tương lai). Hãy chỉnh lại giờ rồi thử lại.', tooMany: 'Quét quá nhiều lần, xin chờ một phút.', again: 'Khai báo lại',
    noVisits: 'Không có lần quét mã nào trong thời gian lưu giữ.', exposedYes: 'Có ca bệnh đã xác định có mặt tại một trong các địa điểm dưới đây trong vòng 1 giờ so với bạn. Hãy ở nhà, đeo khẩu trang và gọi trạm y tế xã.',
    exposedNo: 'Không có lần quét mã nào của bạn trùng với ca bệnh.', codeSent: 'Mã xác nhận đã được gửi tới số điện thoại.', codeBad: 'Mã xác nhận sai hoặc đã hết hạn.', scanned: 'Đã ghi nhận:', recentTitle: 'Đã ghi nhận trên máy này',
    noCamera: 'Trình duyệt này không quét được bằng camera: dùng máy quét hoặc dán nội dung mã.', keyMissing: 'Đường dẫn máy quét thiếu khóa nhân viên. Xin xã cấp lại đường dẫn dành cho nhân viên.',
    keyWrong: 'Khóa nhân viên của đường dẫn này không đúng hoặc đã được cấp lại. Xin xã cấp đường dẫn mới.', qrInvalid: 'Đây không phải mã QR cá nhân để quét mã khi đến.', error: 'Có lỗi, xin thử lại.'
  });
  var lang = localStorage.getItem('cd.lang') === 'en' ? 'en' : 'vi';
  function t(k) { return (lang === 'en' ? EN[k] : VI[k]) || VI[k] || k; }
  function applyLang() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-t]').forEach(function (el) { el.textContent = t(el.getAttribute('data-t')); });
    var b = $('lang'); if (b) b.textContent = lang === 'en' ? 'Tiếng Việt' : 'English';
  }
  function $(id) { return document.getElementById(id); }
  function show(el, on) { el.hidden = !on; }
  function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function key() {
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }
  function time(iso) { var d = new Date(iso); return d.toLocaleTimeString(lang === 'en' ? 'en-GB' : 'vi-VN', { hour: '2-digit', minute: '2-digit' }) + ' ' + d.toLocaleDateString(lang === 'en' ? 'en-GB' : 'vi-VN'); }
  function load(k) { try { return JSON.parse(localStorage.getItem(k) || 'null'); } catch (e) { return null; } }
  function save(k, v) { try { if (v == null) localStorage.removeItem(k); else localStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* private mode */ } }

  /** JSON over fetch without the staff app's cookie (these pages have no session). */
  function api(method, url, body) {
    return fetch(url, { method: method, credentials: 'omit', headers: body ? { 'content-type': 'application/json', 'accept-language': lang } : { 'accept-language': lang }, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        var type = r.headers.get('content-type') || '';
        if (type.indexOf('application/json') < 0) return r.blob().then(function (b) { return { status: r.status, blob: b }; });
        return r.json().then(function (j) { return { status: r.status, json: j }; });
      });
  }
  function problem(res) {
    var e = res.json && res.json.error; var codes = e ? (e.fields || []).map(function (f) { return f.field + ':' + f.code; }) : [];
    var has = function (s) { return codes.some(function (c) { return c.indexOf(s) >= 0; }); };
    if (res.status === 410) return t('venueRevoked');
    if (has('staffKey:')) return t('keyWrong');
    if (has('personalQr:')) return t('qrInvalid');
    if (has('unknown_venue')) return t('venueUnknown');
    if (has('at:in_future')) return t('future');
    if (has('fullName:')) return t('nameRequired');
    if (has('phone:phone_or_cccd')) return t('idRequired');
    if (has('phone:')) return t('phoneInvalid');
    if (has('cccd:')) return t('cccdInvalid');
    if (res.status === 429) return t('tooMany');
    return (e && e.message) || t('error');
  }
  function fail(el, msg) { el.className = 'card err'; el.innerHTML = '<b>' + esc(msg) + '</b>'; show(el, true); }

  var code = (new URLSearchParams(location.search).get('v') || '').toUpperCase().replace(/[^0-9A-Z]/g, '');
  var page = document.body.getAttribute('data-page');
  var venue = null;

  function showVenue() {
    var box = $('venue');
    if (!code) { fail(box, t('badCode')); return Promise.resolve(null); }
    return api('GET', '/api/checkins/venue/' + encodeURIComponent(code)).then(function (r) {
      if (r.status !== 200) { fail(box, problem(r)); return null; }
      venue = r.json; save('cd.province', code.slice(0, 2));
      box.className = 'card'; box.innerHTML = '<h1>' + esc(venue.name) + '</h1><div class="muted">' + esc(venue.address) + ', ' + esc(venue.communeName) + '</div>';
      return venue;
    }, function () { fail(box, t('retrying')); setTimeout(showVenue, 3000); return null; });
  }

  // ---- Check-in at a venue ----
  function checkinPage() {
    var result = $('result');
    var mode = 'phone';
    function setMode(m) { mode = m; $('usePhone').setAttribute('aria-pressed', String(m === 'phone')); $('useCccd').setAttribute('aria-pressed', String(m === 'cccd')); show($('phoneBox'), m === 'phone'); show($('cccdBox'), m === 'cccd'); }
    $('usePhone').onclick = function () { setMode('phone'); };
    $('useCccd').onclick = function () { setMode('cccd'); };
    function identityView() {
      var id = load('cd.identity');
      show($('known'), !!id); show($('form'), !id);
      if (id) { $('knownName').textContent = id.fullName; $('knownId').textContent = id.cccd ? 'CCCD ' + id.cccd : id.phone; }
      else if (load('cd.lastTyped')) { var l = load('cd.lastTyped'); $('fullName').value = l.fullName || ''; $('phone').value = l.phone || ''; $('cccd').value = l.cccd || ''; setMode(l.cccd ? 'cccd' : 'phone'); }
    }
    $('change').onclick = function () { var id = load('cd.identity'); save('cd.identity', null); save('cd.lastTyped', id); identityView(); };
    function busy(on) { ['go', 'submit'].forEach(function (b) { $(b).disabled = on; }); }
    /** Sends the pending check-in until the server answers; the key and time were fixed when the person tapped. */
    function send(p, attempt) {
      busy(true); result.className = 'card'; result.textContent = attempt ? t('retrying') : t('sending'); show(result, true);
      return api('POST', '/api/checkins', p).then(function (r) {
        if (r.status >= 500) throw new Error('server');
        busy(false);
        save('cd.pending', null);
        if (r.status === 200 || r.status === 201) {
          result.className = 'card ok';
          result.innerHTML = '<div class="big">✓</div><h1>' + esc(t('done')) + '</h1><div><b>' + esc(r.json.venue.name) + '</b></div><div>' + esc(r.json.fullName) + ' · ' + esc(t('at')) + ' ' + esc(time(r.json.at)) + '</div>';
          show($('known'), false); show($('form'), false);
          return;
        }
        fail(result, problem(r));
        if (r.status === 400 && !p.personalQr) { save('cd.identity', null); identityView(); }
      }).catch(function () {
        if (attempt >= 5) { busy(false); result.className = 'card warn'; result.textContent = t('queued'); return; }
        return new Promise(function (res) { setTimeout(res, Math.min(15000, 1000 * Math.pow(2, attempt))); }).then(function () { return send(p, attempt + 1); });
      });
    }
    function start(id) {
      var p = { venueCode: code, clientKey: key(), at: new Date().toISOString(), fullName: id.fullName, phone: id.phone || null, cccd: id.cccd || null };
      save('cd.pending', p);
      return send(p, 0);
    }
    $('go').onclick = function () { start(load('cd.identity')); };
    $('form').onsubmit = function (e) {
      e.preventDefault();
      var id = { fullName: $('fullName').value.trim(), phone: mode === 'phone' ? $('phone').value.trim() : '', cccd: mode === 'cccd' ? $('cccd').value.trim() : '' };
      if (!id.fullName) return fail(result, t('nameRequired'));
      if (!id.phone && !id.cccd) return fail(result, t('idRequired'));
      if ($('remember').checked) save('cd.identity', id);
      save('cd.lastTyped', id);
      start(id);
    };
    showVenue().then(function (v) {
      if (!v) return;
      var pending = load('cd.pending');
      // A check-in that did not get through last time (no signal) goes first, with its own key and time.
      if (pending && pending.venueCode === code) { send(pending, 0); return; }
      identityView();
    });
    window.addEventListener('online', function () { var p = load('cd.pending'); if (p) send(p, 0); });
  }

  // ---- Personal QR ----
  function qrPage() {
    var id = load('cd.identity') || load('cd.lastTyped');
    if (id) { $('fullName').value = id.fullName || ''; $('phone').value = id.phone || ''; $('cccd').value = id.cccd || ''; }
    var current = null;
    function body() { return { fullName: $('fullName').value.trim(), phone: $('phone').value.trim() || null, cccd: $('cccd').value.trim() || null }; }
    $('form').onsubmit = function (e) {
      e.preventDefault();
      api('POST', '/api/checkins/personal-qr', body()).then(function (r) {
        if (r.status !== 200) { show($('print'), false); return fail($('result'), problem(r)); }
        current = body(); save('cd.identity', current);
        $('result').className = 'card qr'; $('result').innerHTML = r.json.svg + '<h1 style="text-align:center">' + esc(r.json.fullName) + '</h1>';
        show($('result'), true); show($('print'), true);
      }, function () { fail($('result'), t('error')); });
    };
    $('print').onclick = function () {
      var b = current || body(); b.provinceCode = load('cd.province') || undefined;
      api('POST', '/api/checkins/personal-card', b).then(function (r) { if (r.blob) location.href = URL.createObjectURL(r.blob); else fail($('result'), problem(r)); });
    };
    if (id && id.fullName) $('form').requestSubmit ? $('form').requestSubmit() : $('form').onsubmit(new Event('submit'));
  }

  // ---- Venue staff scanner ----
  function scanPage() {
    var k = (location.hash.match(/k=([A-Za-z0-9_-]+)/) || [])[1] || load('cd.staffKey.' + code);
    var result = $('result');
    if (k) save('cd.staffKey.' + code, k);
    showVenue().then(function (v) { if (v && !k) fail(result, t('keyMissing')); });
    var last = '', lastAt = 0, recent = [], total = 0;
    function submit(text) {
      text = text.trim(); if (!text || !k) return;
      // The same card still in front of the camera, or read twice by a scanner: one check-in (until a minute after it was last seen).
      var seen = text === last && Date.now() - lastAt < 60000;
      last = text; lastAt = Date.now();
      if (seen) return;
      api('POST', '/api/checkins', { venueCode: code, clientKey: key(), at: new Date().toISOString(), staffKey: k, personalQr: text }).then(function (r) {
        if (r.status === 200 || r.status === 201) {
          result.className = 'card ok'; result.innerHTML = '<b>' + esc(t('scanned')) + '</b> ' + esc(r.json.fullName) + ' · ' + esc(time(r.json.at)); show(result, true);
          // The visitors recorded since the page was opened (the last 20 listed), newest first: staff see each one went in.
          total++; recent.unshift({ n: r.json.fullName, at: r.json.at }); recent.length = Math.min(recent.length, 20);
          $('recent').innerHTML = '<b>' + esc(t('recentTitle')) + ' (' + total + ')</b><ul class="visits">' + recent.map(function (x) { return '<li>' + esc(x.n) + ' — ' + esc(time(x.at)) + '</li>'; }).join('') + '</ul>';
          show($('recent'), true);
        }
        else fail(result, problem(r));
      }, function () { fail(result, t('retrying')); });
    }
    $('manual').onsubmit = function (e) { e.preventDefault(); submit($('code').value); $('code').value = ''; };
    // The browser's own QR reader where there is one (Chrome on Android); elsewhere (iPhone, desktops)
    // jsQR, fetched only then (about 250 KB, once), reading frames drawn on a canvas.
    function detector() {
      if ('BarcodeDetector' in window) {
        var det = new window.BarcodeDetector({ formats: ['qr_code'] });
        return Promise.resolve(function (v) { return det.detect(v).then(function (codes) { return codes[0] ? codes[0].rawValue : null; }); });
      }
      return new Promise(function (resolve, reject) {
        if (window.jsQR) return resolve();
        var s = document.createElement('script'); s.src = '/api/checkins/scanner/jsqr.js'; s.onload = resolve; s.onerror = reject; document.head.appendChild(s);
      }).then(function () {
        var canvas = document.createElement('canvas'), g = canvas.getContext('2d', { willReadFrequently: true });
        return function (v) {
          if (!v.videoWidth) return Promise.resolve(null);
          var scale = Math.min(1, 640 / v.videoWidth); canvas.width = Math.round(v.videoWidth * scale); canvas.height = Math.round(v.videoHeight * scale);
          g.drawImage(v, 0, 0, canvas.width, canvas.height);
          var found = window.jsQR(g.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, { inversionAttempts: 'dontInvert' });
          return Promise.resolve(found ? found.data : null);
        };
      });
    }
    $('camera').onclick = function () {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return fail(result, t('noCamera'));
      detector().then(function (read) {
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (s) {
          var v = $('video'); v.srcObject = s; show(v, true); show($('camera'), false); v.play();
          (function tick() { read(v).then(function (text) { if (text) submit(text); }).catch(function () {}).then(function () { setTimeout(tick, 300); }); })();
        });
      }).catch(function () { fail(result, t('noCamera')); });
    };
  }

  // ---- Was I exposed? ----
  function lookupPage() {
    var result = $('result');
    var province = load('cd.province');
    var ready = province ? Promise.resolve(province) : api('GET', '/api/venues/public/provinces').then(function (r) { return (province = r.json.items[0] && r.json.items[0].code); });
    var id = load('cd.identity'); if (id && id.phone) $('phone').value = id.phone;
    $('step1').onsubmit = function (e) {
      e.preventDefault();
      ready.then(function () { return api('POST', '/api/checkins/self/code', { provinceCode: province, phone: $('phone').value.trim() }); }).then(function (r) {
        if (r.status !== 202) return fail(result, problem(r));
        result.className = 'card'; result.textContent = t('codeSent'); show(result, true); show($('step2'), true); $('code').focus();
      });
    };
    $('step2').onsubmit = function (e) {
      e.preventDefault();
      api('POST', '/api/checkins/self/exposure', { provinceCode: province, phone: $('phone').value.trim(), code: $('code').value.trim() }).then(function (r) {
        if (r.status !== 200) return fail(result, r.status === 400 ? t('codeBad') : problem(r));
        var d = r.json;
        result.className = 'card ' + (d.exposed ? 'err' : 'ok');
        result.innerHTML = '<p><b>' + esc(d.exposed ? t('exposedYes') : d.visits.length ? t('exposedNo') : t('noVisits')) + '</b></p><ul class="visits">' +
          d.visits.map(function (v) { return '<li class="' + (v.exposed ? 'exp' : '') + '">' + (v.exposed ? '⚠ ' : '') + esc(v.venueName) + ' — ' + esc(time(v.at)) + '<div class="muted">' + esc(v.venueAddress) + ', ' + esc(v.communeName) + '</div></li>'; }).join('') + '</ul>';
        show(result, true); show($('step2'), false);
      });
    };
  }

  applyLang();
  var lb = $('lang');
  if (lb) lb.onclick = function () { lang = lang === 'en' ? 'vi' : 'en'; localStorage.setItem('cd.lang', lang); applyLang(); };
  ({ checkin: checkinPage, qr: qrPage, scan: scanPage, lookup: lookupPage })[page]();
})();
