import { alertBox, byId as $ } from '../shared/dom.js';
import { recentCalls, signIn, SignedOut, type Call } from './api.js';

/** How often the table is read again while a client is being tested. */
const REFRESH_MS = 2000;
const STORED_TOKEN = 'dashboard.token';

const signInForm = $<HTMLFormElement>('sign-in');
const clientIdInput = $<HTMLInputElement>('client-id');
const clientSecretInput = $<HTMLInputElement>('client-secret');
const signedIn = $<HTMLParagraphElement>('signed-in');
const clientName = $<HTMLSpanElement>('client');
const errors = alertBox($('error'));
const section = $<HTMLElement>('calls-section');
const summary = $<HTMLSpanElement>('summary');
const tooSoonOnly = $<HTMLInputElement>('too-soon');
const table = $<HTMLTableSectionElement>('calls');

let token = sessionStorage.getItem(STORED_TOKEN);
let timer: number | undefined;

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** What the request log flags in a call: a poll sooner than pollDelayInMs, an amount sent as a string. */
function flags(call: Call): string[] {
  return [call.polledTooSoon ? 'polled too soon' : '', call.outsideContract ? 'outside the contract' : ''].filter(Boolean);
}

function row(call: Call): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.className = [call.status >= 400 ? 'error' : '', flags(call).length > 0 ? 'flagged' : ''].join(' ').trim();
  tr.append(
    cell(new Date(call.at).toLocaleTimeString()),
    cell(`${call.method} ${call.path}`, 'mono'),
    cell(String(call.status)),
    cell(call.latencyMs.toFixed(1)),
    cell(call.correlationId, 'mono'),
    cell(call.idempotencyKey ?? '', 'mono'),
    cell(flags(call).join(', ')),
  );
  if (call.outsideContract) tr.title = 'Accepted as MobilePay did, but the contract says amount is a number: send 12.5, not "12.50".';
  return tr;
}

function show(signedInAs: string | null): void {
  signInForm.hidden = signedInAs !== null;
  signedIn.hidden = section.hidden = signedInAs === null;
  if (signedInAs !== null) clientName.textContent = `Client ${signedInAs}`;
}

async function refresh(): Promise<void> {
  if (!token) return;
  try {
    const { clientId, calls } = await recentCalls(token, tooSoonOnly.checked);
    show(clientId);
    errors.clear();
    const failed = calls.filter((c) => c.status >= 400).length;
    const tooSoon = calls.filter((c) => c.polledTooSoon).length;
    const outside = calls.filter((c) => c.outsideContract).length;
    summary.textContent = `${calls.length} calls · ${failed} refused · ${tooSoon} polled too soon · ${outside} outside the contract`;
    table.replaceChildren(...calls.map(row));
  } catch (error) {
    if (error instanceof SignedOut) signOut();
    errors.show(error);
  }
}

function watch(): void {
  window.clearInterval(timer);
  timer = window.setInterval(refresh, REFRESH_MS);
  void refresh();
}

function signOut(): void {
  window.clearInterval(timer);
  token = null;
  sessionStorage.removeItem(STORED_TOKEN);
  show(null);
}

signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    token = await signIn(clientIdInput.value.trim(), clientSecretInput.value);
    sessionStorage.setItem(STORED_TOKEN, token);
    clientSecretInput.value = '';
    watch();
  } catch (error) {
    errors.show(error);
  }
});

$<HTMLButtonElement>('sign-out').addEventListener('click', signOut);
tooSoonOnly.addEventListener('change', () => void refresh());

show(null);
if (token) watch();
