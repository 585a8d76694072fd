import type { ProcessState } from './types.js';

export interface Filter {
  readonly text: string;
  readonly state: ProcessState | '';
}

/** The filter lives in the URL (`?q=web&state=RUNNING`), so a link or a reload keeps it. */
export function readFilter(): Filter {
  const query = new URLSearchParams(location.search);
  return { text: query.get('q') ?? '', state: (query.get('state') ?? '') as ProcessState | '' };
}

export function writeFilter(filter: Filter): void {
  const query = new URLSearchParams(location.search);
  for (const [key, value] of [['q', filter.text], ['state', filter.state]] as const) {
    if (value === '') query.delete(key);
    else query.set(key, value);
  }
  const search = query.toString();
  history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}${location.hash}`);
}

export function matches(filter: Filter, name: string, state: ProcessState): boolean {
  if (filter.state !== '' && state !== filter.state) return false;
  return filter.text === '' || name.toLowerCase().includes(filter.text.toLowerCase());
}
