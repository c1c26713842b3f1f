import { alertBox, byId as $ } from '../shared/dom.js';
import { api, type WalletPayment, type WalletView } from './api.js';

/** How often the wallet asks again, like a phone waiting for the merchant's payment request. */
const REFRESH_MS = 1000;
const STORED_USER = 'wallet.phoneNumber';

/** Every status in a customer's words; a payment reaches the wallet once a customer is paired with it. */
const STATUS_WORDS: Record<WalletPayment['status'], string> = {
  Initiated: 'Waiting for you to check in',
  Prepared: 'Waiting for you to check in',
  Paired: 'Waiting for the amount',
  IssuedToUser: 'Awaiting you',
  Reserved: 'Reserved',
  Captured: 'Paid',
  CancelledByUser: 'Declined',
  CancelledByClient: 'Cancelled by the shop',
  CancelledByMobilePay: 'Timed out',
  ExpiredAndCancelled: 'Reservation expired',
};

const userSelect = $<HTMLSelectElement>('user');
const errors = alertBox($('error'));
const checkinForm = $<HTMLFormElement>('checkin-form');
const beaconInput = $<HTMLInputElement>('beacon');
const checkinStatus = $<HTMLParagraphElement>('checkin-status');
const awaitingList = $<HTMLUListElement>('awaiting');
const nothingAwaiting = $<HTMLParagraphElement>('nothing-awaiting');
const historyList = $<HTMLUListElement>('history');

let phone = '';

const money = (amount: number | null, currency: string | null) => (amount === null ? '' : `${amount.toFixed(2)} ${currency ?? ''}`.trim());
const placeText = (p: { brandName: string; storeName: string; posName: string }) => `${p.brandName} · ${p.storeName} · ${p.posName}`;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** A payment waiting for the customer: where, how much, and the two answers (accept only once it has an amount). */
function awaitingCard(payment: WalletPayment): HTMLLIElement {
  const card = element('li');
  card.dataset.paymentId = payment.paymentId;
  card.append(element('div', placeText(payment)), element('div', money(payment.amount, payment.currencyCode) || '…', 'amount'));
  if (payment.merchantPaymentLabel) card.append(element('div', payment.merchantPaymentLabel, 'status'));
  card.append(element('div', STATUS_WORDS[payment.status], 'status'));
  const actions = element('div', undefined, 'actions');
  if (payment.status === 'IssuedToUser') {
    const pay = element('button', `Pay ${money(payment.amount, payment.currencyCode)}`);
    pay.addEventListener('click', () => answer(payment.paymentId, 'accept'));
    actions.append(pay);
  }
  const decline = element('button', 'Decline', 'secondary');
  decline.addEventListener('click', () => answer(payment.paymentId, 'decline'));
  actions.append(decline);
  card.append(actions);
  return card;
}

function historyRow(payment: WalletPayment): HTMLLIElement {
  const row = element('li');
  row.dataset.paymentId = payment.paymentId;
  row.append(
    element('span', `${payment.brandName} ${money(payment.capturedAmount ?? payment.amount, payment.currencyCode)}`),
    element('span', STATUS_WORDS[payment.status], 'status'),
  );
  return row;
}

function render(view: WalletView): void {
  checkinStatus.textContent = view.checkin ? `Checked in at ${placeText(view.checkin)}, waiting for the payment…` : '';
  const awaiting = view.payments.filter((p) => p.status === 'IssuedToUser' || p.status === 'Paired');
  awaitingList.replaceChildren(...awaiting.map(awaitingCard));
  nothingAwaiting.hidden = awaiting.length > 0;
  historyList.replaceChildren(...view.payments.filter((p) => !awaiting.includes(p)).map(historyRow));
}

async function refresh(): Promise<void> {
  if (!phone) return;
  try {
    render(await api.wallet(phone));
  } catch (error) {
    errors.show(error);
  }
}

async function answer(paymentId: string, choice: 'accept' | 'decline'): Promise<void> {
  errors.clear();
  try {
    await api.answer(phone, paymentId, choice);
  } catch (error) {
    errors.show(error);
  }
  await refresh();
}

checkinForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  errors.clear();
  try {
    await api.checkIn(phone, beaconInput.value.trim());
    beaconInput.value = '';
  } catch (error) {
    errors.show(error);
  }
  await refresh();
});

userSelect.addEventListener('change', async () => {
  phone = userSelect.value;
  localStorage.setItem(STORED_USER, phone);
  errors.clear();
  await refresh();
});

async function start(): Promise<void> {
  const users = await api.users();
  userSelect.replaceChildren(...users.map((u) => Object.assign(element('option', `${u.phoneNumber} (${u.paymentSource})`), { value: u.phoneNumber })));
  // ?phone= picks the user (a link per test user), else the one chosen last time, else the first.
  // A query string reads an unescaped + as a space: ?phone=+4520031801 means the number.
  const wanted = new URLSearchParams(location.search).get('phone')?.replace(/^ /, '+') ?? localStorage.getItem(STORED_USER);
  phone = users.some((u) => u.phoneNumber === wanted) ? wanted! : (users[0]?.phoneNumber ?? '');
  userSelect.value = phone;
  await checkInFromLink();
  await refresh();
  setInterval(refresh, REFRESH_MS);
}

/**
 * `?beacon=` checks in at once: a printed QR code can encode the wallet's address with its beacon, so any phone
 * camera that opens it lands checked in. The parameter is then taken off the address, so a reload does not
 * check in again.
 */
async function checkInFromLink(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const beacon = params.get('beacon');
  if (!beacon || !phone) return;
  params.delete('beacon');
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
  try {
    await api.checkIn(phone, beacon);
  } catch (error) {
    errors.show(error);
  }
}

start().catch(errors.show);
