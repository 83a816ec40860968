#!/usr/bin/env node
// Runs the Dockerfile's own steps without Docker (no engine runs on these machines): each stage in
// a folder of its own standing for /app, COPY as cp, RUN and CMD as shell commands with the
// Dockerfile's ENV. Then it starts the final stage's CMD, waits for the bot to say it is trying
// WhatsApp, opens the status page through the link it printed (the port EXPOSE names, published
// on loopback as `docker run -p 127.0.0.1:PORT:8080` would), runs the HEALTHCHECK, stops the bot
// with SIGTERM and expects a clean exit.
//
//   node test/docker/run-dockerfile.mjs [--keep] [--apt] [--seconds 60]
//
// apt-get lines are skipped unless --apt is given: they need root and change the machine.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const runApt = args.includes('--apt');
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 90;
const say = (line) => process.stdout.write(`[dockerfile] ${line}\n`);

function instructions(text) {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [word, ...rest] = line.split(/\s+/);
      return { op: word.toUpperCase(), rest: rest.join(' ') };
    });
}

function execForm(rest) {
  const trimmed = rest.trim();
  return trimmed.startsWith('[') ? JSON.parse(trimmed).map((p) => JSON.stringify(p)).join(' ') : trimmed;
}

function parseEnv(rest, env, mapPath) {
  for (const match of rest.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[match[1]] = mapPath(match[2].replace(/^"|"$/g, ''));
}

const work = mkdtempSync(path.join(tmpdir(), 'steward-dockerfile-'));
const stages = new Map();
let stage;
let healthcheck;
let cmd;
const exposed = [];

/** A port nothing on this machine listens on now: the host side of the published port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The status page as a browser on the host sees it: nothing without the token; the printed link
 * sets the cookie (and drops the token from the address), and the cookie opens the status.
 */
async function checkStatusPage(link) {
  const address = new URL(link);
  address.search = '';
  const without = await fetch(address, { redirect: 'manual' });
  if (without.status !== 401) throw new Error(`the status page answered ${without.status} without its token`);
  const first = await fetch(link, { redirect: 'manual' });
  const cookie = first.headers.get('set-cookie')?.split(';')[0];
  if (first.status !== 303 || !cookie) throw new Error(`the status page's link answered ${first.status}, with no cookie`);
  const status = await fetch(new URL('/status.json', address), { headers: { cookie } });
  const page = await status.json();
  if (status.status !== 200 || typeof page.whatsapp?.state !== 'string') throw new Error(`the status page's status answered ${status.status}`);
  say(`status page: 401 without the token, 200 with it (WhatsApp ${page.whatsapp.state})`);
}

try {
  for (const { op, rest } of instructions(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))) {
    if (op === 'FROM') {
      const name = /\bAS\s+(\S+)/i.exec(rest)?.[1] ?? `stage${stages.size}`;
      stage = { name, dir: path.join(work, name), workdir: '/', env: { ...process.env } };
      mkdirSync(stage.dir, { recursive: true });
      stages.set(name, stage);
      say(`stage ${name} (${rest.split(/\s+/)[0]}) in ${stage.dir}`);
      continue;
    }
    // Container paths under WORKDIR are this stage's folder.
    const mapPath = (p) => (stage.workdir !== '/' && p.startsWith(stage.workdir) ? path.join(stage.dir, p.slice(stage.workdir.length)) : p);
    if (op === 'WORKDIR') stage.workdir = rest.trim();
    else if (op === 'ENV') {
      if (stage.workdir === '/') throw new Error('put WORKDIR before ENV, so that paths in ENV are inside it');
      parseEnv(rest, stage.env, mapPath);
    }
    else if (op === 'COPY') {
      const parts = rest.split(/\s+/);
      const from = parts[0].startsWith('--from=') ? stages.get(parts.shift().slice(7)) : undefined;
      const target = parts.pop();
      for (const source of parts) {
        const src = from ? path.join(from.dir, path.relative(from.workdir, source)) : path.join(root, source);
        const dst = path.join(stage.dir, target === './' || target === '.' ? path.basename(source) : target);
        cpSync(src, dst, { recursive: true });
      }
      say(`COPY ${rest}`);
    } else if (op === 'RUN') {
      const command = execForm(rest);
      if (/\bapt-get\b/.test(command) && !runApt) {
        say(`skipped (apt): ${command}`);
        continue;
      }
      if (/\bchown\b/.test(command)) {
        say(`skipped (user accounts are Docker's): ${command}`);
        for (const dir of command.match(/\/app\/\S+/g) ?? []) mkdirSync(mapPath(dir), { recursive: true });
        continue;
      }
      say(`RUN ${command}`);
      const run = spawnSync('bash', ['-c', command.replaceAll('/app/', `${stage.dir}/`)], { cwd: stage.dir, env: stage.env, stdio: 'inherit' });
      if (run.status !== 0) throw new Error(`RUN failed (${run.status}): ${command}`);
    } else if (op === 'HEALTHCHECK') healthcheck = execForm(rest.replace(/^.*?\bCMD\b/, ''));
    else if (op === 'CMD') cmd = execForm(rest);
    else if (op === 'EXPOSE') {
      exposed.push(...rest.split(/\s+/).map((p) => Number(p.replace(/\/tcp$/, ''))));
      say(`EXPOSE ${rest}`);
    }
    else say(`${op} ${rest} (Docker's concern)`);
  }
  if (!cmd) throw new Error('the Dockerfile has no CMD');

  const final = stage;
  // The page must listen where a published port reaches it inside the container: every address, on the exposed port.
  const pagePort = Number(final.env.CONSOLE_PORT ?? 8080);
  if (final.env.CONSOLE_HOST !== '0.0.0.0') throw new Error('the final stage must set CONSOLE_HOST=0.0.0.0, or a published port cannot reach the page');
  if (!exposed.includes(pagePort)) throw new Error(`the Dockerfile must EXPOSE the status page's port ${pagePort}`);
  say(`EXPOSE ${pagePort}: the status page's port (CONSOLE_HOST=0.0.0.0 inside the container)`);
  // No container here: 0.0.0.0 would be every network this machine is on, and the port may be taken
  // by another run, so the page listens as -p 127.0.0.1:<free port>:${pagePort} makes it reachable.
  final.env.CONSOLE_HOST = '127.0.0.1';
  final.env.CONSOLE_PORT = String(await freePort());
  say(`CMD ${cmd} (up to ${seconds} s)`);
  const bot = spawn('bash', ['-c', `exec ${cmd}`], { cwd: final.dir, env: final.env });
  let output = '';
  const onData = (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  };
  bot.stdout.on('data', onData);
  bot.stderr.on('data', onData);
  const exited = new Promise((resolve) => bot.on('exit', (code, signal) => resolve({ code, signal })));
  const reachedWhatsApp = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), seconds * 1000);
    const check = setInterval(() => {
      if (/Cannot reach WhatsApp Web|Link this bot|WhatsApp connected/.test(output)) {
        clearTimeout(timer);
        clearInterval(check);
        resolve(true);
      }
    }, 200);
    exited.then(() => {
      clearTimeout(timer);
      clearInterval(check);
      resolve(false);
    });
  });
  if (!reachedWhatsApp) throw new Error('the bot did not get as far as trying WhatsApp');
  const link = /Status page \(and the QR code while linking\): (http:\/\/\S+)/.exec(output)?.[1];
  if (!link) throw new Error('the bot did not print the status page\'s link');
  await checkStatusPage(link);

  if (healthcheck) {
    const health = spawnSync('bash', ['-c', healthcheck], { cwd: final.dir, env: final.env, encoding: 'utf8' });
    say(`HEALTHCHECK ${healthcheck} → exit ${health.status}: ${health.stdout.trim()}`);
    // Health is down whenever the bot cannot send: on a machine that has not linked a number (or is
    // offline) that is the right answer, and it must say so in one line.
    const connected = /WhatsApp connected/.test(output);
    if (connected ? health.status !== 0 : !(health.status === 1 && /cannot send/.test(health.stdout))) {
      throw new Error('the HEALTHCHECK did not tell the truth');
    }
  }
  bot.kill('SIGTERM');
  const end = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve({ code: 'timeout' }), 20_000))]);
  say(`after SIGTERM: exit ${end.code}${end.signal ? ` (${end.signal})` : ''}`);
  if (end.code !== 0) throw new Error('the bot did not exit cleanly on SIGTERM');
  say('ok: the Dockerfile steps install, build, start, pass the health check and stop cleanly');
} catch (error) {
  say(`FAILED: ${error.message}`);
  process.exitCode = 1;
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
