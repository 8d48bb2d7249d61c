// Browsing the stored lists: GET /api/lists, a page at a time, searched by part of a name.
import { api } from './api.js';
import { $, el, messages } from './ui.js';

const PAGE = 20;
const SEARCH_DELAY_MS = 250;

export class ListBrowser {
  constructor({ onPick }) {
    this.onPick = onPick;
    this.query = '';
    this.next = null;
    this.current = null;
    this.loading = 0; // answers to a superseded search are dropped
    let timer;
    $('list-search').addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => { this.query = $('list-search').value; this.refresh(); }, SEARCH_DELAY_MS);
    });
    $('more-lists').addEventListener('click', () => this.load(this.next));
  }

  /** Loads the first page again (after a search, or a write that may have made a new list). */
  refresh() {
    this.load(null);
  }

  async load(after) {
    const ticket = ++this.loading;
    const query = this.query;
    const ul = $('list-names');
    ul.setAttribute('aria-busy', 'true');
    let page;
    try {
      page = await api.lists(query, after, PAGE);
    } catch (e) {
      if (ticket === this.loading) {
        ul.setAttribute('aria-busy', 'false');
        messages.error(`Could not load the lists: ${e.message}`);
      }
      return;
    }
    if (ticket !== this.loading) return;
    ul.setAttribute('aria-busy', 'false');
    ul.dataset.query = query; // what the names shown were searched with
    if (!after) ul.replaceChildren();
    for (const name of page.lists) ul.append(this.item(name));
    this.next = page.next;
    $('more-lists').hidden = !page.next;
    $('no-lists').hidden = ul.children.length > 0;
    this.mark(this.current);
  }

  item(name) {
    const button = el('button', name, 'name');
    button.type = 'button';
    button.dataset.list = name;
    button.addEventListener('click', () => this.onPick(name));
    const li = el('li');
    li.append(button);
    return li;
  }

  /** Shows which list is open. */
  mark(name) {
    this.current = name;
    for (const button of $('list-names').querySelectorAll('button')) {
      if (button.dataset.list === name) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
  }
}
