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
    // The project's goals: at least as fast as grammY doing the same work, at least half as fast as grammY doing none.
    hotPathAtLeastGrammySameWork: Object.fromEntries(Object.entries(hotPath).map(([mix, f]) => [mix, f.ratioSameWork >= 1])),
    hotPathAtLeastHalfGrammyNoOp: Object.fromEntries(Object.entries(hotPath).map(([mix, f]) => [mix, f.ratioNoOp >= 0.5])),
    // The same-work ratio means something only if grammY answered the messages we answered, with our
    // words. (The no-op peer's regex answers a different set of concern questions: that is its point.)
    hotPathSameWorkAnsweredAlike: Object.fromEntries(Object.entries(hotPath).map(([mix, f]) => [
      mix,
      f.grammySameWorkRepliesPerMessage === f.groupRepliesPerMessage && f.charsPerGroupReply === f.grammySameWorkCharsPerReply,
    ])),
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
lines.push(`  same work: grammY running our parseCommand + matchConcern on every message; no-op: grammY's command/regex/no-op handlers`);
lines.push(`  ratio: ours ÷ grammY in msg/s (wall clock, from the mean); cpu: the same in CPU time; p50: from the medians;`);
lines.push(`  +deliv: the wall ratio with our pacer's send added, which grammY's timed call includes`);
const head = (cells) => cells.map(([v, w]) => pad(v, w)).join('');
const peerCells = (f, key, ratio) => head([[f[`grammy${key}PerSecond`], 8], [f[`grammy${key}P50Us`], 7], [f[`ratio${ratio}`], 7], [f[`ratio${ratio}Cpu`], 6], [f[`ratio${ratio}P50`], 6], [f[`ratio${ratio}WithDelivery`], 8]]);
const peerHead = head([['msg/s', 8], ['p50 µs', 7], ['ratio', 7], ['cpu', 6], ['p50', 6], ['+deliv', 8]]);
lines.push(`  ${''.padEnd(8)}${'ours'.padStart(22)}  ${'| grammY same work'.padEnd(45)}| grammY no-op`);
lines.push(`  ${'mix'.padEnd(8)}${head([['msg/s', 8], ['p50 µs', 7], ['p99 µs', 7]])}  |${peerHead}  |${peerHead}`);
for (const [mix, f] of Object.entries(hotPath)) {
  lines.push(`  ${mix.padEnd(8)}${head([[f.perSecond, 8], [f.p50Us, 7], [f.p99Us, 7]])}  |${peerCells(f, 'SameWork', 'SameWork')}  |${peerCells(f, 'NoOp', 'NoOp')}`);
}
const load = figures.hotPathSetup.loadAverage1m;
lines.push(`  machine load (1-min average) ${load.atStart} at the start, ${load.atEnd} at the end, on ${load.cores} cores${load.atStart > load.cores / 2 || load.atEnd > load.cores / 2 ? ': other work was running, trust the cpu and p50 ratios over the wall-clock ones' : ''}`);
lines.push(`  goals: ratio ≥ 1 against same work, ≥ 0.5 against no-op; ${Object.keys(hotPath).filter((m) => !output.checks.hotPathSameWorkAnsweredAlike[m]).map((m) => `${m}: grammY (same work) and ours did not answer alike!`).join(' ') || 'grammY (same work) and ours answered alike on every mix'}`);
lines.push(`Join burst: ${joinBurst.members} parents added at once → ${joinBurst.messagesSent} message (${joinBurst.mentioned} mentioned), ${joinBurst.ms} ms real, ${joinBurst.simulatedSecondsToSend} s batch wait; as ${joinBurst.members} separate joins → ${joinBurst.separateEvents.messagesSent} message`);
lines.push(`Storage: one report write at 1k / 10k / 50k reports: ${storage.writeMsAt1k} / ${storage.writeMsAt10k} / ${storage.writeMsAt50k} ms (file ${storage.fileMbAt1k} / ${storage.fileMbAt10k} / ${storage.fileMbAt50k} MB)`);
lines.push(`  with ${storage.retention.retentionDays}-day retention at ${storage.retention.reportsPerDay} reports/day: the database stays at ${storage.retention.steadyMax} reports (${storage.retention.fileMb} MB), ${storage.retention.writeMs} ms a write`);
const fresh = memory.freshStart;
lines.push(`Memory at start, fresh bot process (no model, no SMTP; median of ${fresh.runs}): RSS ${fresh.app.rssMb} MB (${fresh.app.rssMbAfterGc} MB after GC, heap ${fresh.app.heapUsedMbAfterGc} MB); bare Node ${fresh.bareNode.rssMb} MB; with the WhatsApp modules loaded ${fresh.withWhatsAppModules.rssMb ?? fresh.withWhatsAppModules.error} MB`);
lines.push(`Memory in the bench process (RSS after GC, 20 groups set up): start ${memory.rssMbAtStart} MB, after 10k messages ${memory.rssMbAt10k} MB, after 100k ${memory.rssMbAt100k} MB (growth ${memory.growth10kTo100kMb} MB)`);
const ask = classifier.askTop1 === null ? `!ask retrieval: n/a (${classifier.askNote})` : `!ask retrieval top-1 ${classifier.askTop1}, top-3 ${classifier.askTop3}`;
lines.push(`Classifier: concern matcher precision ${classifier.precision}, recall ${classifier.recall} (${classifier.concernSamples} labelled); ${ask}`);
const urgent = (part) => `precision ${part.precision}, recall ${part.recall} (${part.urgent} urgent of ${part.samples})`;
const part = (name) => (classifier.safeguarding[name] ? urgent(classifier.safeguarding[name]) : `n/a (test/data/safeguarding-${name}.jsonl not written)`);
lines.push(`  safeguarding (URGENT) triage: trained on: tune ${part('tune')}, fresh ${part('fresh')}, second ${part('second')}, third ${part('third')}, fourth ${part('fourth')}; held out, never trained on: ${part('held-out')}`);
const nudgePart = (name) => (classifier.nudges?.[name] ? `precision ${classifier.nudges[name].precision}, recall ${classifier.nudges[name].recall} (${classifier.nudges[name].nudges} of ${classifier.nudges[name].samples})` : 'n/a');
lines.push(classifier.nudges ? `  private nudges: held out, never read or trained on: ${nudgePart('held-out')}; trained on: tune ${nudgePart('tune')}, second ${nudgePart('second')}` : `  private nudges: n/a (${classifier.nudgesNote})`);
const pr = (part) => {
  if (!part) return 'n/a';
  // A chatter-only part has no precision or recall to speak of: what matters is how many lines were answered.
  if (!part.concerns) return `${part.falsePositives} of ${part.samples} chatter lines answered`;
  return `precision ${part.precision}, recall ${part.recall} (${part.concerns} of ${part.samples})`;
};
for (const [code, parts] of Object.entries(classifier.languages ?? {})) {
  const ask = classifier.askLanguages?.[code];
  lines.push(`  concern questions in ${code}: held out, never tuned or trained on: ${pr(parts['held-out'])}; tuned and trained on: ${Object.entries(parts).filter(([name]) => name !== 'held-out').map(([name, part]) => `${name} ${pr(part)}`).join(', ')}` +
    (ask ? `; !ask top-1 ${ask.top1}, top-3 ${ask.top3} (${ask.questions})` : ''));
}
if (classifier.languagesNote) lines.push(`  other languages: n/a (${classifier.languagesNote})`);
lines.push(`Total ${totalSeconds} s on ${machine}`);
process.stderr.write(`${lines.join('\n')}\n\n`);
process.stdout.write(`${JSON.stringify(output)}\n`);
