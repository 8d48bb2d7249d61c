// Small things every part of the page uses: finding elements, dates, and the two live regions.

export const $ = id => document.getElementById(id);

function iso(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Today in the browser's time zone, as YYYY-MM-DD. */
export function today() {
  return iso(new Date());
}

/** The day n days after day (YYYY-MM-DD), across months and years. */
export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return iso(new Date(y, m - 1, d + n));
}

/** An element with text: el('li', 'Dentist', 'entry'). */
export function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (className) e.className = className;
  return e;
}

/**
 * Errors and news, in the page's two live regions (role=alert and role=status), so a screen
 * reader says them. An error stays until the next action clears it; it is never swallowed.
 */
export const messages = {
  error(text) {
    const box = $('error');
    box.textContent = text;
    box.hidden = false;
  },
  clear() {
    const box = $('error');
    box.textContent = '';
    box.hidden = true;
  },
  status(text) {
    $('status').textContent = text;
  },
};
