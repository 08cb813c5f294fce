'use client';

import { useEffect, useState, type FormEvent } from 'react';
import type { ForensicsErrors, ForensicsField, ForensicsQuery } from './forensicsQuery';
import styles from './forensics.module.css';

const ID = 'forensics';

/** A datetime-local input shows `YYYY-MM-DDTHH:MM` only: a plain date from the URL gets midnight. */
const asInputValue = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00` : v);

/** Find decisions: by id (opens its explanation), and by symbol and time range (the list). */
export function ForensicsSearchForm(props: {
  query: ForensicsQuery;
  errors: ForensicsErrors;
  onSubmit: (query: ForensicsQuery) => void;
  onClear: () => void;
}) {
  const { query, errors } = props;
  const [draft, setDraft] = useState(query);
  // The URL is the state: when it changes (a row opened, back/forward), the form shows it.
  useEffect(() => setDraft(query), [query]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit({
      id: draft.id.trim(),
      symbol: draft.symbol.trim().toUpperCase(),
      from: draft.from,
      to: draft.to,
    });
  };

  const field = (
    name: ForensicsField,
    label: string,
    extra: { type?: string; placeholder?: string } = {},
  ) => {
    const errorId = errors[name] ? `${ID}-${name}-error` : undefined;
    return (
      <div className={`${styles.field} ${name === 'id' ? styles.fieldWide : ''}`}>
        <label className="field-label" htmlFor={`${ID}-${name}`}>
          {label}
        </label>
        <input
          id={`${ID}-${name}`}
          name={name}
          type={extra.type ?? 'text'}
          className="input mono"
          value={extra.type === 'datetime-local' ? asInputValue(draft[name]) : draft[name]}
          onChange={(e) => setDraft((d) => ({ ...d, [name]: e.target.value }))}
          placeholder={extra.placeholder}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={errorId}
          autoComplete="off"
          spellCheck={false}
        />
        {errors[name] && (
          <span id={errorId} className={styles.fieldError} role="alert" data-testid={`${ID}-${name}-error`}>
            {errors[name]}
          </span>
        )}
      </div>
    );
  };

  return (
    <form className={styles.form} onSubmit={submit} role="search" aria-label="Find decisions" noValidate>
      {field('id', 'Decision id', { placeholder: '01J… (26 characters)' })}
      {field('symbol', 'Symbol', { placeholder: 'all' })}
      {field('from', 'From (UTC)', { type: 'datetime-local' })}
      {field('to', 'To (UTC)', { type: 'datetime-local' })}
      <div className={styles.formActions}>
        <button type="submit" className="btn btn-primary btn-sm">
          Find
        </button>
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => {
            setDraft({ id: '', symbol: '', from: '', to: '' });
            props.onClear();
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
