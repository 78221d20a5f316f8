// The investigation page: plain JavaScript over the public GraphQL API (/graphql) and the
// evidence bundle route (/export/{kind}/{id}). Every request carries
// `Authorization: Bearer <token>` from the token field (kept in sessionStorage).
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  // The same key as GraphiQL's, so a token given to one serves the other in this tab.
  const TOKEN_KEY = 'investigator-token';
  const PAGE = 20;
  const ROLE_COLOURS = {
    ORGANIZER: '#c0392b', OPERATIVE: '#e67e22', RECRUIT: '#f1c40f', BENEFICIARY: '#8e44ad',
    INTERMEDIARY: '#2980b9', NEGOTIATOR: '#d35400', victim: '#27ae60', staff: '#c0392b',
    proxy: '#e67e22', other: '#7f8c8d',
  };
  const LINEAGE_RANK = { BENEFICIARY: 0, INTERMEDIARY: 1, ORGANIZER: 2, OPERATIVE: 3, RECRUIT: 4 };

  const state = {
    kind: 'rings', cursors: [null], page: 0, current: null, caseId: null, cy: null,
    selected: null,
  };
  window.investigate = state; // for end-to-end tests and the curious

  // ---- plumbing ------------------------------------------------------------------------
  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
  function authHeaders() {
    const t = token();
    return t ? { Authorization: 'Bearer ' + t } : {};
  }
  let statusTimer = null;
  function say(text, error) {
    const s = $('status');
    s.textContent = text;
    s.className = 'show' + (error ? ' error' : '');
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => { s.className = error ? 'error' : ''; }, error ? 6000 : 2500);
  }
  async function gql(query, variables) {
    const resp = await fetch('/graphql', {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, authHeaders()),
      body: JSON.stringify({ query, variables: variables || {} }),
    });
    let body;
    try { body = await resp.json(); } catch (e) { throw new Error('HTTP ' + resp.status); }
    if (resp.status === 401 && !(body.errors && body.errors.length)) body = { errors: [{ message: 'unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] };
    if (body.errors && body.errors.length) {
      const e = body.errors[0];
      const code = (e.extensions && e.extensions.code) || 'ERROR';
      const err = new Error(code + ': ' + e.message);
      err.code = code;
      throw err;
    }
    return body.data;
  }
  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') n.className = v; else if (k === 'text') n.textContent = v;
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v); else n.setAttribute(k, v);
    }
    for (const c of children) if (c != null) n.append(c.nodeType ? c : document.createTextNode(String(c)));
    return n;
  }
  const day = (t) => (t ? t.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z') : '—');
  // A single amount, or a per-currency list (rings total money by currency).
  const money = (m) => (Array.isArray(m) ? (m.length ? m.map(money).join(' + ') : '0')
    : m ? m.amount + ' ' + m.currency : '');
  function guarded(fn) {
    return async (...args) => {
      try {
        await fn(...args);
      } catch (e) {
        if (e.code === 'UNAUTHENTICATED' || e.code === 'FORBIDDEN') {
          say(e.message, true);
          if (e.code === 'UNAUTHENTICATED') $('token').focus();
        } else {
          console.error(e);
          say(e.message, true);
        }
      }
    };
  }

  // ---- findings list -------------------------------------------------------------------
  const EVIDENCE = 'evidence(limit: $limit) { nodes { id label caption } edges { id from to kind recordId at amount currency } nodesTotal edgesTotal truncated reasons }';
  const LISTS = {
    rings: {
      query: `query($first: Int, $after: String, $minScore: Float, $kind: RingKind, $memberId: String) {
        rings(first: $first, after: $after, minScore: $minScore, kind: $kind, memberId: $memberId) {
          edges { node { id kind score firstAt lastAt members { account { id } role } dismissal { caseId reason } } }
          pageInfo { hasNextPage endCursor } } }`,
      vars: (f) => ({ minScore: f.minScore, kind: f.ringKind || null, memberId: f.account || null }),
      pick: (d) => d.rings,
      item: (n) => ({
        key: n.id, title: n.kind.replace('_', ' ').toLowerCase() + ' · ' + n.members.length + ' members',
        sub: n.id + ' · ' + day(n.firstAt).slice(0, 10) + ' → ' + day(n.lastAt).slice(0, 10) + ' · '
          + n.members.slice(0, 4).map((m) => m.account.id).join(', ') + (n.members.length > 4 ? ', …' : ''),
        score: n.score, dismissal: n.dismissal, open: () => showRing(n.id),
      }),
    },
    incidents: {
      query: `query($first: Int, $after: String, $minConfidence: Float, $accountId: String) {
        extortionIncidents(first: $first, after: $after, minConfidence: $minConfidence, accountId: $accountId) {
          edges { node { id confidence complete reviewedAt amount { amount currency } reviewer { id } payee { id } shop { id } dismissal { caseId reason } } }
          pageInfo { hasNextPage endCursor } } }`,
      vars: (f) => ({ minConfidence: f.minScore, accountId: f.account || null }),
      pick: (d) => d.extortionIncidents,
      item: (n) => ({
        key: n.id, title: (n.complete ? 'complete' : 'partial') + ' incident · ' + money(n.amount),
        sub: n.reviewer.id + ' → ' + n.shop.id + ' · paid ' + n.payee.id + ' · ' + day(n.reviewedAt).slice(0, 10),
        score: n.confidence, dismissal: n.dismissal, open: () => showIncident(n.id),
      }),
    },
    insiders: {
      query: `query($first: Int, $after: String, $minScore: Float) {
        insiderSuspects(first: $first, after: $after, minScore: $minScore) {
          edges { node { employee { id } score removalsTotal removalsLegitimate moneyTraced { amount currency } dismissal { caseId reason } } }
          pageInfo { hasNextPage endCursor } } }`,
      vars: (f) => ({ minScore: f.minScore }),
      pick: (d) => d.insiderSuspects,
      item: (n) => ({
        key: n.employee.id, title: 'insider ' + n.employee.id,
        sub: n.removalsLegitimate + ' of ' + n.removalsTotal + ' removals legitimate · ' + money(n.moneyTraced),
        score: n.score, dismissal: n.dismissal, open: () => showInsider(n.employee.id),
      }),
    },
    cases: {
      query: `query($first: Int, $after: String, $status: CaseStatus) {
        cases(first: $first, after: $after, status: $status) {
          edges { node { id title status updatedAt items { kind refId } } }
          pageInfo { hasNextPage endCursor } } }`,
      vars: (f) => ({ status: f.status || null }),
      pick: (d) => d.cases,
      item: (n) => ({
        key: n.id, title: n.title, sub: n.id + ' · ' + n.status.toLowerCase() + ' · ' + n.items.length + ' item(s)',
        score: null, dismissal: null, open: () => showCase(n.id, n.items[0]),
      }),
    },
  };

  function filters() {
    const f = Object.fromEntries(new FormData($('filters')).entries());
    f.minScore = f.minScore === '' || f.minScore == null ? null : Number(f.minScore);
    f.hideDismissed = !!f.hideDismissed;
    return f;
  }

  const loadList = guarded(async function () {
    if (!token()) {
      $('list').replaceChildren(el('li', { class: 'muted', text: 'Enter your API token above (investigator token create).' }));
      return;
    }
    const spec = LISTS[state.kind];
    const f = filters();
    const vars = Object.assign({ first: PAGE, after: state.cursors[state.page] }, spec.vars(f));
    const conn = spec.pick(await gql(spec.query, vars));
    const list = $('list');
    list.replaceChildren();
    let hidden = 0;
    for (const e of conn.edges) {
      const it = spec.item(e.node);
      if (f.hideDismissed && it.dismissal) { hidden += 1; continue; }
      const li = el('li', { 'data-key': it.key, 'data-testid': 'finding' },
        it.score != null ? el('span', { class: 'score', text: it.score.toFixed(2) }) : null,
        el('div', {}, el('span', { class: 'kind', text: state.kind.replace(/s$/, '') }), ' ', it.title,
          it.dismissal ? el('span', { class: 'badge', title: it.dismissal.reason || '', text: 'dismissed in ' + it.dismissal.caseId }) : null),
        el('div', { class: 'muted', text: it.sub }));
      li.addEventListener('click', () => {
        for (const x of list.children) x.classList.remove('selected');
        li.classList.add('selected');
        it.open();
      });
      list.append(li);
    }
    if (hidden) list.append(el('li', { class: 'muted', 'data-testid': 'hidden-dismissed', text: hidden + ' dismissed finding(s) on this page hidden' }));
    if (!conn.edges.length) list.append(el('li', { class: 'muted', text: 'Nothing matches.' }));
    list.dataset.version = String(Number(list.dataset.version || 0) + 1);
    state.cursors[state.page + 1] = conn.pageInfo.endCursor;
    $('next').disabled = !conn.pageInfo.hasNextPage;
    $('prev').disabled = state.page === 0;
    $('page-no').textContent = 'page ' + (state.page + 1);
  });

  function setKind(kind) {
    state.kind = kind;
    state.cursors = [null];
    state.page = 0;
    for (const b of document.querySelectorAll('.tabs button')) b.classList.toggle('active', b.dataset.kind === kind);
    for (const l of document.querySelectorAll('#filters label[class^="for-"], #filters label[class*=" for-"]')) {
      l.hidden = !l.className.split(' ').includes('for-' + kind);
    }
    loadList();
  }

  // ---- the graph -----------------------------------------------------------------------
  function style() {
    return [
      { selector: 'node', style: {
        label: 'data(label)', 'font-size': 9, 'text-valign': 'bottom', 'text-margin-y': 2,
        'background-color': 'data(colour)', width: 22, height: 22, 'border-width': 1, 'border-color': '#fff' } },
      { selector: 'node[kind = "Shop"]', style: { shape: 'round-rectangle', width: 26, height: 18 } },
      { selector: 'node[kind = "Review"]', style: { shape: 'round-tag', width: 14, height: 14 } },
      { selector: 'node[kind = "Identifier"]', style: { shape: 'diamond', width: 14, height: 14, 'background-color': '#95a5a6' } },
      { selector: 'node[kind = "ReviewEvent"], node[kind = "Payment"], node[kind = "Message"]', style: { shape: 'ellipse', width: 10, height: 10 } },
      { selector: 'node.start', style: { 'border-width': 3, 'border-color': '#1d2433' } },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#3566c8' } },
      { selector: 'node.expanded', style: { opacity: 0.75 } },
      { selector: 'edge', style: {
        width: 1.2, 'line-color': '#b8c1d1', 'target-arrow-color': '#b8c1d1', 'target-arrow-shape': 'triangle',
        'curve-style': 'bezier', 'control-point-step-size': 28, label: 'data(label)', 'font-size': 7, 'text-rotation': 'autorotate', color: '#55607a' } },
      { selector: 'edge[money]', style: { width: 2.5, 'line-color': '#c0392b', 'target-arrow-color': '#c0392b', color: '#8a1c13', 'font-size': 8 } },
      { selector: 'edge[kind = "MESSAGED"]', style: { 'line-style': 'dashed', 'line-color': '#2980b9', 'target-arrow-color': '#2980b9' } },
      { selector: 'edge[kind = "USES"], edge[kind = "SHARES_IDENTIFIER"]', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none' } },
      { selector: 'edge[kind = "REFERRED"]', style: { 'line-color': '#8e44ad', 'target-arrow-color': '#8e44ad', 'line-style': 'dashed' } },
      { selector: 'edge[kind = "REMOVED"], edge[kind = "RETRACTED"]', style: { 'line-color': '#e67e22', 'target-arrow-color': '#e67e22' } },
    ];
  }

  function colourOf(node, roles) {
    if (roles[node.id]) return ROLE_COLOURS[roles[node.id]] || ROLE_COLOURS.other;
    const c = (node.caption || '').toLowerCase();
    if (node.label === 'Shop' || c.includes('victim') || c.includes('target')) return ROLE_COLOURS.victim;
    if (ROLE_COLOURS[(node.caption || '').toUpperCase()]) return ROLE_COLOURS[(node.caption || '').toUpperCase()];
    if (ROLE_COLOURS[c]) return ROLE_COLOURS[c];
    if (c === 'shop owner' || c === 'reviewer' || c === 'contact' || c === 'paid') return c === 'shop owner' ? '#16a085' : '#e67e22';
    return node.label === 'Account' ? '#34495e' : '#bdc3c7';
  }

  function edgeLabel(e) {
    if (e.amount) return e.amount + ' ' + (e.currency || '') + ' · ' + day(e.at).slice(0, 16);
    if (e.kind === 'MESSAGED' && e.at) return 'msg ' + day(e.at).slice(0, 16);
    return e.kind.toLowerCase();
  }

  // Evidence → cytoscape elements. A node that only stands for an edge's record (a payment
  // behind a PAID edge) is drawn as that edge, not as a floating dot.
  function elements(ev, roles) {
    const ids = new Set(ev.nodes.map((n) => n.id));
    const touched = new Set();
    for (const e of ev.edges) { touched.add(e.from); touched.add(e.to); }
    const records = new Set(ev.edges.map((e) => e.recordId).filter(Boolean));
    const els = [];
    for (const n of ev.nodes) {
      if (!touched.has(n.id) && records.has(n.id)) continue;
      // a cut view leaves out what it cannot connect (the bundle holds all of it)
      if (ev.truncated && !touched.has(n.id)) continue;
      els.push({ group: 'nodes', data: {
        id: n.id, kind: n.label, caption: n.caption || '', role: roles[n.id] || '',
        label: n.id + (roles[n.id] ? ' · ' + roles[n.id].toLowerCase() : n.caption ? ' · ' + n.caption : ''),
        colour: colourOf(n, roles) } });
    }
    for (const e of ev.edges) {
      if (!ids.has(e.from) || !ids.has(e.to)) continue;
      const d = { id: e.id, source: e.from, target: e.to, kind: e.kind, label: edgeLabel(e), recordId: e.recordId || '', at: e.at || '' };
      if (e.amount) d.money = e.amount;
      els.push({ group: 'edges', data: d });
    }
    return els;
  }

  function draw(els, layout, startId) {
    if (state.cy) state.cy.destroy();
    const cy = cytoscape({ container: $('graph'), elements: els, style: style(), wheelSensitivity: 0.3 });
    if (startId) cy.$id(startId).addClass('start');
    cy.on('tap', 'node', (evt) => showRecord(evt.target));
    cy.on('tap', 'edge', (evt) => showEdge(evt.target));
    state.cy = cy;
    state.layout = typeof layout === 'function' ? layout : ringLayout;
    state.layout(cy).run();
    legend();
    return cy;
  }

  // Members in the middle, the accounts they touch around them, records and shops outside.
  function ringLayout(cy) {
    const level = (n) => (n.data('role') ? 3 : n.data('kind') === 'Account' ? 2 : n.data('kind') === 'Identifier' ? 2 : 1);
    return cy.layout({ name: 'concentric', animate: false, concentric: level, levelWidth: () => 1,
      minNodeSpacing: 40, spacingFactor: 1.15, avoidOverlap: true, padding: 20 });
  }

  function legend() {
    const parts = [['organizer', ROLE_COLOURS.ORGANIZER], ['operative', ROLE_COLOURS.OPERATIVE], ['recruit', ROLE_COLOURS.RECRUIT],
      ['beneficiary', ROLE_COLOURS.BENEFICIARY], ['intermediary', ROLE_COLOURS.INTERMEDIARY], ['victim', ROLE_COLOURS.victim]];
    $('legend').replaceChildren(...parts.map(([t, c]) => el('span', {}, el('i', { style: 'background:' + c }), t)),
      el('span', { text: '— money (red, amount · time), - - contact, ··· identifier' }));
  }

  function setView(title, sub, reasons, ev) {
    $('view-title').textContent = title;
    let s = sub || '';
    if (ev) {
      s += (s ? ' · ' : '') + ev.nodesTotal + ' nodes, ' + ev.edgesTotal + ' edges';
      if (ev.truncated) s += ' (showing ' + ev.nodes.length + ' / ' + ev.edges.length + '; the bundle holds all)';
    }
    $('view-sub').textContent = s;
    $('reasons').replaceChildren(...(reasons || []).map((r) => el('li', { text: r })));
    $('timeline').hidden = true;
    $('record').replaceChildren(document.createTextNode('Click a node.'));
    $('expand').disabled = true;
    $('lineage').disabled = true;
    state.selected = null;
  }

  // ---- findings ------------------------------------------------------------------------
  const showRing = guarded(async function (id) {
    const d = await gql(`query($id: String!, $limit: Int) { ring(id: $id) { id kind score reasons firstAt lastAt
      moneyIn { amount currency } members { account { id } role contribution } victimShops { id }
      dismissal { caseId reason } ${EVIDENCE} } }`, { id, limit: null });
    const r = d.ring;
    const roles = Object.fromEntries(r.members.map((m) => [m.account.id, m.role]));
    setView('Ring ' + r.id, r.kind + ' · score ' + r.score.toFixed(2) + ' · ' + r.members.length + ' members · money in ' + money(r.moneyIn), r.reasons, r.evidence);
    draw(elements(r.evidence, roles));
    await focus({ kind: 'RING', slug: 'ring', id: r.id, title: r.kind.toLowerCase().replace('_', ' ') + ' ring ' + r.id, dismissal: r.dismissal });
  });

  const showIncident = guarded(async function (id) {
    const d = await gql(`query($id: String!, $limit: Int) { extortionIncident(id: $id) { id confidence complete reasons
      reviewedAt contactedAt paidAt retractedAt amount { amount currency } paymentId
      review { id rating } shop { id } reviewer { id } contact { id } payee { id }
      dismissal { caseId reason } ${EVIDENCE} } }`, { id, limit: null });
    const i = d.extortionIncident;
    const roles = {};
    setView('Incident ' + i.id, (i.complete ? 'complete' : 'partial') + ' chain · confidence ' + i.confidence.toFixed(2), i.reasons, i.evidence);
    timeline(i);
    draw(elements(i.evidence, roles));
    await focus({ kind: 'INCIDENT', slug: 'incident', id: i.id, title: 'extortion incident on ' + i.review.id, dismissal: i.dismissal });
  });

  function timeline(i) {
    const steps = [
      ['1 · negative review', i.reviewedAt, i.reviewer.id + ' rated ' + i.shop.id + ' ' + i.review.rating + '★ (' + i.review.id + ')'],
      ['2 · contact', i.contactedAt, i.contact ? i.contact.id + ' messaged the owner' : 'no contact recorded'],
      ['3 · payment', i.paidAt, money(i.amount) + ' to ' + i.payee.id + ' (' + i.paymentId + ')'],
      ['4 · withdrawal', i.retractedAt, i.retractedAt ? 'review withdrawn or revised up' : 'review still up'],
    ];
    const box = $('timeline');
    box.replaceChildren();
    let prev = null;
    steps.forEach(([name, at, what], k) => {
      if (k > 0) {
        const gap = prev && at ? Math.round((Date.parse(at) - Date.parse(prev)) / 36e5) + ' h' : '';
        box.append(el('div', { class: 'gap', text: gap ? '→ ' + gap : '→' }));
      }
      box.append(el('div', { class: 'step' + (at ? '' : ' missing'), 'data-testid': 'timeline-step' },
        el('b', { text: name }), el('div', { text: at ? day(at) : 'missing' }), el('div', { class: 'muted', text: what })));
      if (at) prev = at;
    });
    box.hidden = false;
  }

  const showInsider = guarded(async function (employeeId) {
    const d = await gql(`query($id: String!, $limit: Int) { insiderSuspect(employeeId: $id) { score reasons removalsTotal removalsLegitimate
      moneyTraced { amount currency } dismissal { caseId reason } ${EVIDENCE} } }`, { id: employeeId, limit: 300 });
    const s = d.insiderSuspect;
    const roles = { [employeeId]: 'staff' };
    setView('Insider ' + employeeId, 'score ' + s.score.toFixed(2) + ' · ' + s.removalsLegitimate + ' of ' + s.removalsTotal + ' removals legitimate · traced ' + money(s.moneyTraced), s.reasons, s.evidence);
    // the money chains and the first removals (the rest are in the bundle), force-directed
    draw(elements(s.evidence, roles), (cy) => cy.layout({ name: 'cose', animate: false, randomize: false,
      nodeRepulsion: 12000, idealEdgeLength: 50, numIter: 600 }), employeeId);
    await focus({ kind: 'INSIDER_SUSPECT', slug: 'insider', id: employeeId, title: 'insider ' + employeeId, dismissal: s.dismissal });
  });

  const showLineage = guarded(async function (accountId) {
    say('tracing lineage from ' + accountId + '…');
    const d = await gql(`query($id: String!) { agentLineage(accountId: $id) { start truncated
      accounts { account { id } role depth } victimShops { id }
      evidence { nodes { id label caption } edges { id from to kind recordId at amount currency } nodesTotal edgesTotal truncated reasons }
      edges { id from to kind recordId at amount currency } } }`, { id: accountId });
    const l = d.agentLineage;
    const roles = Object.fromEntries(l.accounts.map((a) => [a.account.id, a.role]));
    const ev = { nodes: l.evidence.nodes, edges: l.edges.concat(l.evidence.edges.filter((e) => !l.edges.some((x) => x.id === e.id))),
      nodesTotal: l.evidence.nodesTotal, edgesTotal: l.evidence.edgesTotal, truncated: l.evidence.truncated };
    setView('Lineage from ' + l.start, l.accounts.length + ' accounts' + (l.truncated ? ' (expansion capped)' : ''), l.evidence.reasons, ev);
    const rank = (n) => {
      const r = n.data('role');
      if (r in LINEAGE_RANK) return LINEAGE_RANK[r];
      return n.data('kind') === 'Review' ? 5 : n.data('kind') === 'Shop' ? 6 : 3;
    };
    draw(elements(ev, roles), (cy) => {
      // dagre ranks by edge direction: lay out only edges that point down the hierarchy
      const down = cy.edges().filter((e) => rank(e.source()) < rank(e.target()));
      return cy.nodes().union(down).layout({ name: 'dagre', rankDir: 'TB', nodeSep: 25, rankSep: 55 });
    }, l.start);
    say('lineage: ' + l.accounts.length + ' accounts');
    await focus({ kind: 'LINEAGE', slug: 'lineage', id: l.start, title: 'agent lineage from ' + l.start, dismissal: null });
  });

  const showCase = guarded(async function (caseId, firstItem) {
    state.caseId = caseId;
    if (firstItem) {
      const open = { RING: showRing, INCIDENT: showIncident, INSIDER_SUSPECT: showInsider, LINEAGE: showLineage }[firstItem.kind];
      if (open) { await open(firstItem.refId); state.caseId = caseId; await renderCase(); return; }
    }
    await renderCase();
  });

  // ---- record panel --------------------------------------------------------------------
  function dl(pairs) {
    const d = el('dl');
    for (const [k, v] of pairs) if (v != null && v !== '') d.append(el('dt', { text: k }), el('dd', { text: String(v) }));
    return d;
  }

  const showRecord = guarded(async function (node) {
    state.selected = node;
    const id = node.id(), kind = node.data('kind');
    $('expand').disabled = kind !== 'Account';
    $('lineage').disabled = kind !== 'Account';
    const box = $('record');
    box.replaceChildren(el('div', { text: kind + ' ' + id }));
    let pairs = [['caption', node.data('caption')], ['role here', node.data('role')]];
    if (kind === 'Account') {
      const a = (await gql(`query($id: String!) { account(id: $id) { id role name region registeredAt identifiers { kind value accounts } } }`, { id })).account;
      pairs = pairs.concat([['account role', a.role], ['name', a.name], ['region', a.region], ['registered', day(a.registeredAt)],
        ['identifiers', a.identifiers.map((x) => x.kind + ' ' + x.value + ' (' + x.accounts + ')').join('; ')]]);
    } else if (kind === 'Shop') {
      const s = (await gql(`query($id: String!) { shop(id: $id) { id name category openedAt owner { id } } }`, { id })).shop;
      pairs = pairs.concat([['name', s.name], ['category', s.category], ['opened', day(s.openedAt)], ['owner', s.owner.id]]);
    } else if (kind === 'Review') {
      const r = (await gql(`query($id: String!) { review(id: $id) { id rating text postedAt author { id } shop { id } events { action at } } }`, { id })).review;
      pairs = pairs.concat([['rating', r.rating + '★'], ['text', r.text], ['posted', day(r.postedAt)], ['author', r.author.id], ['shop', r.shop.id],
        ['events', r.events.map((e) => e.action + ' ' + day(e.at)).join('; ')]]);
    }
    box.replaceChildren(el('div', { text: kind + ' ' + id }), dl(pairs));
  });

  function showEdge(edge) {
    $('expand').disabled = true;
    $('lineage').disabled = true;
    $('record').replaceChildren(el('div', { text: edge.data('kind') + ' edge ' + edge.id() }), dl([
      ['from', edge.data('source')], ['to', edge.data('target')], ['record', edge.data('recordId')],
      ['at', day(edge.data('at'))], ['amount', edge.data('money')]]));
  }

  const expand = guarded(async function () {
    const node = state.selected;
    if (!node || !state.cy) return;
    const id = node.id();
    const a = (await gql(`query($id: String!) { account(id: $id) {
      linkedAccounts(first: 10) { edges { node { account { id } via { kind value } } } }
      paymentsSent(first: 10, privateOnly: true) { edges { node { id amount { amount currency } paidAt to { id } } } }
      paymentsReceived(first: 10, privateOnly: true) { edges { node { id amount { amount currency } paidAt from { id } } } } } }`, { id })).account;
    const cy = state.cy;
    const add = [];
    const node_ = (nid) => { if (!cy.$id(nid).length && !add.some((x) => x.data.id === nid)) add.push({ group: 'nodes', classes: 'expanded', data: { id: nid, kind: 'Account', label: nid, colour: '#7f8c8d' } }); };
    const edge_ = (eid, s, t, kind, label, amount) => { if (!cy.$id(eid).length && !add.some((x) => x.data.id === eid)) add.push({ group: 'edges', classes: 'expanded', data: Object.assign({ id: eid, source: s, target: t, kind, label }, amount ? { money: amount } : {}) }); };
    for (const { node: l } of a.linkedAccounts.edges) { node_(l.account.id); edge_('x-link-' + id + '-' + l.account.id, id, l.account.id, 'SHARES_IDENTIFIER', l.via.map((v) => v.kind).join(', ')); }
    for (const { node: p } of a.paymentsSent.edges) { node_(p.to.id); edge_('x-' + p.id, id, p.to.id, 'PAID', money(p.amount) + ' · ' + day(p.paidAt).slice(0, 16), p.amount.amount); }
    for (const { node: p } of a.paymentsReceived.edges) { node_(p.from.id); edge_('x-' + p.id, p.from.id, id, 'PAID', money(p.amount) + ' · ' + day(p.paidAt).slice(0, 16), p.amount.amount); }
    cy.add(add);
    (state.layout || ringLayout)(cy).run();
    say('added ' + add.length + ' element(s) around ' + id);
  });

  // ---- case panel ----------------------------------------------------------------------
  async function focus(finding) {
    state.current = finding;
    $('finding-bundle-btn').disabled = false;
    $('case-title').value = finding.title;
    const d = await gql(`query($ref: String) { cases(refId: $ref, first: 5) { edges { node { id } } } }`, { ref: finding.id });
    const found = d.cases.edges.map((e) => e.node.id);
    if (found.length) state.caseId = found[0];
    else if (state.caseId) {
      // keep a case chosen elsewhere: the finding can be attached to it
    }
    await renderCase();
  }

  async function renderCase() {
    const cur = $('case-current');
    const f = state.current;
    $('case-open-btn').disabled = !f;
    if (!state.caseId) {
      cur.replaceChildren(el('span', { text: f && f.dismissal ? 'Dismissed in ' + f.dismissal.caseId + ' (' + (f.dismissal.reason || '') + ')' : 'No case for what is on screen.' }));
      $('case-actions').hidden = true;
      $('case-attach-btn').hidden = true;
      $('case-open').hidden = false;
      return;
    }
    const c = (await gql(`query($id: String!) { case(id: $id) { id title status dismissReason assignee createdBy updatedAt
      items { kind refId summary } notes(first: 50) { edges { node { author at text } } } } }`, { id: state.caseId })).case;
    const holds = f && c.items.some((i) => i.refId === f.id);
    cur.replaceChildren(
      el('div', {}, el('b', { 'data-testid': 'case-id', text: c.id }), ' ',
        el('span', { class: 'badge' + (c.status === 'DISMISSED' ? '' : ' ok'), 'data-testid': 'case-status', text: c.status.toLowerCase() })),
      el('div', { text: c.title }),
      el('div', { class: 'muted', text: 'opened by ' + c.createdBy + (c.assignee ? ' · assigned to ' + c.assignee : '')
        + ' · changed ' + day(c.updatedAt) + (c.dismissReason ? ' · reason: ' + c.dismissReason : '') }),
      el('ul', {}, ...c.items.map((i) => el('li', { class: 'muted', text: i.kind.toLowerCase() + ' ' + i.refId + ' — ' + i.summary }))));
    $('notes').replaceChildren(...c.notes.edges.map(({ node: n }) => el('li', {}, el('span', { class: 'muted', text: n.author + ', ' + day(n.at) + ': ' }), n.text)));
    $('status-select').value = c.status;
    $('case-actions').hidden = false;
    $('case-attach-btn').hidden = !f || holds;
    $('case-attach-btn').disabled = !f || holds;
    $('case-open').hidden = holds;
  }

  const openCase = guarded(async function () {
    const f = state.current;
    if (!f) return;
    const title = $('case-title').value.trim() || f.title;
    const d = await gql(`mutation($title: String!, $item: CaseItemInput!) { openCase(title: $title, item: $item) { id } }`,
      { title, item: { kind: f.kind, id: f.id } });
    state.caseId = d.openCase.id;
    say('opened case ' + state.caseId);
    await renderCase();
  });

  const attach = guarded(async function () {
    const f = state.current;
    if (!f || !state.caseId) return;
    await gql(`mutation($c: String!, $item: CaseItemInput!) { attachToCase(caseId: $c, item: $item) { id } }`, { c: state.caseId, item: { kind: f.kind, id: f.id } });
    say('attached to ' + state.caseId);
    await renderCase();
  });

  const addNote = guarded(async function () {
    const text = $('note-text').value.trim();
    if (!text || !state.caseId) return;
    await gql(`mutation($c: String!, $t: String!) { addCaseNote(caseId: $c, text: $t) { id } }`, { c: state.caseId, t: text });
    $('note-text').value = '';
    say('note added');
    await renderCase();
  });

  const setStatus = guarded(async function () {
    if (!state.caseId) return;
    const status = $('status-select').value;
    const reason = $('status-reason').value.trim();
    await gql(`mutation($c: String!, $s: CaseStatus!, $r: String) { setCaseStatus(caseId: $c, status: $s, reason: $r) { id status } }`,
      { c: state.caseId, s: status, r: status === 'DISMISSED' ? reason || null : null });
    say('status: ' + status.toLowerCase());
    await renderCase();
  });

  async function download(path) {
    const resp = await fetch(path, { headers: authHeaders() });
    if (!resp.ok) {
      let msg = 'HTTP ' + resp.status;
      try { const b = await resp.json(); msg = b.errors[0].extensions.code + ': ' + b.errors[0].message; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    const name = (/filename="([^"]+)"/.exec(resp.headers.get('Content-Disposition') || '') || [])[1] || 'bundle.tar';
    const blob = await resp.blob();
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
    $('bundle-info').textContent = name + ' · ' + blob.size + ' bytes · sha256 ' + (resp.headers.get('X-Bundle-Sha256') || '?');
    say('downloaded ' + name);
  }

  // ---- wiring --------------------------------------------------------------------------
  // `tools/dev up` prints this page's address with a token in the fragment (#token=…), which
  // never reaches the server's logs; keep it for this tab and drop it from the address bar.
  const fromUrl = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  $('token').value = token();
  $('token-save').addEventListener('click', () => { sessionStorage.setItem(TOKEN_KEY, $('token').value.trim()); say('token set for this tab'); loadList(); });
  $('token').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('token-save').click(); });
  for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => setKind(b.dataset.kind));
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); state.cursors = [null]; state.page = 0; loadList(); });
  $('next').addEventListener('click', () => { state.page += 1; loadList(); });
  $('prev').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); loadList(); });
  $('expand').addEventListener('click', expand);
  $('lineage').addEventListener('click', () => state.selected && showLineage(state.selected.id()));
  $('case-open-btn').addEventListener('click', openCase);
  $('case-attach-btn').addEventListener('click', attach);
  $('note-btn').addEventListener('click', addNote);
  $('status-btn').addEventListener('click', setStatus);
  $('case-bundle-btn').addEventListener('click', guarded(() => download('/export/case/' + encodeURIComponent(state.caseId))));
  $('finding-bundle-btn').addEventListener('click', guarded(() => state.current && download('/export/' + state.current.slug + '/' + encodeURIComponent(state.current.id))));
  if (window.cytoscapeDagre && window.cytoscape) { try { cytoscape.use(window.cytoscapeDagre); } catch (e) { /* already registered */ } }
  setKind('rings');
})();
