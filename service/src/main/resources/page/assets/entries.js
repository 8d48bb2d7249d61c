// One list's entries, by date (or all dates), and the writes on them: add, edit, complete,
// delete. Each write goes through the JSON API; the list is read again after it, so what shows
// is what the node stored. A refused write is shown with the node's reason.
import { api } from './api.js';
import { $, addDays, el, messages, today } from './ui.js';

export class EntriesView {
  constructor({ onDates, onWritten }) {
    this.onDates = onDates;
    this.onWritten = onWritten;
    this.list = null;
    this.entries = [];
    this.editing = null;
    this.loading = 0;
    $('day').addEventListener('change', () => { if ($('day').value) this.setDates($('day').value, false); });
    $('prev-day').addEventListener('click', () => this.setDates(addDays(this.day, -1), false));
    $('next-day').addEventListener('click', () => this.setDates(addDays(this.day, 1), false));
    $('today').addEventListener('click', () => this.setDates(today(), false));
    $('all-dates').addEventListener('change', () => this.setDates(this.day, $('all-dates').checked));
    $('add-entry').addEventListener('submit', event => { event.preventDefault(); this.add(); });
  }

  /** Opens the list on a day, or on every date when all is true. */
  show(list, day, all) {
    this.list = list;
    this.editing = null;
    $('entries-title').textContent = list;
    $('entries-hint').hidden = true;
    $('entries-body').hidden = false;
    this.setDates(day, all);
  }

  setDates(day, all) {
    this.day = day;
    this.all = all;
    $('day').value = day;
    $('all-dates').checked = all;
    $('day').disabled = all;
    $('prev-day').disabled = all;
    $('next-day').disabled = all;
    $('new-date').value = day;
    this.onDates(day, all);
    this.load();
  }

  async load() {
    const ticket = ++this.loading;
    const list = this.list;
    try {
      const entries = await api.entries(list);
      if (ticket !== this.loading) return;
      this.entries = entries;
      this.render();
    } catch (e) {
      if (ticket === this.loading) messages.error(`Could not read list ${list}: ${e.message}`);
    }
  }

  shown() {
    const picked = this.all ? this.entries : this.entries.filter(e => e.date === this.day);
    return picked.slice().sort((a, b) => a.date.localeCompare(b.date) || a.order - b.order || a.id - b.id);
  }

  render() {
    const focused = document.activeElement && document.activeElement.id;
    const shown = this.shown();
    const ul = $('entry-list');
    ul.replaceChildren(...shown.map(e => (e.id === this.editing ? this.editor(e) : this.item(e))));
    const none = $('no-entries');
    none.hidden = shown.length > 0;
    none.textContent = this.all ? `List ${this.list} has no entries yet.` : `No entries on ${this.day}.`;
    if (focused && $(focused)) $(focused).focus();
  }

  item(entry) {
    const li = el('li', null, entry.completed ? 'entry done' : 'entry');
    li.dataset.id = entry.id;
    const done = el('input');
    done.type = 'checkbox';
    done.id = `done-${entry.id}`;
    done.checked = entry.completed;
    done.className = 'complete';
    const label = el('label', null, 'title');
    label.htmlFor = done.id;
    label.append(el('span', entry.title, 'text'));
    const date = el('span', entry.date, 'date');
    if (!this.all) date.classList.add('visually-hidden');
    const edit = el('button', 'Edit', 'edit');
    edit.type = 'button';
    edit.setAttribute('aria-label', `Edit ${entry.title}`);
    const remove = el('button', 'Delete', 'delete');
    remove.type = 'button';
    remove.id = `delete-${entry.id}`;
    remove.setAttribute('aria-label', `Delete ${entry.title}`);
    done.addEventListener('change', () => this.complete(entry, done.checked));
    edit.addEventListener('click', () => { this.editing = entry.id; this.render(); $(`edit-title-${entry.id}`).focus(); });
    remove.addEventListener('click', () => this.remove(entry));
    li.append(done, label, date, edit, remove);
    return li;
  }

  editor(entry) {
    const li = el('li', null, 'entry editing');
    li.dataset.id = entry.id;
    const form = el('form', null, 'edit-form');
    const title = this.field(form, `edit-title-${entry.id}`, 'Title', 'text', entry.title);
    const date = this.field(form, `edit-date-${entry.id}`, 'Date', 'date', entry.date);
    const save = el('button', 'Save', 'save');
    save.type = 'submit';
    const cancel = el('button', 'Cancel', 'cancel');
    cancel.type = 'button';
    form.append(save, cancel);
    form.addEventListener('submit', event => {
      event.preventDefault();
      this.update(entry, { title: title.value, date: date.value });
    });
    form.addEventListener('keydown', event => { if (event.key === 'Escape') this.stopEditing(entry); });
    cancel.addEventListener('click', () => this.stopEditing(entry));
    li.append(form);
    return li;
  }

  field(form, id, text, type, value) {
    const wrap = el('div', null, 'stack');
    const label = el('label', text);
    label.htmlFor = id;
    const input = el('input');
    input.id = id;
    input.type = type;
    input.value = value;
    input.required = true;
    wrap.append(label, input);
    form.append(wrap);
    return input;
  }

  stopEditing(entry) {
    this.editing = null;
    this.render();
    const edit = document.querySelector(`#entry-list li[data-id="${entry.id}"] .edit`);
    if (edit) edit.focus();
  }

  /** Runs a write; on success says the news and reads the list again, else shows why. */
  async write(what, request, news) {
    messages.clear();
    const list = this.list;
    try {
      await request();
    } catch (e) {
      messages.error(`Could not ${what} in list ${list}: ${e.message}${e.status ? ` (HTTP ${e.status})` : ''}`);
      this.render(); // puts a checkbox the refused write had ticked back as it was
      return false;
    }
    messages.status(news);
    await this.load();
    this.onWritten();
    return true;
  }

  async add() {
    const title = $('new-title').value;
    const date = $('new-date').value || this.day;
    const ok = await this.write(`add "${title}"`, () => api.add(this.list, title, date),
                                `Added "${title}" on ${date} to ${this.list}.`);
    if (ok) {
      $('new-title').value = '';
      $('new-title').focus();
    }
  }

  async update(entry, patch) {
    const ok = await this.write(`change "${entry.title}"`, () => api.update(this.list, entry.id, patch),
                                `Changed "${entry.title}" to "${patch.title}" on ${patch.date}.`);
    if (ok) this.stopEditing(entry);
  }

  complete(entry, completed) {
    return this.write(`mark "${entry.title}"`, () => api.update(this.list, entry.id, { completed }),
                      `"${entry.title}" is ${completed ? 'done' : 'not done'}.`);
  }

  async remove(entry) {
    const ok = await this.write(`delete "${entry.title}"`, () => api.remove(this.list, entry.id), `Deleted "${entry.title}".`);
    if (ok) $('new-title').focus(); // its row, and the button that had the focus, are gone
  }
}
