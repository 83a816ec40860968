import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The shape of src/, checked by dpdm on every file under it:
 * - no import cycles, type imports included: a cycle made only of types still ties files together
 *   so that neither can be read, tested or changed alone. The same check by hand:
 *   npx dpdm --no-warning --no-tree --exit-code circular:1 'src/**\/*.ts'   (without -T)
 * - WhatsApp's library (whatsapp-web.js, with its browser) is imported only under src/transports/,
 *   so the core, the features, the simulator and the front ends never depend on it.
 *
 * dpdm runs as its own command (its library loads an ES-only chalk that jest cannot require) and
 * writes what it found as JSON: every file's imports and the cycles among them.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DPDM = path.join(ROOT, 'node_modules', 'dpdm', 'lib', 'bin', 'dpdm.js');
const WHATSAPP = 'whatsapp-web.js';

interface Dependency {
  issuer: string;
  request: string;
  kind: string;
  /** The file it resolved to, relative to the project root; null when it could not be resolved. */
  id: string | null;
}
let found: { tree: Record<string, Dependency[] | null>; circulars: string[][] };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-dpdm-'));
  const output = path.join(dir, 'dpdm.json');
  await promisify(execFile)(
    process.execPath,
    [DPDM, '--no-warning', '--no-tree', '--no-circular', '--no-progress', '--tsconfig', 'tsconfig.json', '--output', output, 'src/**/*.ts'],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } },
  );
  found = JSON.parse(await readFile(output, 'utf8'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every import in src/ as [importing file, what it asks for, the file it resolved to]. */
function imports(): Array<{ from: string; request: string; to: string | null }> {
  return Object.entries(found.tree).flatMap(([file, dependencies]) =>
    (dependencies ?? []).map((d) => ({ from: file, request: d.request, to: d.id })),
  );
}

describe('src/', () => {
  it('is what dpdm analysed: every source file, with its imports resolved to .ts files', () => {
    const files = Object.keys(found.tree).filter((f) => f.startsWith('src/'));
    expect(files).toEqual(expect.arrayContaining(['src/main.ts', 'src/app.ts', 'src/cli/script.ts', 'src/core/log.ts']));
    // The `.js` suffixes of our imports resolve to the .ts sources (else no cycle could be seen).
    const local = imports().filter((i) => i.request.startsWith('.'));
    expect(local.length).toBeGreaterThan(files.length);
    expect(local.filter((i) => !i.to?.endsWith('.ts'))).toEqual([]);
  });

  it('has no import cycles (type imports included)', () => {
    // Each cycle as dpdm prints it: a -> b means a imports b, and the last file imports the first.
    expect(found.circulars.map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it(`imports ${WHATSAPP} only under src/transports/`, () => {
    const users = imports().filter((i) => i.request === WHATSAPP || i.request.startsWith(`${WHATSAPP}/`));
    // The real transport uses it, so this check sees the imports it is about.
    expect(users.some((i) => i.from.startsWith('src/transports/'))).toBe(true);
    expect(users.filter((i) => !i.from.startsWith('src/transports/')).map((i) => `${i.from} imports ${i.request}`)).toEqual([]);
  });
});
