import { h } from 'preact';
import htm from 'htm';

/** Preact elements from tagged templates: no JSX, so no compile step beyond tsc. */
export const html = htm.bind(h) as (strings: TemplateStringsArray, ...values: unknown[]) => preact.VNode;
