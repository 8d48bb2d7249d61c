// The page's state (which list, which dates) and its wiring. The state lives in the address's
// fragment (#list=bob&date=2018-12-19, or &all), so a reload or a shared link opens the same view.
import { api } from './api.js';
import { ListBrowser } from './lists.js';
import { EntriesView } from './entries.js';
import { ClusterPanel } from './cluster.js';
import { TrafficChart } from './chart.js';
import { $, messages, today } from './ui.js';

const state = { list: null, day: today(), all: false };

function readFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const list = params.get('list');
  state.list = list && list.trim() ? list : null;
  const date = params.get('date');
  state.day = date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : today();
  state.all = params.has('all');
}

function writeFragment() {
  const params = new URLSearchParams();
  if (state.list) params.set('list', state.list);
  if (state.day !== today()) params.set('date', state.day);
  if (state.all) params.set('all', '');
  const hash = params.toString();
  history.replaceState(null, '', hash ? `#${hash}` : location.pathname);
}

const lists = new ListBrowser({ onPick: name => choose(name) });
const entries = new EntriesView({ onDates: (day, all) => { state.day = day; state.all = all; writeFragment(); },
                                  onWritten: () => lists.refresh() });
const cluster = new ClusterPanel();
const chart = new TrafficChart();

function choose(name) {
  messages.clear();
  state.list = name;
  writeFragment();
  lists.mark(name);
  entries.show(name, state.day, state.all);
  cluster.follow(name);
}

$('open-list').addEventListener('submit', event => {
  event.preventDefault();
  const name = $('list-name').value;
  if (!name.trim()) {
    messages.error('A list name cannot be empty.');
    return;
  }
  choose(name);
  $('new-title').focus();
});

window.addEventListener('hashchange', () => {
  readFragment();
  if (state.list) choose(state.list);
});

readFragment();
api.cluster().then(c => { $('served-by').textContent = `This page is served by ${c.self}.`; },
                   e => { $('served-by').textContent = `This node does not answer: ${e.message}`; });
lists.refresh();
if (state.list) choose(state.list);
else cluster.start();
chart.start();
