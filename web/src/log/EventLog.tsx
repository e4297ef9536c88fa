// The event log: one row per trace record, in order, with hints after the records they explain.
import { Fragment, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { TraceRecord } from "../../../server/playground/protocol.ts";
import { get, set_paused, update, useStore } from "../state/store.ts";
import { CATEGORIES, describe, type Category } from "./describe.ts";
import { hints, type Hint } from "./hints.ts";

const MAX_ROWS = 1000;

function export_json(records: readonly TraceRecord[]): void {
  const blob = new Blob([JSON.stringify(records, null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `channels-playground-log-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function LogRow({ record }: { record: TraceRecord }) {
  const [open, setOpen] = useState(false);
  const row = describe(record);
  return (
    <li className={`row row-${row.category}${record.kind === "error" ? " row-bad" : ""}`}>
      <button type="button" className="row-main" aria-expanded={open} onClick={() => setOpen(!open)}>
        <time className="row-time">+{(record.t / 1000).toFixed(3)}s</time>
        <span className="row-client">{record.conn?.label ?? ""}</span>
        <span className="row-dir">{row.direction}</span>
        <span className="row-summary">{row.summary}</span>
      </button>
      {open && <pre className="row-raw">{JSON.stringify(record, null, 2)}</pre>}
    </li>
  );
}

function HintRow({ hint, onFix }: { hint: Hint; onFix(hint: Hint): void }) {
  return (
    <li className="row hint" aria-label={`Hint: ${hint.title}`}>
      <div className="hint-body">
        <strong>{hint.title}.</strong> {hint.text}
      </div>
      {hint.fix && (
        <button type="button" className="hint-fix" onClick={() => onFix(hint)}>{hint.fix.label}</button>
      )}
    </li>
  );
}

export function EventLog({ onFix, handshake_timeout_s }: { onFix(hint: Hint): void; handshake_timeout_s: number }) {
  const records = useStore((s) => s.records);
  const cleared_after = useStore((s) => s.cleared_after);
  const paused = useStore((s) => s.paused);
  const held = useStore((s) => s.held.length);
  const dropped = useStore((s) => s.dropped);
  const [client, setClient] = useState("");
  const [hidden, setHidden] = useState<Set<Category>>(new Set());
  const list = useRef<HTMLOListElement | null>(null);
  const stick = useRef(true);

  const labels = useMemo(() => [...new Set(records.map((r) => r.conn?.label).filter((l): l is string => !!l))], [records]);
  const visible = useMemo(
    () => records.filter((r) => r.seq > cleared_after && (!client || r.conn?.label === client) && !hidden.has(describe(r).category)),
    [records, cleared_after, client, hidden],
  );
  const shown = visible.slice(-MAX_ROWS);
  const hint_list = useMemo(() => hints(records.filter((r) => r.seq > cleared_after), handshake_timeout_s), [records, cleared_after, handshake_timeout_s]);
  const hints_after = useMemo(() => {
    const by = new Map<number, Hint[]>();
    for (const h of hint_list) by.set(h.after, [...(by.get(h.after) ?? []), h]);
    return by;
  }, [hint_list]);

  // Follow new rows while the reader is at the bottom; stop once they scroll up.
  useLayoutEffect(() => {
    const el = list.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [shown.length, hint_list.length]);

  const toggle = (category: Category) => {
    const next = new Set(hidden);
    if (next.has(category)) next.delete(category);
    else next.add(category);
    setHidden(next);
  };

  return (
    <section className="log-panel" aria-labelledby="log-title">
      <div className="log-toolbar">
        <h2 id="log-title">Event log</h2>
        <label className="field inline">
          <span>Client</span>
          <select aria-label="Filter by client" value={client} onChange={(e) => setClient(e.target.value)}>
            <option value="">All clients</option>
            {labels.map((label) => <option key={label} value={label}>{label}</option>)}
          </select>
        </label>
        <fieldset className="kinds">
          <legend className="visually-hidden">Show kinds</legend>
          {CATEGORIES.map((c) => (
            <label key={c.id} className="kind">
              <input type="checkbox" checked={!hidden.has(c.id)} onChange={() => toggle(c.id)} /> {c.label}
            </label>
          ))}
        </fieldset>
        <div className="log-actions">
          <button type="button" onClick={() => set_paused(!paused)} aria-pressed={paused}>{paused ? `Resume${held ? ` (${held})` : ""}` : "Pause"}</button>
          <button type="button" onClick={() => update({ cleared_after: get().records.at(-1)?.seq ?? 0 })}>Clear</button>
          <button type="button" onClick={() => export_json(visible)}>Export</button>
        </div>
      </div>
      {dropped > 0 && <p className="log-note">{dropped} records were dropped in a flood (the oldest go first).</p>}
      {visible.length > shown.length && <p className="log-note">Showing the last {MAX_ROWS} of {visible.length} records.</p>}
      <ol
        className="log" role="log" aria-label="Event log" aria-live="polite" ref={list} tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
        }}
      >
        {shown.length === 0 && <li className="row empty">Nothing yet: connect a client to see every step of its consumer.</li>}
        {shown.map((record) => (
          <Fragment key={record.seq}>
            <LogRow record={record} />
            {hints_after.get(record.seq)?.map((h) => <HintRow key={h.id} hint={h} onFix={onFix} />)}
          </Fragment>
        ))}
      </ol>
    </section>
  );
}
