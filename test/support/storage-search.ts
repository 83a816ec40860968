import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseMail } from './smtp.js';

/** Every file under `dir`, at any depth, as paths relative to it. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/**
 * Where each of `needles` still appears under `dir`, as "file: needle". Every file is read as it
 * lies on disk; an email (.eml, or one half-written) is also read decoded, since its body may be
 * quoted-printable or base64 and hide the words from a plain search.
 */
export async function findInStorage(dir: string, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(path.join(dir, file));
    const views = [bytes.toString('utf8'), bytes.toString('latin1')];
    if (/\.eml(\.tmp)?$/.test(file)) {
      const mail = parseMail(bytes.toString('utf8'));
      views.push(mail.text, Object.values(mail.headers).join('\n'), ...mail.attachments.map((a) => a.content.toString('utf8')));
    }
    for (const needle of needles) if (views.some((view) => view.includes(needle))) found.push(`${file}: ${needle}`);
  }
  return found;
}
