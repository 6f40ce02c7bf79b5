// Sign in: a token (sent as Authorization: Bearer) and, for a system token, the domain it acts for
// (x-domain-id; an access token's domain is its own). The
// pair is tried against the API before it is kept, so a wrong token is said here, not on every page.
import { api } from '../api.js';
import { errorAlert } from '../components.js';
import { h } from '../dom.js';
import { currentSession, signIn } from '../session.js';

const DOMAIN_ID = /^[A-Za-z0-9_.-]{0,64}$/;

export async function render({ main, query, setTitle, navigate }) {
  setTitle('Sign in');
  const existing = currentSession();
  const next = query.get('next');
  const reason = query.get('reason');
  const status = h('div', { id: 'sign-in-status' });
  const token = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'token-hint', value: existing?.token ?? '' });
  const domain = h('input', { type: 'text', id: 'domain', name: 'domain', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'domain-hint', placeholder: 'default', value: existing?.domainId ?? '' });
  const remember = h('input', { type: 'checkbox', id: 'remember', name: 'remember', checked: existing?.remember ?? false });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');

  const form = h(
    'form',
    { class: 'card', novalidate: true, 'aria-labelledby': 'sign-in-title' },
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'API token'), token, h('p', { class: 'hint', id: 'token-hint' }, 'Sent as Authorization: Bearer with every request. Leave it empty if your server does not ask for one.')),
    h('div', { class: 'field' }, h('label', { for: 'domain' }, 'Domain'), domain, h('p', { class: 'hint', id: 'domain-hint' }, 'For a system token: the domain it acts for (sent as x-domain-id). An access token always shows its own domain.')),
    h('div', { class: 'field' }, h('span', { class: 'inline' }, remember, h('label', { for: 'remember' }, 'Remember me on this device')), h('p', { class: 'hint' }, 'Otherwise the token is forgotten when this tab closes.')),
    submit,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const candidate = { token: token.value.trim(), domainId: domain.value.trim(), remember: remember.checked };
    if (!DOMAIN_ID.test(candidate.domainId)) {
      status.replaceChildren(h('div', { class: 'alert', role: 'alert' }, h('p', {}, 'A domain is 1 to 64 letters, digits, dots, dashes or underscores.')));
      domain.focus();
      return;
    }
    submit.disabled = true;
    status.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Checking…'));
    try {
      await api.collectors.list({ query: { count_only: true } }, { session: candidate });
      signIn(candidate);
      navigate(next && next.startsWith('#/') && !next.startsWith('#/sign-in') ? next : '#/jobs');
    } catch (error) {
      status.replaceChildren(errorAlert(error, { title: 'Signing in failed' }));
      submit.disabled = false;
      token.focus();
    }
  });

  main.append(
    h(
      'section',
      { class: 'sign-in' },
      h('h1', { id: 'sign-in-title', tabindex: -1 }, 'Sign in to the console'),
      reason ? h('div', { class: 'alert', role: 'alert' }, h('p', {}, 'Please sign in again: ', reason)) : null,
      status,
      form,
    ),
  );
  token.focus();
}
