// Who the console speaks as: a token (sent as Authorization: Bearer) and a domain (x-domain-id).
// Kept in sessionStorage (this tab) or, when asked to remember, in localStorage.

const KEY = 'cloud-inventory.console.session';

/** @typedef {{ token: string, domainId: string, remember: boolean }} Session */

function read(storage) {
  try {
    const value = JSON.parse(storage.getItem(KEY) ?? 'null');
    if (value && typeof value.token === 'string' && typeof value.domainId === 'string') return value;
  } catch {
    // a damaged entry is the same as none
  }
  return null;
}

/** @returns {Session | null} */
export function currentSession() {
  return read(sessionStorage) ?? read(localStorage);
}

/** @param {Session} session */
export function signIn(session) {
  signOut();
  const storage = session.remember ? localStorage : sessionStorage;
  storage.setItem(KEY, JSON.stringify({ token: session.token, domainId: session.domainId, remember: session.remember }));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}
