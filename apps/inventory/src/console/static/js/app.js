// The console's entry point: a hash router (#/jobs, #/jobs/<id>, #/collectors, #/resources,
// #/resources/<id>, #/charts, #/sign-in). Each page renders into <main> and stops its polling and
// requests when the user leaves it.
import { h } from './dom.js';
import { currentSession, signOut } from './session.js';
import * as charts from './pages/charts.js';
import * as collectors from './pages/collectors.js';
import * as job from './pages/job.js';
import * as jobs from './pages/jobs.js';
import * as resource from './pages/resource.js';
import * as resources from './pages/resources.js';
import * as signIn from './pages/sign-in.js';

const ROUTES = [
  { pattern: /^\/sign-in$/, page: signIn, section: null, public: true },
  { pattern: /^\/jobs$/, page: jobs, section: 'jobs' },
  { pattern: /^\/jobs\/([^/]+)$/, page: job, section: 'jobs' },
  { pattern: /^\/collectors$/, page: collectors, section: 'collectors' },
  { pattern: /^\/resources$/, page: resources, section: 'resources' },
  { pattern: /^\/resources\/([^/]+)$/, page: resource, section: 'resources' },
  { pattern: /^\/charts$/, page: charts, section: 'charts' },
];

const main = document.getElementById('main');
let current; // { controller }
let handoff; // a value one page gives the next (the job a collect has just started)
let firstRender = true;

/** '#/resources?x=1' → { path: '/resources', query: URLSearchParams } */
function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/jobs';
  const [path, search = ''] = raw.split(/\?(.*)/s);
  return { path: path || '/jobs', query: new URLSearchParams(search) };
}

export function navigate(hash, value) {
  handoff = value;
  if (location.hash === hash) void render();
  else location.hash = hash;
}

function showSession() {
  const session = currentSession();
  document.getElementById('session').hidden = !session;
  document.getElementById('session-domain').textContent = session ? session.domainId || 'of the token' : '';
  // changing the token or the domain comes back to the page the user was on
  const { path } = parseHash();
  if (path !== '/sign-in') document.getElementById('session-change').href = `#/sign-in?next=${encodeURIComponent(location.hash || '#/jobs')}`;
}

async function render() {
  current?.controller.abort();
  const controller = new AbortController();
  current = { controller };
  const { path, query } = parseHash();
  const route = ROUTES.find((r) => r.pattern.test(path));
  showSession();
  for (const link of document.querySelectorAll('.nav a')) {
    if (route && link.dataset.section === route.section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!route) {
    main.replaceChildren(h('h1', { tabindex: -1 }, 'Page not found'), h('p', {}, 'This address is not a page of the console. ', h('a', { href: '#/jobs' }, 'Go to the jobs.')));
    return;
  }
  if (!route.public && !currentSession()) {
    location.replace(`#/sign-in?next=${encodeURIComponent(location.hash || '#/jobs')}`);
    return;
  }
  const params = route.pattern.exec(path).slice(1).map(decodeURIComponent);
  const given = handoff;
  handoff = undefined;
  main.replaceChildren();
  main.setAttribute('aria-busy', 'true');
  const context = {
    main,
    params,
    query,
    signal: controller.signal,
    handoff: given,
    navigate,
    setTitle: (title) => (document.title = `${title} · Cloud inventory`),
    /** A request refused for want of a valid token sends the user to sign in, saying why. */
    unauthenticated: (error) => {
      location.replace(`#/sign-in?next=${encodeURIComponent(location.hash)}&reason=${encodeURIComponent(`${error.code}: ${error.message}`)}`);
    },
  };
  try {
    await route.page.render(context);
  } catch (error) {
    if (error?.name === 'AbortError' || controller.signal.aborted) return;
    console.error(error);
    main.append(h('div', { class: 'alert', role: 'alert' }, h('p', {}, 'This page failed: ', String(error?.message ?? error))));
  } finally {
    if (!controller.signal.aborted) main.removeAttribute('aria-busy');
  }
  if (!firstRender && !controller.signal.aborted) main.querySelector('h1')?.focus({ preventScroll: false });
  firstRender = false;
}

document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  navigate('#/sign-in');
});
window.addEventListener('hashchange', () => void render());
void render();
