// `npm run bench`: every figure in one run on one machine. Each section runs in a fresh Node process
// of its own (so that one section's heap, JIT state or open files cannot colour another's), one
// after the other (never two at once on a 2-core machine). A short table goes to stderr; the one
// JSON object with every figure goes to stdout.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HERE, ROOT } from './lib.mjs';

const SECTIONS = ['classifier', 'join-burst', 'hot-path', 'memory', 'storage'];

function runSection(name) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--expose-gc', path.join(HERE, `${name}.mjs`)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) return reject(new Error(`bench section ${name} failed (exit ${code})`));
      resolve({ result: JSON.parse(line), seconds });
    });
  });
}

const cpus = os.cpus();
const grammyVersion = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'grammy', 'package.json'), 'utf8')).version;
const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, ${os.platform()} ${os.release()}`;
process.stderr.write(`Parent Group Steward benchmark on ${machine}\n`);

const started = performance.now();
const figures = {};
const sectionSeconds = {};
for (const name of SECTIONS) {
  process.stderr.write(`- ${name}\n`);
  const { result, seconds } = await runSection(name);
  Object.assign(figures, result);
  sectionSeconds[name] = seconds;
}
const totalSeconds = Math.round((performance.now() - started) / 100) / 10;

const { hotPath, memory, joinBurst, storage, classifier } = figures;
const output = {
  hotPath,
  hotPathSetup: figures.hotPathSetup,
  hotPathBreakdownUs: figures.breakdownUs,
  joinBurst,
  storage,
  memory,
  classifier,
  checks: {
    hotPathAtLeastGrammy: Object.fromEntries(Object.entries(hotPath).map(([mix, f]) => [mix, f.ratio >= 1])),
    joinBurstOneMessage: joinBurst.messagesSent === 1 && joinBurst.separateEvents.messagesSent === 1,
    memoryGrowth10kTo100kWithin20Mb: memory.growth10kTo100kMb !== null && memory.growth10kTo100kMb <= 20,
    storageFlatUnderRetention: storage.retention.steadyMax !== null && storage.retention.steadyMax === storage.retention.steadyMin,
  },
  machine,
  machineDetail: {
    cpu: cpus[0]?.model.trim(),
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    grammy: grammyVersion,
  },
  measuredAt: new Date().toISOString(),
  sectionSeconds,
  benchSeconds: totalSeconds,
};

// ---- The table, for people -------------------------------------------------------------------
const pad = (value, width) => String(value ?? '—').padStart(width);
const lines = [];
lines.push('');
lines.push(`Hot path (per message, full core; grammY ${grammyVersion} handleUpdate on the same workloads)`);
lines.push(`  ${'mix'.padEnd(8)}${pad('msg/s', 9)}${pad('p50 µs', 9)}${pad('p99 µs', 9)}${pad('grammY/s', 10)}${pad('ratio', 7)}${pad('+delivery', 11)}`);
for (const [mix, f] of Object.entries(hotPath)) {
  lines.push(`  ${mix.padEnd(8)}${pad(f.perSecond, 9)}${pad(f.p50Us, 9)}${pad(f.p99Us, 9)}${pad(f.grammyPerSecond, 10)}${pad(f.ratio, 7)}${pad(f.ratioWithDelivery, 11)}`);
}
lines.push(`Join burst: ${joinBurst.members} parents added at once → ${joinBurst.messagesSent} message (${joinBurst.mentioned} mentioned), ${joinBurst.ms} ms real, ${joinBurst.simulatedSecondsToSend} s batch wait; as ${joinBurst.members} separate joins → ${joinBurst.separateEvents.messagesSent} message`);
lines.push(`Storage: one report write at 1k / 10k / 50k reports: ${storage.writeMsAt1k} / ${storage.writeMsAt10k} / ${storage.writeMsAt50k} ms (file ${storage.fileMbAt1k} / ${storage.fileMbAt10k} / ${storage.fileMbAt50k} MB)`);
lines.push(`  with ${storage.retention.retentionDays}-day retention at ${storage.retention.reportsPerDay} reports/day: the database stays at ${storage.retention.steadyMax} reports (${storage.retention.fileMb} MB), ${storage.retention.writeMs} ms a write`);
lines.push(`Memory (RSS after GC): start ${memory.rssMbAtStart} MB, after 10k messages ${memory.rssMbAt10k} MB, after 100k ${memory.rssMbAt100k} MB (growth ${memory.growth10kTo100kMb} MB)`);
const ask = classifier.askTop1 === null ? `!ask retrieval: n/a (${classifier.askNote})` : `!ask retrieval top-1 ${classifier.askTop1}, top-3 ${classifier.askTop3}`;
lines.push(`Classifier: concern matcher precision ${classifier.precision}, recall ${classifier.recall} (${classifier.concernSamples} labelled); ${ask}`);
lines.push(`Total ${totalSeconds} s on ${machine}`);
process.stderr.write(`${lines.join('\n')}\n\n`);
process.stdout.write(`${JSON.stringify(output)}\n`);
