import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useLive } from '../live-store.js';
import { ago, Badge, ConfirmDialog, ErrorNote, Section, useAsync } from '../ui.js';

/** A to-do as `GET /api/v1/todos` lists it. */
export interface Todo {
  id: number;
  text: string;
  status: 'suggested' | 'open' | 'done' | 'dismissed';
  due: string | null;
  heard: { deviceId: string; at: string; snippet: string | null; speaker: string | null };
  homeAssistant: { state: string; error: string | null };
}

function HaState({ t }: { t: Todo }) {
  const s = t.homeAssistant.state;
  return (
    <Badge tone={s === 'synced' ? 'ok' : s === 'failed' ? 'bad' : s === 'pending' ? 'info' : 'muted'}>
      {s === 'none' ? 'not in Home Assistant' : `Home Assistant: ${s}`}
    </Badge>
  );
}

/** To-dos: the review queue of suggestions (with the sentence heard), and the open and done lists. */
export function TodosPage() {
  const { data, error, reload } = useAsync(() => api<{ todos: Todo[] }>('GET', '/todos?status=suggested,open,done&limit=200'));
  useLive(['todo'], () => void reload());
  const [editing, setEditing] = useState<Todo | undefined>(undefined);
  const [text, setText] = useState('');
  const [due, setDue] = useState('');
  const [actionError, setActionError] = useState<unknown>(undefined);

  const act = async (t: Todo, action: 'accept' | 'complete' | 'dismiss') => {
    try {
      await api('POST', `/todos/${t.id}/${action}`);
      setActionError(undefined);
    } catch (err) {
      setActionError(err);
    }
    await reload();
  };
  const todos = data?.todos ?? [];
  const of = (s: Todo['status']) => todos.filter((t) => t.status === s);

  const item = (t: Todo) => (
    <li key={t.id} class="todo" data-todo={t.id}>
      <div class="row wrap">
        <span class="todo-text">{t.text}</span>
        {t.due && <Badge tone="info">due {t.due}</Badge>}
        <HaState t={t} />
      </div>
      {t.status === 'suggested' && t.heard.snippet && (
        <blockquote class="heard">
          “{t.heard.snippet}” <span class="hint">heard {ago(t.heard.at)}</span>
        </blockquote>
      )}
      <div class="row wrap">
        {t.status === 'suggested' && (
          <button type="button" class="primary" onClick={() => void act(t, 'accept')}>
            Confirm
          </button>
        )}
        {t.status !== 'done' && (
          <button
            type="button"
            onClick={() => {
              setText(t.text);
              setDue(t.due ?? '');
              setEditing(t);
            }}
          >
            Edit
          </button>
        )}
        {t.status === 'open' && (
          <button type="button" onClick={() => void act(t, 'complete')}>
            Mark done
          </button>
        )}
        {t.status !== 'done' && (
          <button type="button" class="danger" onClick={() => void act(t, 'dismiss')}>
            Dismiss
          </button>
        )}
      </div>
    </li>
  );

  return (
    <>
      <ErrorNote error={error ?? actionError} />
      <Section title={`To review (${of('suggested').length})`}>
        {of('suggested').length === 0 ? <p>Nothing to review.</p> : <ul class="todos">{of('suggested').map(item)}</ul>}
      </Section>
      <Section title={`Open (${of('open').length})`}>{of('open').length === 0 ? <p>No open to-dos.</p> : <ul class="todos">{of('open').map(item)}</ul>}</Section>
      <Section title={`Done (${of('done').length})`}>{of('done').length === 0 ? <p>Nothing done yet.</p> : <ul class="todos">{of('done').map(item)}</ul>}</Section>
      <ConfirmDialog
        open={editing !== undefined}
        title="Edit to-do"
        confirmLabel="Save"
        onClose={() => setEditing(undefined)}
        onConfirm={async () => {
          if (!editing) return;
          await api('PATCH', `/todos/${editing.id}`, { text: text.trim(), due: due === '' ? null : due });
          await reload();
        }}
      >
        <label>
          Text <input name="text" required maxLength={200} value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Due date <input name="due" type="date" value={due} onInput={(e) => setDue((e.target as HTMLInputElement).value)} />
        </label>
      </ConfirmDialog>
    </>
  );
}
