// The cluster panel: every node with its HTTP address and state, and for the open list the
// node that serves it, its version and epoch, and the version each replica stored. It asks
// this node again 2 s after each answer (never more often), so a node killed with SIGKILL
// shows as unreachable within seconds, and a list's new server after a failover.
import { api } from './api.js';
import { $, el, messages } from './ui.js';

const EVERY_MS = 2000;

export class ClusterPanel {
  constructor() {
    this.list = null;
    this.states = null; // node -> state at the last answer, to say what changed
    this.timer = null;
    this.busy = false;
    this.again = false;
  }

  start() {
    this.tick();
  }

  /** Shows where the list lives from now on (null: none). */
  follow(list) {
    this.list = list;
    $('placement').hidden = !list;
    $('placement-list').textContent = list || '';
    for (const id of ['placement-node', 'placement-version', 'placement-epoch', 'placement-writable']) $(id).textContent = '…';
    $('replicas').tBodies[0].replaceChildren();
    this.tick();
  }

  /** Asks now, unless a question is out: then again as soon as it is answered. Never two at once. */
  tick() {
    if (this.busy) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.busy = true;
    this.refresh().finally(() => {
      this.busy = false;
      this.timer = setTimeout(() => this.tick(), this.again ? 0 : EVERY_MS);
      this.again = false;
    });
  }

  async refresh() {
    const list = this.list;
    const [cluster, description] = await Promise.allSettled([api.cluster(), list ? api.describe(list) : null]);
    const at = new Date().toLocaleTimeString();
    if (cluster.status === 'fulfilled') {
      this.members(cluster.value);
      $('cluster-updated').textContent = `Updated at ${at}.`;
    } else {
      $('cluster-updated').textContent = `This page's node did not answer at ${at}: ${cluster.reason.message}. Asking again…`;
    }
    if (list && list === this.list) {
      if (description.status === 'fulfilled') this.placement(description.value);
      else $('placement-node').textContent = `unknown: ${description.reason.message}`;
    }
  }

  members(cluster) {
    const members = cluster.members
      || [cluster.self, ...cluster.nodes].sort().map(node => ({ node, http: cluster.http[node], status: 'up' }));
    const rows = members.map(m => {
      const tr = el('tr', null, m.node === cluster.self ? 'self' : '');
      tr.dataset.node = m.node;
      const name = el('td');
      name.append(el('span', m.node, 'node'));
      if (m.node === cluster.self) name.append(' ', el('span', 'this page', 'badge'));
      const http = el('td');
      if (m.http) {
        const a = el('a', m.http.replace(/^https?:\/\//, ''));
        a.href = `${m.http}/`;
        a.setAttribute('aria-label', `${m.node}'s page at ${m.http}`);
        http.append(a);
      } else {
        http.textContent = '–';
      }
      const state = el('td', null, 'state');
      state.append(el('span', m.status, `state-${m.status}`));
      tr.append(name, http, state);
      return tr;
    });
    $('members').tBodies[0].replaceChildren(...rows);
    const now = new Map(members.map(m => [m.node, m.status]));
    if (this.states) {
      const news = members.filter(m => this.states.get(m.node) !== m.status).map(m => `${m.node} is ${m.status}.`);
      if (news.length) messages.status(news.join(' '));
    }
    this.states = now;
  }

  placement(d) {
    $('placement-node').textContent = d.node;
    $('placement-version').textContent = d.version;
    $('placement-epoch').textContent = d.epoch ?? '–';
    $('placement-writable').textContent = d.writable ? 'yes' : `no: ${d.stale || 'no majority'}`;
    const rows = Object.entries(d.replicas).sort(([a], [b]) => a.localeCompare(b)).map(([node, version]) => {
      const tr = el('tr');
      tr.dataset.node = node;
      tr.append(el('td', node, 'node'), el('td', version === null ? 'no answer' : String(version), 'version'));
      let lag = '–';
      if (version !== null) lag = version >= d.version ? 'caught up' : `behind by ${d.version - version}`;
      tr.append(el('td', lag, version !== null && version < d.version ? 'lag behind' : 'lag'));
      return tr;
    });
    $('replicas').tBodies[0].replaceChildren(...rows);
  }
}
