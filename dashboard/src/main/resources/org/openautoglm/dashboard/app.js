/*
 * Open-AutoGLM dashboard: a plain-JS app that draws the project and run JSON models of the REST
 * API. No framework and no build step. Every piece of data enters the page as text (textContent,
 * text nodes, setAttribute), never as HTML; the only HTML this file writes is the ECharts tooltip,
 * and every string in it goes through escapeHtml first.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------- settings

  function meta(name) {
    var node = document.querySelector('meta[name="autoglm-' + name + '"]');
    return node ? node.getAttribute('content') : null;
  }

  var apiSetting = meta('api');
  var crumbHeader = meta('crumb-header');
  var settings = {
    api: (apiSetting === null ? 'api' : apiSetting).replace(/\/+$/, ''),
    auth: meta('auth') === 'session' ? 'session' : 'bearer',
    // A header name that fetch would refuse is ignored rather than breaking every POST.
    crumbHeader: crumbHeader && /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(crumbHeader) ? crumbHeader : null,
    crumb: meta('crumb')
  };

  var RUNS_LIMIT = 20;
  var HISTORY_LIMIT = 20;
  var FAST_POLL_MS = 2000;
  var SLOW_POLL_MS = 15000;
  var GET_TIMEOUT_MS = 20000;
  var TOKEN_KEY = 'autoglm.token';

  var FINISHED = { VERIFIED: true, FAILED: true, ABORTED: true, ROLLED_BACK: true };
  var STATES = {
    PENDING: 'running', VALIDATING: 'running', TRAINING: 'running', AWAITING_APPROVAL: 'running',
    DEPLOYING: 'running', VERIFIED: 'ok', FAILED: 'bad', ABORTED: 'muted', ROLLED_BACK: 'warn'
  };
  var ACTIONS = { request: 1, approve: 1, reject: 1, promote: 1, rollback: 1, verify: 1 };
  var APPROVAL_STATES = { open: 'running', approved: 'ok', rejected: 'bad', expired: 'muted', consumed: 'muted' };
  // Series colours; app.css has the same list as .c0 … .c9 for the tooltip's dots.
  var PALETTE = ['#4c6ef5', '#12b886', '#f59f00', '#e8590c', '#7950f2', '#15aabf', '#e64980', '#82c91e',
    '#fa5252', '#868e96'];
  var MERGED_COLOUR = '#212529';
  var ACCENT = '#3b5bdb';

  // ---------------------------------------------------------------- small helpers

  function $(id) {
    return document.getElementById(id);
  }

  /** Makes an element; strings among the children become text nodes, attributes go through setAttribute. */
  function h(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) {
          return;
        }
        if (key === 'on') {
          Object.keys(value).forEach(function (type) {
            node.addEventListener(type, value[type]);
          });
        } else if (key === 'class') {
          node.className = value;
        } else {
          node.setAttribute(key, value === true ? '' : String(value));
        }
      });
    }
    appendAll(node, Array.prototype.slice.call(arguments, 2));
    return node;
  }

  function appendAll(node, children) {
    children.forEach(function (child) {
      if (Array.isArray(child)) {
        appendAll(node, child);
      } else if (child !== null && child !== undefined && child !== false) {
        node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    });
  }

  /** Replaces a node's children; like h(), it skips null children and turns strings into text nodes. */
  function fill(node) {
    node.replaceChildren();
    appendAll(node, Array.prototype.slice.call(arguments, 1));
    return node;
  }

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function enc(segment) {
    return encodeURIComponent(segment);
  }

  function testId(id) {
    return String(id).replace(/:/g, '-');
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  function versionLabel(version) {
    return version === null || version === undefined ? '—' : 'v' + version;
  }

  /** A digest shortened for display: the algorithm prefix dropped, 12 hex digits kept. */
  function shortDigest(digest) {
    if (!digest) {
      return '—';
    }
    var hex = String(digest).replace(/^sha256:/, '');
    return hex.length > 12 ? hex.slice(0, 12) : hex;
  }

  function digestEl(digest) {
    if (!digest) {
      return h('span', { class: 'muted' }, '—');
    }
    return h('code', { class: 'digest', title: digest }, shortDigest(digest));
  }

  var dateFormat = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit'
  });
  var relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  var numberFormat = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 6 });

  function parseTime(iso) {
    var time = iso ? Date.parse(iso) : NaN;
    return isNaN(time) ? null : time;
  }

  function localTime(iso) {
    var time = parseTime(iso);
    return time === null ? String(iso) : dateFormat.format(new Date(time));
  }

  function relativeTime(time) {
    var seconds = (time - Date.now()) / 1000;
    var abs = Math.abs(seconds);
    if (abs < 45) {
      return 'just now';
    }
    var units = [[2700, 60, 'minute'], [79200, 3600, 'hour'], [86400 * 26, 86400, 'day'],
      [86400 * 320, 86400 * 30.4, 'month']];
    for (var i = 0; i < units.length; i++) {
      if (abs < units[i][0]) {
        return relativeFormat.format(Math.round(seconds / units[i][1]), units[i][2]);
      }
    }
    return relativeFormat.format(Math.round(seconds / (86400 * 365)), 'year');
  }

  /** A <time>: local time shown, ISO in the title; or, relative, "5 minutes ago" with both in the title. */
  function timeEl(iso, relative) {
    var time = parseTime(iso);
    if (time === null) {
      return h('span', { class: 'muted' }, '—');
    }
    var local = localTime(iso);
    return relative
      ? h('time', { datetime: iso, title: local + ' (' + iso + ')' }, relativeTime(time))
      : h('time', { datetime: iso, title: iso }, local);
  }

  function formatDuration(ms) {
    if (ms === null || ms === undefined || !isFinite(ms) || ms < 0) {
      return '—';
    }
    if (ms < 1000) {
      return Math.round(ms) + ' ms';
    }
    var seconds = ms / 1000;
    if (seconds < 60) {
      return (seconds < 10 ? seconds.toFixed(1) : Math.floor(seconds)) + ' s';
    }
    var pad = function (n) {
      return n < 10 ? '0' + n : String(n);
    };
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) {
      return minutes + ' min ' + pad(Math.floor(seconds % 60)) + ' s';
    }
    var hours = Math.floor(minutes / 60);
    if (hours < 48) {
      return hours + ' h ' + pad(minutes % 60) + ' min';
    }
    return Math.floor(hours / 24) + ' d ' + (hours % 24) + ' h';
  }

  function formatNumber(value) {
    return typeof value === 'number' && isFinite(value) ? numberFormat.format(value) : '—';
  }

  function stateBadge(state) {
    var tone = STATES[state] || 'muted';
    return h('span', { class: 'badge tone-' + tone, 'data-state': state },
      String(state || 'unknown').replace(/_/g, ' ').toLowerCase());
  }

  function badge(text, tone) {
    return h('span', { class: 'badge tone-' + tone }, text);
  }

  /** Rank states are free text from the launchers; colour them by what they look like. */
  function rankTone(rank) {
    var state = String(rank.state || '');
    if (/fail|error|kill|oom|crash/i.test(state) || (rank.exitCode !== null && rank.exitCode !== undefined && rank.exitCode !== 0)) {
      return 'bad';
    }
    if (/succe|ok|done|complete|verified|exit/i.test(state)) {
      return 'ok';
    }
    if (/abort|cancel|skip/i.test(state)) {
      return 'muted';
    }
    return 'running';
  }

  /** Rebuilding a section must not steal the keyboard focus: refocus the element with the same key. */
  function keepFocus(scope, rebuild) {
    var active = document.activeElement;
    var key = null;
    if (active && active !== document.body && scope.contains(active)) {
      key = active.getAttribute('data-testid') || active.getAttribute('data-key');
    }
    rebuild();
    if (key && !document.documentElement.contains(active)) {
      var selector = '[data-testid="' + CSS.escape(key) + '"], [data-key="' + CSS.escape(key) + '"]';
      var again = scope.querySelector(selector);
      if (again) {
        again.focus({ preventScroll: true });
      }
    }
  }

  // ---------------------------------------------------------------- notices

  var noticeBox = $('notice');
  var noticeIsConnection = false;

  function notice(text, kind, connection) {
    kind = kind || 'info';
    noticeIsConnection = !!connection;
    // The × is drawn by CSS, so the notice's text is the message alone.
    var close = h('button', { type: 'button', class: 'notice-close', 'aria-label': 'Dismiss', title: 'Dismiss' });
    close.addEventListener('click', function () {
      fill(noticeBox);
      noticeIsConnection = false;
    });
    fill(noticeBox, h('div', { class: 'notice-item notice-' + kind, 'data-kind': kind },
      h('span', { class: 'notice-text' }, text), close));
  }

  function connectionTrouble(text) {
    if (!noticeBox.firstChild || noticeIsConnection) {
      notice(text, 'error', true);
    }
  }

  function connectionFine() {
    if (noticeIsConnection) {
      fill(noticeBox);
      noticeIsConnection = false;
    }
  }

  // ---------------------------------------------------------------- API

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }
  ApiError.prototype = Object.create(Error.prototype);
  ApiError.prototype.name = 'ApiError';

  function storedToken() {
    if (settings.auth !== 'bearer') {
      return null;
    }
    try {
      return window.sessionStorage.getItem(TOKEN_KEY);
    } catch (e) {
      return null;
    }
  }

  function storeToken(token) {
    try {
      if (token) {
        window.sessionStorage.setItem(TOKEN_KEY, token);
      } else {
        window.sessionStorage.removeItem(TOKEN_KEY);
      }
    } catch (e) {
      // Storage switched off: the token lives as long as this page.
    }
    memoryToken = token;
  }

  var memoryToken = storedToken();

  function apiUrl(path) {
    return settings.api ? settings.api + '/' + path : path;
  }

  function request(method, path, body, token) {
    var headers = { Accept: 'application/json' };
    var bearer = token !== undefined ? token : (settings.auth === 'bearer' ? memoryToken : null);
    if (bearer) {
      headers.Authorization = 'Bearer ' + bearer;
    }
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      if (settings.crumbHeader && settings.crumb) {
        headers[settings.crumbHeader] = settings.crumb;
      }
    }
    // A GET that hangs must not stop the live refresh; a POST may take as long as a rollback's
    // deploy and health check, so only the server bounds it.
    var abort = typeof AbortController === 'function' && method === 'GET' ? new AbortController() : null;
    var timer = abort ? setTimeout(function () {
      abort.abort();
    }, GET_TIMEOUT_MS) : null;
    return fetch(apiUrl(path), {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: abort ? abort.signal : undefined
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        if (text) {
          try {
            data = JSON.parse(text);
          } catch (e) {
            data = null;
          }
        }
        if (!response.ok) {
          var message = data && typeof data.error === 'string' && data.error
            ? data.error : 'the server answered ' + response.status + (response.statusText ? ' ' + response.statusText : '');
          throw new ApiError(response.status, message);
        }
        if (data === null || typeof data !== 'object') {
          throw new ApiError(response.status, 'the server did not answer with JSON');
        }
        return data;
      });
    }).then(function (data) {
      clearTimeout(timer);
      return data;
    }, function (error) {
      clearTimeout(timer);
      if (error instanceof ApiError) {
        throw error;
      }
      throw new ApiError(0, abort && abort.signal.aborted
        ? 'the server did not answer within ' + GET_TIMEOUT_MS / 1000 + ' s'
        : 'cannot reach the server');
    });
  }

  /** A GET; a stored token the server no longer accepts signs the user out and the GET is retried without it. */
  function get(path) {
    return request('GET', path).catch(function (error) {
      if (error.status === 401 && memoryToken) {
        dropToken('Your token is no longer accepted; you are signed out (read-only).');
        return request('GET', path);
      }
      throw error;
    });
  }

  function post(path, body) {
    return request('POST', path, body);
  }

  // ---------------------------------------------------------------- session and sign-in

  var ANONYMOUS = { user: null, roles: [], environments: {}, approvals: {} };

  var app = {
    session: ANONYMOUS,
    view: null,
    seq: 0,
    timer: null,
    fast: false,
    runsOffset: 0,
    historyOffset: {}
  };

  var auth = {};

  function buildAuth() {
    var box = $('auth');
    auth.whoami = h('span', { class: 'whoami', 'data-testid': 'whoami' });
    auth.readOnly = h('span', { class: 'muted read-only' }, 'read-only');
    if (settings.auth === 'bearer') {
      auth.input = h('input', {
        id: 'token-input', type: 'password', 'data-testid': 'token', placeholder: 'Paste an API token',
        autocomplete: 'off', spellcheck: 'false', 'aria-label': 'API token'
      });
      auth.signIn = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'sign-in' }, 'Sign in');
      auth.form = h('form', { class: 'sign-in-form', 'aria-label': 'Sign in' }, auth.input, auth.signIn);
      auth.form.addEventListener('submit', signIn);
      auth.signOut = h('button', { type: 'button', class: 'button', 'data-testid': 'sign-out' }, 'Sign out');
      auth.signOut.addEventListener('click', function () {
        dropToken('Signed out.');
        refresh();
      });
      auth.signedIn = h('div', { class: 'signed-in' }, auth.whoami, auth.signOut);
      fill(box, auth.readOnly, auth.form, auth.signedIn);
    } else {
      auth.signedIn = h('div', { class: 'signed-in' }, auth.whoami);
      fill(box, auth.readOnly, auth.signedIn);
    }
    renderAuth();
  }

  function renderAuth() {
    var user = app.session && app.session.user;
    var roles = (app.session && app.session.roles) || [];
    auth.whoami.textContent = user ? 'signed in as ' + user + (roles.length ? ' (' + roles.join(', ') + ')' : '') : '';
    auth.signedIn.hidden = !user;
    auth.readOnly.hidden = !!user || (settings.auth === 'bearer' && !!memoryToken);
    if (auth.form) {
      auth.form.hidden = !!user || !!memoryToken;
    }
  }

  function dropToken(message) {
    storeToken(null);
    app.session = ANONYMOUS;
    renderAuth();
    if (message) {
      notice(message, 'info');
    }
  }

  function signIn(event) {
    event.preventDefault();
    var token = auth.input.value.trim();
    if (!token) {
      notice('Paste an API token first.', 'error');
      auth.input.focus();
      return;
    }
    auth.signIn.disabled = true;
    request('GET', 'session', undefined, token).then(function (session) {
      if (!session.user) {
        throw new ApiError(401, 'token not accepted');
      }
      storeToken(token);
      auth.input.value = '';
      app.session = session;
      renderAuth();
      notice('Signed in as ' + session.user + '.', 'ok');
      refresh();
    }).catch(function (error) {
      if (error.status === 401) {
        notice('Sign-in failed: token not accepted.', 'error');
      } else {
        notice('Cannot sign in: ' + error.message + '.', 'error');
      }
      auth.input.focus();
    }).then(function () {
      auth.signIn.disabled = false;
    });
  }

  function loadSession() {
    if (settings.auth === 'bearer' && !memoryToken) {
      return Promise.resolve(ANONYMOUS);
    }
    return get('session').catch(function (error) {
      if (error.status === 401 || error.status === 403) {
        return ANONYMOUS;
      }
      throw error;
    });
  }

  function mayApprove(session, id) {
    return !!(session.approvals && session.approvals[id] === true);
  }

  function mayRollback(session, environment) {
    var may = session.environments && session.environments[environment];
    return !!(may && may.rollback === true);
  }

  // ---------------------------------------------------------------- charts

  var resizeObserver = typeof ResizeObserver === 'function'
    ? new ResizeObserver(function (entries) {
      entries.forEach(function (entry) {
        var chart = window.echarts && window.echarts.getInstanceByDom(entry.target);
        if (chart) {
          chart.resize();
        }
      });
    })
    : null;

  function chartIn(container) {
    if (!window.echarts) {
      fill(container, h('p', { class: 'chart-empty' }, 'Charts are unavailable (assets/echarts.min.js did not load).'));
      return null;
    }
    var chart = window.echarts.getInstanceByDom(container);
    if (!chart) {
      chart = window.echarts.init(container, null, { renderer: 'canvas' });
      if (resizeObserver) {
        resizeObserver.observe(container);
      }
    }
    return chart;
  }

  function disposeChart(container) {
    if (resizeObserver) {
      resizeObserver.unobserve(container);
    }
    if (window.echarts) {
      var chart = window.echarts.getInstanceByDom(container);
      if (chart) {
        chart.dispose();
      }
    }
  }

  var AXIS = {
    axisLine: { lineStyle: { color: '#adb5bd' } },
    axisLabel: { color: '#495057' },
    splitLine: { lineStyle: { color: '#eceef1' } }
  };

  function baseChart() {
    return {
      animation: false,
      textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif' },
      tooltip: {
        trigger: 'axis',
        confine: true,
        backgroundColor: '#ffffff',
        borderColor: '#d0d5db',
        textStyle: { color: '#212529', fontSize: 12 },
        axisPointer: { type: 'line', lineStyle: { color: '#adb5bd' } }
      }
    };
  }

  /** Tooltip HTML: one title and rows of dot, name and value. Every string is escaped here. */
  function tooltipHtml(title, rows) {
    var html = '<div class="tip"><div class="tip-title">' + escapeHtml(title) + '</div>';
    rows.forEach(function (row) {
      html += '<div class="tip-row"><span class="dot ' + escapeHtml(row.colour) + '"></span>' +
        '<span class="tip-name">' + escapeHtml(row.name) + '</span>' +
        '<span class="tip-value">' + escapeHtml(row.value) + '</span></div>';
      if (row.note) {
        html += '<div class="tip-note">' + escapeHtml(row.note) + '</div>';
      }
    });
    return html + '</div>';
  }

  function trendOption(trend) {
    var points = (trend.points || []).slice().sort(function (a, b) {
      return a.version - b.version;
    });
    var metric = String(trend.metric);
    var option = baseChart();
    option.grid = { left: 8, right: 24, top: 20, bottom: 8, containLabel: true };
    option.tooltip.formatter = function (params) {
      var list = Array.isArray(params) ? params : [params];
      if (!list.length) {
        return '';
      }
      var point = points[list[0].dataIndex] || {};
      return tooltipHtml(versionLabel(point.version), [{
        colour: 'c-accent', name: metric, value: formatNumber(point.value),
        note: point.at ? localTime(point.at) : null
      }]);
    };
    option.xAxis = Object.assign({ type: 'category', boundaryGap: false, data: points.map(function (p) {
      return versionLabel(p.version);
    }) }, AXIS);
    option.yAxis = Object.assign({ type: 'value', scale: true }, AXIS);
    option.series = [{
      id: 'trend', type: 'line', name: 'trend', zlevel: 0, z: 2, data: points.map(function (p) {
        return typeof p.value === 'number' ? p.value : '-';
      }),
      symbol: 'circle', symbolSize: 7, lineStyle: { width: 2.5, color: ACCENT }, itemStyle: { color: ACCENT },
      areaStyle: { color: 'rgba(59, 91, 219, 0.08)' }
    }];
    return option;
  }

  function seriesPoints(points) {
    return (points || []).map(function (pair) {
      var value = pair[1];
      // ECharts' "no value" is '-': the line breaks there instead of dropping to zero.
      return [pair[0], typeof value === 'number' && isFinite(value) ? value : '-'];
    });
  }

  function metricOption(metric, name) {
    var ranks = Object.keys(metric.ranks || {}).sort(function (a, b) {
      return Number(a) - Number(b);
    });
    // Few points: draw the symbols too, or a lone point would not show at all.
    var symbols = function (points) {
      return (points || []).length <= 40;
    };
    var steps = {};
    ranks.forEach(function (rank) {
      (metric.ranks[rank] || []).forEach(function (pair) {
        steps[pair[0]] = true;
      });
    });
    var series = ranks.map(function (rank, i) {
      return {
        id: 'rank-' + i, type: 'line', name: 'rank ' + rank, data: seriesPoints(metric.ranks[rank]),
        showSymbol: symbols(metric.ranks[rank]), symbolSize: 5, connectNulls: false, zlevel: 0, z: 2,
        lineStyle: { width: 1.25, color: PALETTE[i % PALETTE.length], opacity: 0.75 },
        itemStyle: { color: PALETTE[i % PALETTE.length] }, emphasis: { disabled: true }
      };
    });
    if (metric.merged) {
      series.push({
        id: 'merged', type: 'line', name: 'merged', data: seriesPoints(metric.merged),
        showSymbol: symbols(metric.merged), symbolSize: 6,
        connectNulls: false, zlevel: 0, z: 3, lineStyle: { width: 3, color: MERGED_COLOUR }, itemStyle: { color: MERGED_COLOUR },
        emphasis: { disabled: true }
      });
    }
    var option = baseChart();
    option.grid = { left: 8, right: 24, top: 36, bottom: 22, containLabel: true };
    option.legend = {
      type: 'scroll', top: 0, left: 0, icon: 'roundRect', itemWidth: 14, itemHeight: 4,
      textStyle: { color: '#495057' }, tooltip: { show: false }
    };
    option.tooltip.formatter = function (params) {
      var list = Array.isArray(params) ? params : [params];
      if (!list.length) {
        return '';
      }
      var rows = list.map(function (p) {
        var value = Array.isArray(p.value) ? p.value[1] : p.value;
        var merged = p.seriesId === 'merged';
        return {
          colour: merged ? 'c-merged' : 'c' + (p.seriesIndex % PALETTE.length),
          name: merged ? 'merged' : 'rank ' + ranks[p.seriesIndex],
          value: formatNumber(typeof value === 'number' ? value : null)
        };
      });
      var step = Array.isArray(list[0].value) ? list[0].value[0] : list[0].axisValue;
      return tooltipHtml(name + ' · step ' + step, rows);
    };
    option.xAxis = Object.assign({ type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24,
      nameTextStyle: { color: '#868e96' } }, AXIS);
    if (Object.keys(steps).length > 1) {
      option.xAxis.min = 'dataMin';
      option.xAxis.max = 'dataMax';
    }
    option.yAxis = Object.assign({ type: 'value', scale: true }, AXIS);
    option.series = series;
    return option;
  }

  // ---------------------------------------------------------------- shared pieces

  function section(title, content, extraClass) {
    return h('section', { class: 'card' + (extraClass ? ' ' + extraClass : '') },
      h('h2', { class: 'section-title' }, title), content);
  }

  function pager(prefix, noun, page, move) {
    var total = Number(page.total) || 0;
    var limit = Number(page.limit) || 1;
    var offset = Number(page.offset) || 0;
    var count = (page.items || []).length;
    var prev = h('button', { type: 'button', class: 'button small', 'data-testid': prefix + '-prev', 'aria-label': 'Newer ' + noun },
      '‹ Prev');
    var next = h('button', { type: 'button', class: 'button small', 'data-testid': prefix + '-next', 'aria-label': 'Older ' + noun },
      'Next ›');
    prev.disabled = offset <= 0;
    next.disabled = offset + limit >= total;
    prev.addEventListener('click', function () {
      move(Math.max(0, offset - limit));
    });
    next.addEventListener('click', function () {
      move(offset + limit);
    });
    var label = total && count ? noun + ' ' + (offset + 1) + '–' + (offset + count) + ' of ' + total : 'no ' + noun;
    return h('div', { class: 'pager' }, prev, h('span', { class: 'pager-range', 'data-testid': prefix + '-range' }, label), next);
  }

  function table(attrs, caption, columns, rows, empty) {
    var head = h('tr', null, columns.map(function (column) {
      return h('th', { scope: 'col', class: column.num ? 'num' : null }, column.title);
    }));
    var body = h('tbody', null, rows.length ? rows : h('tr', { class: 'empty' },
      h('td', { colspan: columns.length }, empty)));
    return h('div', { class: 'table-wrap' }, h('table', Object.assign({ class: 'data' }, attrs),
      h('caption', { class: 'visually-hidden' }, caption), h('thead', null, head), body));
  }

  function cell(content, num) {
    return h('td', { class: num ? 'num' : null }, content);
  }

  function approvalItem(request, session) {
    var id = String(request.id);
    var given = request.approvals || [];
    var names = given.map(function (a) {
      return a.user;
    }).join(', ');
    var actions = null;
    if (mayApprove(session, id)) {
      var approve = h('button', { type: 'button', class: 'button primary small', 'data-testid': 'approve-' + testId(id) }, 'Approve');
      var reject = h('button', { type: 'button', class: 'button small', 'data-testid': 'reject-' + testId(id) }, 'Reject');
      approve.addEventListener('click', function () {
        openApproval(request, 'approve');
      });
      reject.addEventListener('click', function () {
        openApproval(request, 'reject');
      });
      actions = h('div', { class: 'actions' }, approve, reject);
    }
    return h('li', { class: 'approval', 'data-approval-id': id },
      h('div', { class: 'approval-head' },
        h('strong', null, versionLabel(request.version)), ' to ', h('strong', null, request.environment), ' ',
        h('span', { class: 'badge tone-' + (APPROVAL_STATES[request.state] || 'muted') }, request.state),
        h('span', { class: 'muted approval-id' }, id)),
      h('div', { class: 'muted' }, 'requested by ', h('span', { class: 'actor' }, request.requester), ' ',
        timeEl(request.requestedAt, true), ' · snapshot ', digestEl(request.snapshot)),
      request.reason ? h('p', { class: 'reason' }, request.reason) : null,
      h('div', { class: 'approval-count' }, given.length + ' of ' + request.required + ' approvals',
        names ? h('span', { class: 'muted' }, ' (' + names + ')') : null),
      actions);
  }

  function envCard(env, session, link) {
    var name = String(env.name);
    var deployed = !!env.snapshot || (env.version !== null && env.version !== undefined);
    var head = h('header', { class: 'card-head' },
      h('h2', { class: 'env-name' }, link ? h('a', { href: '#/environments/' + enc(name), 'data-key': 'env-link-' + name }, name) : name),
      deployed ? (env.verified ? badge('verified', 'ok') : badge('not verified', 'warn')) : badge('empty', 'muted'));
    var body;
    if (deployed) {
      body = [
        h('div', { class: 'env-version' }, h('span', { class: 'version', 'data-testid': 'version-' + name }, versionLabel(env.version)),
          digestEl(env.snapshot)),
        h('p', { class: 'muted since' }, 'deployed ', timeEl(env.since, true),
          env.by ? [' by ', h('span', { class: 'actor' }, env.by)] : null)
      ];
    } else {
      body = h('p', { class: 'muted' }, 'Nothing deployed yet.');
    }
    var approvals = env.approvals || [];
    var pending = approvals.length
      ? h('div', { class: 'pending' }, h('h3', null, 'Approval requests'),
        h('ul', { class: 'approvals' }, approvals.map(function (request) {
          return approvalItem(request, session);
        })))
      : null;
    var target = env.rollbackTarget;
    var footer = null;
    if (target) {
      var rollback = null;
      if (mayRollback(session, name)) {
        rollback = h('button', { type: 'button', class: 'button danger', 'data-testid': 'rollback-' + name },
          'Roll back to ' + (target.version !== null && target.version !== undefined ? versionLabel(target.version) : shortDigest(target.snapshot)));
        rollback.addEventListener('click', function () {
          openRollback(env);
        });
      }
      footer = h('footer', { class: 'card-foot' },
        h('span', { class: 'muted' }, 'rollback target: ', versionLabel(target.version), ' ', digestEl(target.snapshot)),
        rollback);
    }
    return h('article', { class: 'card env-card', 'data-testid': 'env-' + name, 'data-env': name },
      head, body, h('p', { class: 'muted small' }, plural(Number(env.historySize) || 0, 'history entry', 'history entries')),
      pending, footer);
  }

  function historyBlock(env, history, link) {
    var rows = (history.items || []).map(function (entry) {
      var action = ACTIONS[entry.action] ? entry.action : 'other';
      return h('tr', { 'data-seq': entry.seq },
        cell(entry.seq, true),
        cell(h('span', { class: 'action action-' + action }, entry.action)),
        cell(versionLabel(entry.version), true),
        cell(digestEl(entry.snapshot)),
        cell(h('span', { class: 'actor' }, entry.actor)),
        cell((entry.approvers || []).join(', ')),
        cell(timeEl(entry.at, false)),
        cell(entry.reason ? h('span', { class: 'reason' }, entry.reason) : h('span', { class: 'muted' }, '—')),
        cell(entry.verified ? h('span', { class: 'tick', title: 'verified after this entry' }, 'yes') : h('span', { class: 'muted' }, 'no')));
    });
    var columns = [{ title: '#', num: true }, { title: 'Action' }, { title: 'Version', num: true }, { title: 'Snapshot' },
      { title: 'Actor' }, { title: 'Approvers' }, { title: 'When' }, { title: 'Reason' }, { title: 'Verified' }];
    var title = h('h2', { class: 'section-title' }, 'History of ',
      link ? h('a', { href: '#/environments/' + enc(env), 'data-key': 'history-link-' + env }, env) : env);
    return h('section', { class: 'card history' }, title,
      table({ 'data-testid': 'history-' + env }, 'History of ' + env + ', newest first', columns, rows, 'No history yet.'),
      pager('history-' + env, 'entries', history, function (offset) {
        app.historyOffset[env] = offset;
        refresh();
      }));
  }

  function runsBlock(page) {
    var rows = (page.items || []).map(function (run) {
      var id = String(run.id);
      return h('tr', { 'data-run-id': id, 'data-state': run.state },
        cell(stateBadge(run.state)),
        cell(run.kind),
        cell([h('a', { href: '#/runs/' + enc(id), 'data-key': 'run-' + id, class: 'run-link' }, run.title || id),
          run.message ? h('div', { class: 'muted run-message', title: run.message }, run.message) : null]),
        cell(h('span', { class: 'actor' }, run.actor)),
        cell(run.environment || h('span', { class: 'muted' }, '—')),
        cell(versionLabel(run.version), true),
        cell(formatDuration(run.durationMs), true),
        cell(timeEl(run.createdAt, false)));
    });
    var columns = [{ title: 'State' }, { title: 'Kind' }, { title: 'Title' }, { title: 'Actor' }, { title: 'Environment' },
      { title: 'Version', num: true }, { title: 'Duration', num: true }, { title: 'Started' }];
    var unreadable = page.unreadable || [];
    return [
      table({ 'data-testid': 'runs' }, 'Runs, newest first', columns, rows, 'No runs yet.'),
      unreadable.length ? h('p', { class: 'muted small', 'data-testid': 'runs-unreadable' },
        plural(unreadable.length, 'run record', 'run records') + ' could not be read: ' + unreadable.join(', ')) : null,
      pager('runs', 'runs', page, function (offset) {
        app.runsOffset = offset;
        refresh();
      })
    ];
  }

  // ---------------------------------------------------------------- project and environment views

  /** The project page, or with {@code only} the page of one environment. */
  function projectView(only) {
    var heading = h('h1', { class: 'page-title' });
    var envGrid = h('div', { class: only ? 'env-grid single' : 'env-grid' });
    var trendTitle = h('h2', { class: 'section-title' }, 'Trend');
    var trendChart = h('div', { class: 'chart trend-chart', 'data-testid': 'trend-chart' });
    var trendEmpty = h('p', { class: 'chart-empty', hidden: true }, 'No version has a metric yet.');
    var trendCard = h('section', { class: 'card trend' }, trendTitle, h('div', { class: 'chart-box' }, trendChart, trendEmpty));
    var runsBody = h('div', { class: 'runs-body' });
    var runsCard = h('section', { class: 'card runs' }, h('h2', { class: 'section-title' }, 'Recent runs'), runsBody);
    var histories = h('div', { class: 'histories' });
    var back = only ? h('p', { class: 'back' }, h('a', { href: '#/' }, '← Project')) : null;
    var root = only
      ? h('div', { class: 'view' }, back, heading, envGrid, histories)
      : h('div', { class: 'view' }, heading, envGrid, trendCard, runsCard, histories);

    function load() {
      return get('project').then(function (project) {
        var names = (project.environments || []).map(function (e) {
          return String(e.name);
        });
        var shown = only === undefined ? names : names.filter(function (n) {
          return n === only;
        });
        if (only !== undefined && !shown.length) {
          throw new ApiError(404, 'the project has no environment "' + only + '"');
        }
        var runs = only === undefined && app.runsOffset > 0
          ? get('runs?limit=' + RUNS_LIMIT + '&offset=' + app.runsOffset)
          : Promise.resolve(project.runs);
        var histories = Promise.all(shown.map(function (name) {
          return get('environments/' + enc(name) + '/history?limit=' + HISTORY_LIMIT + '&offset=' + (app.historyOffset[name] || 0));
        }));
        return Promise.all([runs, histories]).then(function (results) {
          return { project: project, shown: shown, runs: results[0], histories: results[1] };
        });
      });
    }

    function render(data, session) {
      var project = data.project;
      var environments = (project.environments || []).filter(function (e) {
        return data.shown.indexOf(String(e.name)) >= 0;
      });
      $('project-name').textContent = project.name || '';
      document.title = (only !== undefined ? only + ' · ' : '') + (project.name || 'project') + ' · Open-AutoGLM';
      heading.textContent = only !== undefined ? 'Environment ' + only : project.name || 'Project';
      keepFocus(root, function () {
        fill(envGrid, environments.map(function (env) {
          return envCard(env, session, only === undefined);
        }));
        if (only === undefined) {
          fill(runsBody, runsBlock(data.runs || { items: [] }));
        }
        fill(histories, data.shown.map(function (name, i) {
          return historyBlock(name, data.histories[i], only === undefined);
        }));
      });
      if (only === undefined) {
        var trend = project.trend || { metric: null, points: [] };
        var empty = !trend.metric || !(trend.points || []).length;
        trendTitle.textContent = empty ? 'Trend' : 'Trend: ' + trend.metric + ' by version';
        trendEmpty.hidden = !empty;
        var chart = chartIn(trendChart);
        if (chart) {
          if (empty) {
            chart.clear();
          } else {
            chart.setOption(trendOption(trend), { notMerge: true });
          }
        }
      }
      clampOffsets(data);
    }

    /** A page past the end (the list shrank, or a stale offset) moves back to the last page. */
    function clampOffsets(data) {
      var again = false;
      var runs = data.runs;
      if (only === undefined && runs && app.runsOffset > 0 && app.runsOffset >= runs.total) {
        app.runsOffset = Math.max(0, Math.floor((runs.total - 1) / RUNS_LIMIT) * RUNS_LIMIT);
        again = true;
      }
      data.shown.forEach(function (name, i) {
        var history = data.histories[i];
        var offset = app.historyOffset[name] || 0;
        if (offset > 0 && offset >= history.total) {
          app.historyOffset[name] = Math.max(0, Math.floor((history.total - 1) / HISTORY_LIMIT) * HISTORY_LIMIT);
          again = true;
        }
      });
      if (again) {
        setTimeout(refresh, 0);
      }
    }

    function live(data) {
      var running = ((data.runs && data.runs.items) || []).some(function (run) {
        return !FINISHED[run.state];
      });
      var waiting = (data.project.environments || []).some(function (env) {
        return (env.approvals || []).length > 0;
      });
      return running || waiting;
    }

    function dispose() {
      disposeChart(trendChart);
    }

    return { name: only === undefined ? 'project' : 'environment', root: root, load: load, render: render, live: live, dispose: dispose };
  }

  // ---------------------------------------------------------------- run view

  function runView(id) {
    var header = h('header', { class: 'card run-head' });
    var approvalBox = h('div', { class: 'run-approval' });
    var phasesBody = h('div');
    var phasesCard = section('Phases', phasesBody, 'phases-card');
    var ranksBody = h('div');
    var ranksCard = section('Ranks', ranksBody, 'ranks-card');
    var metricsGrid = h('div', { class: 'metric-grid' });
    var metricsCard = section('Metrics', metricsGrid, 'metrics-card');
    var metricBoxes = new Map();
    var root = h('div', { class: 'view' }, h('p', { class: 'back' }, h('a', { href: '#/' }, '← Project')),
      header, approvalBox, phasesCard, ranksCard, metricsCard);

    function load() {
      return get('runs/' + enc(id));
    }

    function renderHeader(run) {
      var facts = [
        ['Kind', run.kind],
        ['Actor', run.actor ? h('span', { class: 'actor' }, run.actor) : '—'],
        ['Environment', run.environment ? h('a', { href: '#/environments/' + enc(run.environment) }, run.environment) : '—'],
        ['Version', versionLabel(run.version)],
        ['Duration', formatDuration(run.durationMs)],
        ['Started', timeEl(run.createdAt, false)],
        ['Updated', timeEl(run.updatedAt, false)]
      ];
      if (run.parent) {
        facts.push(['Parent run', h('a', { href: '#/runs/' + enc(run.parent), 'data-testid': 'run-parent' }, run.parent)]);
      }
      if (run.approval) {
        facts.push(['Approval', run.approval]);
      }
      fill(header,
        h('div', { class: 'run-title-line' },
          h('h1', { class: 'page-title', 'data-testid': 'run-title' }, run.title || run.id),
          h('span', { 'data-testid': 'run-state' }, stateBadge(run.state))),
        h('p', { class: 'muted run-id' }, 'run ', h('code', null, run.id), run.project ? [' in ', run.project] : null),
        h('dl', { class: 'facts' }, facts.map(function (fact) {
          return h('div', null, h('dt', null, fact[0]), h('dd', null, fact[1]));
        })),
        run.message ? h('p', { class: 'run-message-full ' + (STATES[run.state] === 'bad' ? 'is-bad' : ''), 'data-testid': 'run-message' },
          run.message) : null);
    }

    function renderPhases(run) {
      var phases = run.phases || [];
      var now = Date.now();
      var starts = phases.map(function (p) {
        return parseTime(p.start);
      }).filter(function (t) {
        return t !== null;
      });
      var from = starts.length ? Math.min.apply(null, starts) : now;
      var ends = phases.map(function (p) {
        var start = parseTime(p.start);
        var end = parseTime(p.end);
        return end !== null ? end : Math.max(now, start || now);
      });
      var to = ends.length ? Math.max.apply(null, ends) : now;
      var span = Math.max(to - from, 1);
      var items = phases.map(function (phase) {
        var start = parseTime(phase.start);
        var end = phase.end === null || phase.end === undefined ? null : parseTime(phase.end);
        var open = end === null;
        var stop = open ? Math.max(now, start || now) : end;
        var bar = h('div', { class: 'bar tone-' + (STATES[phase.state] || 'muted') + (open ? ' open' : '') });
        if (start !== null) {
          bar.style.left = ((start - from) / span * 100).toFixed(3) + '%';
          bar.style.width = (Math.max(stop - start, 0) / span * 100).toFixed(3) + '%';
        }
        var took = start === null ? null : stop - start;
        return h('li', { class: 'phase', 'data-state': phase.state, 'data-open': open ? 'true' : 'false' },
          h('div', { class: 'phase-state' }, stateBadge(phase.state)),
          h('div', { class: 'track', role: 'presentation' }, bar),
          h('div', { class: 'num phase-took' }, open ? formatDuration(took) + ' so far' : formatDuration(took)),
          h('div', { class: 'phase-meta muted' }, timeEl(phase.start, false),
            phase.actor ? [' · by ', h('span', { class: 'actor' }, phase.actor)] : null,
            phase.reason ? [' · ', h('span', { class: 'reason' }, phase.reason)] : null));
      });
      fill(phasesBody, phases.length
        ? h('ol', { class: 'timeline', 'data-testid': 'phases' }, items)
        : h('p', { class: 'muted', 'data-testid': 'phases' }, 'No phases recorded.'));
    }

    function renderRanks(run) {
      var ranks = run.ranks || [];
      ranksCard.hidden = !ranks.length;
      var rows = ranks.map(function (rank) {
        return h('tr', { 'data-rank': rank.rank },
          cell(rank.rank, true),
          cell(h('span', { class: 'badge tone-' + rankTone(rank) }, rank.state || '—')),
          cell(rank.exitCode === null || rank.exitCode === undefined ? '—' : rank.exitCode, true),
          cell(rank.reason ? h('span', { class: 'reason' }, rank.reason) : h('span', { class: 'muted' }, '—')));
      });
      fill(ranksBody, table({ 'data-testid': 'ranks' }, 'Ranks of the run',
        [{ title: 'Rank', num: true }, { title: 'State' }, { title: 'Exit code', num: true }, { title: 'Reason' }],
        rows, 'No ranks.'));
    }

    function renderMetrics(run) {
      var metrics = run.metrics || {};
      var names = Object.keys(metrics);
      metricsCard.hidden = !names.length;
      metricBoxes.forEach(function (box, name) {
        if (names.indexOf(name) < 0) {
          disposeChart(box.chart);
          metricBoxes.delete(name);
        }
      });
      var cards = names.map(function (name) {
        var box = metricBoxes.get(name);
        if (!box) {
          var chart = h('div', { class: 'chart metric-chart', 'data-testid': 'metric-' + name });
          box = { chart: chart, card: h('figure', { class: 'metric' }, h('figcaption', null, name), chart) };
          metricBoxes.set(name, box);
        }
        return box.card;
      });
      fill(metricsGrid, cards);
      names.forEach(function (name) {
        var chart = chartIn(metricBoxes.get(name).chart);
        if (chart) {
          chart.setOption(metricOption(metrics[name], name), { notMerge: true });
        }
      });
    }

    function render(run, session) {
      $('project-name').textContent = run.project || '';
      document.title = (run.title || run.id) + ' · Open-AutoGLM';
      keepFocus(root, function () {
        renderHeader(run);
        var request = run.approvalRequest;
        if (request) {
          fill(approvalBox, section('Approval request',
            h('ul', { class: 'approvals', 'data-testid': 'approval-request' }, approvalItem(request, session))));
        } else {
          fill(approvalBox);
        }
        approvalBox.hidden = !request;
        renderPhases(run);
        renderRanks(run);
      });
      renderMetrics(run);
    }

    function live(run) {
      return !FINISHED[run.state] || !!(run.approvalRequest && run.approvalRequest.state === 'open');
    }

    function dispose() {
      metricBoxes.forEach(function (box) {
        disposeChart(box.chart);
      });
      metricBoxes.clear();
    }

    return { name: 'run', root: root, load: load, render: render, live: live, dispose: dispose };
  }

  // ---------------------------------------------------------------- refresh loop

  function schedule() {
    clearTimeout(app.timer);
    app.timer = null;
    if (!document.hidden) {
      app.timer = setTimeout(refresh, app.fast ? FAST_POLL_MS : SLOW_POLL_MS);
    }
  }

  function refresh() {
    clearTimeout(app.timer);
    app.timer = null;
    var seq = ++app.seq;
    var view = app.view;
    var current = function () {
      return seq === app.seq && view === app.view;
    };
    return loadSession().then(function (session) {
      return view.load().then(function (data) {
        return { session: session, data: data };
      });
    }).then(function (result) {
      if (!current()) {
        return;
      }
      app.session = result.session;
      renderAuth();
      view.render(result.data, result.session);
      view.rendered = true;
      connectionFine();
      app.fast = view.live(result.data);
      document.body.dataset.live = app.fast ? 'fast' : 'slow';
      if (document.body.dataset.ready !== view.name) {
        document.body.dataset.ready = view.name;
      }
      document.body.dataset.renders = String((Number(document.body.dataset.renders) || 0) + 1);
    }).catch(function (error) {
      if (!current()) {
        return;
      }
      if (!(error instanceof ApiError)) {
        // A bug in this file: say so instead of failing silently.
        window.console.error(error);
        error = new ApiError(-1, 'the dashboard could not draw this page (' + (error && error.message) + ')');
      }
      if (view.rendered) {
        connectionTrouble('Cannot refresh: ' + error.message + '. Retrying…');
      } else {
        showError(error);
      }
    }).then(function () {
      if (seq === app.seq) {
        schedule();
      }
    });
  }

  function showError(error) {
    var text;
    if (error.status === 401) {
      text = settings.auth === 'bearer' ? 'Sign in to see this page.' : 'Log in to see this page.';
    } else if (error.status === 403) {
      text = 'You may not see this page: ' + error.message + '.';
    } else if (error.status === 404) {
      text = 'Not found: ' + error.message + '.';
    } else {
      text = 'Cannot load this page: ' + error.message + '.';
    }
    fill(app.main, h('div', { class: 'view' },
      h('p', { class: 'back' }, h('a', { href: '#/' }, '← Project')),
      h('p', { class: 'error-state', 'data-testid': 'error' }, text)));
    app.view.rendered = false;
    document.body.dataset.ready = 'error';
    // The view's own root is put back on the next successful load.
    app.view.broken = true;
  }

  // ---------------------------------------------------------------- routing

  function parseRoute() {
    var hash = window.location.hash.replace(/^#/, '');
    var match;
    var decode = function (text) {
      try {
        return decodeURIComponent(text);
      } catch (e) {
        return text;
      }
    };
    if ((match = /^\/runs\/([^/]+)\/?$/.exec(hash))) {
      return runView(decode(match[1]));
    }
    if ((match = /^\/environments\/([^/]+)\/?$/.exec(hash))) {
      return projectView(decode(match[1]));
    }
    return projectView(undefined);
  }

  function route() {
    if (app.view) {
      app.view.dispose();
    }
    closeDialogs();
    app.view = parseRoute();
    wrapRender(app.view);
    delete document.body.dataset.ready;
    fill(app.main, app.view.root);
    window.scrollTo(0, 0);
    refresh();
  }

  /** After an error page, the view's root goes back in place before it draws again. */
  function wrapRender(view) {
    var render = view.render;
    view.render = function (data, session) {
      if (view.broken || !app.main.contains(view.root)) {
        view.broken = false;
        fill(app.main, view.root);
      }
      render(data, session);
    };
  }

  // ---------------------------------------------------------------- dialogs

  var rollbackDialog = {
    dialog: $('rollback-dialog'),
    form: $('rollback-form'),
    heading: $('rollback-heading'),
    target: $('rollback-target'),
    reason: $('rollback-reason'),
    error: $('rollback-error'),
    confirm: $('rollback-confirm'),
    cancel: $('rollback-cancel'),
    env: null,
    opener: null,
    busy: false
  };

  var approvalDialog = {
    dialog: $('approval-dialog'),
    form: $('approval-form'),
    heading: $('approval-heading'),
    target: $('approval-target'),
    reason: $('approval-reason'),
    hint: $('approval-reason-hint'),
    error: $('approval-error'),
    confirm: $('approval-confirm'),
    cancel: $('approval-cancel'),
    request: null,
    action: null,
    opener: null,
    busy: false
  };

  function openDialog(d) {
    d.opener = document.activeElement && document.activeElement.getAttribute('data-testid');
    d.error.textContent = '';
    d.reason.value = '';
    d.busy = false;
    d.confirm.disabled = false;
    if (typeof d.dialog.showModal === 'function') {
      d.dialog.showModal();
    } else {
      d.dialog.setAttribute('open', '');
    }
    d.reason.focus();
  }

  function closeDialog(d) {
    if (d.dialog.open) {
      d.dialog.close();
    }
  }

  function closeDialogs() {
    closeDialog(rollbackDialog);
    closeDialog(approvalDialog);
  }

  function wireDialog(d, submit) {
    d.form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!d.busy) {
        submit();
      }
    });
    d.cancel.addEventListener('click', function () {
      closeDialog(d);
    });
    // Esc fires "cancel" and closes the dialog; nothing is sent.
    d.dialog.addEventListener('cancel', function () {
      d.error.textContent = '';
    });
    d.dialog.addEventListener('close', function () {
      if (d.opener) {
        var opener = document.querySelector('[data-testid="' + CSS.escape(d.opener) + '"]');
        if (opener) {
          opener.focus();
        }
      }
    });
  }

  function openRollback(env) {
    var d = rollbackDialog;
    var target = env.rollbackTarget;
    d.env = { name: String(env.name), version: env.version, target: { snapshot: target.snapshot, version: target.version } };
    var targetLabel = target.version !== null && target.version !== undefined ? versionLabel(target.version) : shortDigest(target.snapshot);
    d.heading.textContent = 'Roll back ' + d.env.name + ' to ' + targetLabel + '?';
    fill(d.target, 'Roll ', h('strong', null, d.env.name), ' back from ', h('strong', null, versionLabel(env.version)),
      ' to ', h('strong', { 'data-testid': 'rollback-target-version' }, targetLabel), ' (snapshot ', digestEl(target.snapshot),
      '), its last verified snapshot before the current one. The snapshot is deployed again and health-checked; the history records your reason.');
    d.confirm.textContent = 'Roll back to ' + targetLabel;
    openDialog(d);
  }

  function submitRollback() {
    var d = rollbackDialog;
    var reason = d.reason.value.trim();
    if (!reason) {
      d.error.textContent = 'Give a reason: it is recorded in the history.';
      d.reason.focus();
      return;
    }
    var env = d.env;
    var label = d.confirm.textContent;
    d.busy = true;
    d.confirm.disabled = true;
    d.confirm.textContent = 'Rolling back…';
    d.error.textContent = '';
    post('environments/' + enc(env.name) + '/rollback', { to: env.target.snapshot, reason: reason }).then(function (result) {
      closeDialog(d);
      // The server's message says where the environment stands, time to restore included.
      var text = result.message || ('Rolled back ' + env.name + (typeof result.timeToRestoreMs === 'number'
        ? ' in ' + formatDuration(result.timeToRestoreMs) : '') + '.');
      notice(text, /fail|error|time/i.test(String(result.outcome || '')) ? 'error' : 'ok');
      refresh();
    }, function (error) {
      if (error.status === 400 || error.status === 413 || error.status === 0) {
        d.error.textContent = error.message;
        return;
      }
      closeDialog(d);
      notice('Rollback of ' + env.name + ' refused: ' + error.message + '.', 'error');
      if (error.status === 401 && memoryToken) {
        dropToken(null);
      }
      refresh();
    }).then(function () {
      d.busy = false;
      d.confirm.disabled = false;
      d.confirm.textContent = label;
    });
  }

  function openApproval(request, action) {
    var d = approvalDialog;
    d.request = { id: String(request.id), version: request.version, environment: request.environment };
    d.action = action;
    var verb = action === 'approve' ? 'Approve' : 'Reject';
    d.heading.textContent = verb + ' ' + versionLabel(request.version) + ' for ' + request.environment + '?';
    fill(d.target, verb + ' request ', h('code', null, d.request.id), ' by ', h('span', { class: 'actor' }, request.requester),
      ' to promote ', h('strong', null, versionLabel(request.version)), ' to ', h('strong', null, request.environment), '.',
      request.reason ? h('span', { class: 'reason block' }, request.reason) : null);
    d.hint.textContent = action === 'approve' ? '(optional, recorded in the history)' : '(required, recorded in the history)';
    d.reason.required = action === 'reject';
    d.reason.setAttribute('aria-required', action === 'reject' ? 'true' : 'false');
    d.confirm.textContent = verb;
    d.confirm.className = action === 'approve' ? 'button primary' : 'button danger';
    openDialog(d);
  }

  function submitApproval() {
    var d = approvalDialog;
    var reason = d.reason.value.trim();
    if (d.action === 'reject' && !reason) {
      d.error.textContent = 'Give a reason for rejecting: it is recorded in the history.';
      d.reason.focus();
      return;
    }
    var request = d.request;
    var action = d.action;
    var label = d.confirm.textContent;
    d.busy = true;
    d.confirm.disabled = true;
    d.error.textContent = '';
    var path = 'approvals/' + enc(request.id).replace(/%3A/gi, ':') + '/' + action;
    post(path, { reason: reason || null }).then(function (result) {
      closeDialog(d);
      notice(result.message || (action === 'approve' ? 'Approved ' : 'Rejected ') + request.id + '.', 'ok');
      refresh();
    }, function (error) {
      if (error.status === 400 || error.status === 413 || error.status === 0) {
        d.error.textContent = error.message;
        return;
      }
      closeDialog(d);
      notice((action === 'approve' ? 'Approval' : 'Rejection') + ' of ' + request.id + ' refused: ' + error.message + '.', 'error');
      if (error.status === 401 && memoryToken) {
        dropToken(null);
      }
      refresh();
    }).then(function () {
      d.busy = false;
      d.confirm.disabled = false;
      d.confirm.textContent = label;
    });
  }

  // ---------------------------------------------------------------- start

  function start() {
    app.main = $('main');
    buildAuth();
    wireDialog(rollbackDialog, submitRollback);
    wireDialog(approvalDialog, submitApproval);
    window.addEventListener('hashchange', route);
    document.addEventListener('visibilitychange', function () {
      if (document.hidden) {
        clearTimeout(app.timer);
        app.timer = null;
      } else {
        refresh();
      }
    });
    route();
  }

  start();
}());
