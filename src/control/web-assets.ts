import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskmasterError } from '../contracts/errors.js';

/** Where `npm run build` puts the dashboard: dist/web, beside dist/src. */
const defaultWebFolder = fileURLToPath(new URL('../../web/', import.meta.url));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The page loads only its own files and talks only to its own origin; no frame may embed it (clickjacking). */
const securityHeaders = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

function listFiles(folder: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (entry.isDirectory()) return listFiles(join(folder, entry.name), `${prefix}${entry.name}/`);
    return entry.isFile() && contentTypes[extname(entry.name)] ? [`${prefix}${entry.name}`] : [];
  });
}

function fileHandler(path: string, contentType: string): Handler {
  return async (_request, response) => {
    // Read at each request (they are small): a page and its modules from two different builds would not fit together.
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      throw new TaskmasterError('E_NOT_FOUND', `the dashboard file ${path} is gone: rebuild with npm run build`);
    }
    response.writeHead(200, { ...securityHeaders, 'content-type': contentType, 'content-length': body.length, 'cache-control': 'no-cache' });
    response.end(body);
  };
}

/**
 * The web dashboard's routes: `GET /` for the page and one `GET /assets/FILE` per built file. Only files
 * found at start are served (no path from the URL ever reaches the file system); none when the
 * page was not built.
 */
export function webAssetRoutes(folder = defaultWebFolder): [string, Handler][] {
  const files = listFiles(folder);
  const routes: [string, Handler][] = files
    .filter((file) => file.startsWith('assets/'))
    .map((file) => [`GET /${file}`, fileHandler(join(folder, file), contentTypes[extname(file)]!)]);
  if (files.includes('index.html')) routes.push(['GET /', fileHandler(join(folder, 'index.html'), contentTypes['.html']!)]);
  return routes;
}
