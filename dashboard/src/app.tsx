import { useEffect, useState } from 'preact/hooks';
import { currentSession, login, logout, onUnauthorized, type Session } from './api.js';
import { liveStore, useLive } from './live-store.js';
import { DevicesPage } from './pages/devices.js';
import { PrivacyPage } from './pages/privacy.js';
import { RunsPage } from './pages/runs.js';
import { SystemPage } from './pages/system.js';
import { TodosPage } from './pages/todos.js';
import { WorkersPage } from './pages/workers.js';
import { ErrorNote } from './ui.js';

/** The pages, in menu order; the URL hash names the page (`#/devices`). */
const PAGES = [
  { id: 'devices', title: 'Devices', Page: DevicesPage },
  { id: 'runs', title: 'Voice runs', Page: RunsPage },
  { id: 'todos', title: 'To-dos', Page: TodosPage },
  { id: 'workers', title: 'Workers and tasks', Page: WorkersPage },
  { id: 'privacy', title: 'Privacy', Page: PrivacyPage },
  { id: 'system', title: 'System', Page: SystemPage },
] as const;

function pageFromHash(): string {
  const id = location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  return PAGES.some((p) => p.id === id) ? id : 'devices';
}

/** The login form: the admin token is posted once and then forgotten by the page. */
function LoginPage({ onLogin, expired }: { onLogin: (s: Session) => void; expired: boolean }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const s = await login(token.trim());
      setToken('');
      onLogin(s);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login" id="main">
      <h1>Jarvis</h1>
      <form onSubmit={submit} class="card" aria-labelledby="login-title">
        <h2 id="login-title">Log in</h2>
        {expired && <p>Your session ended. Log in again.</p>}
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
        <p class="hint">
          The hub printed it on first start and wrote it to <code>admin-token</code> in its data directory. The browser keeps only a session cookie.
        </p>
        <ErrorNote error={error} />
        <button type="submit" class="primary" disabled={busy || token.trim() === ''}>
          Log in
        </button>
      </form>
    </main>
  );
}

function LiveIndicator() {
  useLive(['connection', 'hello']);
  return (
    <span class={`live ${liveStore.connected ? 'on' : ''}`} role="status">
      {liveStore.connected ? 'live' : 'offline'}
    </span>
  );
}

/** The dashboard: login gate, menu, and the page the hash names. */
export function App() {
  const [session, setSession] = useState<Session | undefined | null>(null);
  const [expired, setExpired] = useState(false);
  const [page, setPage] = useState(pageFromHash());

  useEffect(() => {
    void currentSession().then(setSession, () => setSession(undefined));
    const onHash = () => setPage(pageFromHash());
    addEventListener('hashchange', onHash);
    const off = onUnauthorized(() => {
      setExpired(true);
      setSession(undefined);
    });
    return () => {
      removeEventListener('hashchange', onHash);
      off();
    };
  }, []);

  useEffect(() => {
    if (session) liveStore.start();
    else liveStore.stop();
  }, [session]);

  if (session === null) return <main id="main" class="loading" aria-busy="true">Loading…</main>;
  if (!session) return <LoginPage expired={expired} onLogin={(s) => (setExpired(false), setSession(s))} />;

  const current = PAGES.find((p) => p.id === page) ?? PAGES[0];
  const Page = current.Page;
  return (
    <>
      <header class="top">
        <strong class="brand">Jarvis</strong>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={p.id === page ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <LiveIndicator />
        <button type="button" class="link" onClick={() => void logout().finally(() => setSession(undefined))}>
          Log out
        </button>
      </header>
      <main id="main">
        <h1>{current.title}</h1>
        <Page />
      </main>
    </>
  );
}
