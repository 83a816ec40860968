import { describe, expect, it } from '@jest/globals';
import { FakeWhatsApp, SESSION_CLOSED_ERROR, groupMessage, privateMessage } from '../support/fake-whatsapp.js';
import {
  START,
  connectedSteward,
  connectedTransport,
  transportAlone,
  type HarnessOptions,
  type Watched,
} from '../support/whatsapp-steward.js';

/*
 * Months on a real number: the browser dies, the page hangs, a start never finishes, WhatsApp
 * blocks the number. Each is played by the fake client on simulated time, and the bot must come
 * back (or stop plainly) rather than sit there saying it is connected.
 */

const BOT = '447700900999@c.us';
const GROUP = '120363000000000001@g.us';
const ADMIN = '447700900001@c.us';
const PARENT = '447700900002@c.us';
const PARENT_LID = '98765432109876@lid';
const OPERATOR = '447700900077@c.us';
const SECOND = 1_000;
const MINUTE = 60_000;

/**
 * Every log line kept; `operator` plays what start.ts does when WhatsApp stops the account: tell
 * the operator if it still can.
 */
const SEEN: HarnessOptions = { logLevel: 'debug', operator: OPERATOR };

function world(): FakeWhatsApp {
  const wa = new FakeWhatsApp({ wid: BOT });
  wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, PARENT, BOT], [ADMIN]);
  return wa;
}

const text = (content: unknown) => (typeof content === 'string' ? content : '');
const warnings = (h: Watched) => h.lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message);

/** After the first back-off the transport has built a second client; this makes it ready. */
async function reconnect(h: Watched): Promise<void> {
  await h.clock.advanceBy(5 * SECOND);
  expect(h.wa.clients).toHaveLength(2);
  h.wa.current.emitReady();
  await h.settle();
}

// -------------------------------------------------------------------------------------------------

describe('a dead browser is noticed', () => {
  it.each([
    ['browser-disconnected', 'the browser process exits'],
    ['page-crashed', 'the renderer crashes'],
    ['page-closed', 'the page is closed'],
  ] as const)('%s (%s): the client is thrown away, health says disconnected, and a new one connects', async (what, _how) => {
    const h = await connectedTransport(world(), SEEN);
    const first = h.wa.current;

    first.emitBrowserGone(what);
    await h.settle();
    expect(first.destroyed).toBe(true);
    expect(h.states.at(-1)).toBe('disconnected');
    expect(warnings(h)).toContain(`WhatsApp Web's browser went away (${what}). Retrying in 5 s.`);

    await reconnect(h);
    expect(h.states.at(-1)).toBe('connected');
  });

  it('a renderer that dies silently is found by the state check within a minute, and rebuilt', async () => {
    const h = await connectedTransport(world(), SEEN);
    const first = h.wa.current;
    first.crash();

    await h.clock.advanceBy(59 * SECOND);
    expect(h.states.at(-1)).toBe('connected');
    await h.clock.advanceBy(1 * SECOND);
    expect(first.destroyed).toBe(true);
    expect(h.states.at(-1)).toBe('disconnected');
    expect(warnings(h)).toContain('WhatsApp Web stopped answering (ESESSIONCLOSED). Retrying in 5 s.');
    await reconnect(h);
  });

  it('a page that hangs is given 30 s to answer the state check, then rebuilt', async () => {
    const wa = world();
    const h = await connectedTransport(wa, SEEN);
    wa.state = 'hang';

    await h.clock.advanceBy(MINUTE + 29 * SECOND);
    expect(wa.clients).toHaveLength(1);
    expect(h.states.at(-1)).toBe('connected');
    await h.clock.advanceBy(1 * SECOND);
    expect(wa.clients[0]!.destroyed).toBe(true);
    expect(h.states.at(-1)).toBe('disconnected');
    expect(warnings(h)).toContain('WhatsApp Web did not answer within 30 s. Retrying in 5 s.');

    wa.state = 'CONNECTED';
    await reconnect(h);
  });

  it('a healthy page is asked once a minute and left alone', async () => {
    const wa = world();
    const h = await connectedTransport(wa, SEEN);
    await h.clock.advanceBy(10 * MINUTE);
    expect(wa.calls.getState).toBe(10);
    expect(wa.clients).toHaveLength(1);
    expect(h.states).toEqual(['starting', 'connected']);
  });

  it('three checks in a row that are not CONNECTED rebuild the client', async () => {
    const wa = world();
    const h = await connectedTransport(wa, SEEN);
    wa.state = 'OPENING';
    await h.clock.advanceBy(2 * MINUTE);
    expect(wa.clients[0]!.destroyed).toBe(false);
    await h.clock.advanceBy(MINUTE);
    expect(wa.clients[0]!.destroyed).toBe(true);
    expect(h.states.at(-1)).toBe('disconnected');
  });

  it('restart() (a stray rejection from the library) rebuilds the client', async () => {
    const h = await connectedTransport(world(), SEEN);
    h.transport.restart('A stray error from WhatsApp Web (TypeError).');
    await h.settle();
    expect(h.wa.clients[0]!.destroyed).toBe(true);
    expect(warnings(h)).toContain('A stray error from WhatsApp Web (TypeError). Retrying in 5 s.');
    await reconnect(h);
  });
});

describe('a send cut off by a closed session', () => {
  it('is kept, and sent by the new client once it is connected', async () => {
    const wa = world();
    const h = await connectedTransport(wa, SEEN);
    wa.sendOutcomes.push(new Error(SESSION_CLOSED_ERROR));

    let done = false;
    const sending = h.transport.send({ chat: PARENT, text: 'your report is recorded' }).then(() => void (done = true));
    await h.settle();
    expect(wa.clients[0]!.destroyed).toBe(true);
    expect(h.states.at(-1)).toBe('disconnected');
    expect(done).toBe(false);

    await reconnect(h);
    await sending;
    expect(wa.sent).toEqual([expect.objectContaining({ client: 2, chatId: PARENT, content: 'your report is recorded' })]);
    // The log names the chat masked and the error by code: no text, no whole number.
    const logged = JSON.stringify(h.lines);
    expect(logged).toContain('ESESSIONCLOSED');
    expect(logged).not.toContain('your report');
    expect(logged).not.toContain('447700900002');
  });

  it('a reply the bot owes a parent survives a page crash during its send', async () => {
    const wa = world();
    const h = await connectedSteward(wa, SEEN);
    wa.sendOutcomes.push(new Error('Protocol error (Runtime.callFunctionOn): Target closed'));

    wa.current.emitMessage(groupMessage(GROUP, PARENT, '!rules'));
    await h.settle();
    await h.clock.advanceBy(10 * SECOND);
    expect(wa.clients).toHaveLength(2);
    expect(wa.sent).toEqual([]);

    wa.current.emitReady();
    await h.settle();
    await h.clock.advanceBy(10 * SECOND);
    const sent = wa.sentTo(GROUP);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.client).toBe(2);
    expect(text(sent[0]!.content)).toMatch(/^📋 Group guidelines/);
    expect(h.lines.some((l) => l.message === 'send failed')).toBe(false);
    expect(h.timerErrors).toEqual([]);
  });
});

describe('a send whose result says it did not happen', () => {
  it('a chat WhatsApp Web cannot find is an error with a code, not a success, and !status tells it', async () => {
    const wa = world();
    const h = await connectedTransport(wa, SEEN);
    wa.sendOutcomes.push('no-chat');

    await expect(h.transport.send({ chat: GROUP, text: 'hello' })).rejects.toMatchObject({ code: 'ENOCHAT' });
    expect(h.transport.sendTrouble()).toEqual({ count: 1, lastCode: 'ENOCHAT', lastAt: START });
    expect(wa.clients).toHaveLength(1);
  });

  it('"No LID for user" is permanent: one try, a code, no retry', async () => {
    const wa = world();
    const h = await connectedTransport(wa, SEEN);
    wa.noLidFor.add(PARENT);
    await expect(h.transport.send({ chat: PARENT, text: 'hello' })).rejects.toMatchObject({ code: 'ENOLID' });
    expect(warnings(h)).toEqual([]);
    expect(h.transport.sendTrouble()).toMatchObject({ count: 1, lastCode: 'ENOLID' });
  });

  it('a transient failure is tried again after 2 s and 4 s, on the clock', async () => {
    const wa = world();
    const h = await connectedTransport(wa, SEEN);
    const evaluation = () => new Error('Evaluation failed: TypeError: Cannot read properties of undefined');
    wa.sendOutcomes.push(evaluation(), evaluation());

    let done = false;
    const sending = h.transport.send({ chat: GROUP, text: 'hello' }).then(() => void (done = true));
    await h.settle();
    await h.clock.advanceBy(2 * SECOND);
    await h.settle();
    expect(done).toBe(false);
    await h.clock.advanceBy(4 * SECOND);
    await sending;
    expect(wa.sent).toHaveLength(1);
    expect(h.lines.filter((l) => l.message === 'send failed; trying again').map((l) => l.inSeconds)).toEqual([2, 4]);
    expect(h.transport.sendTrouble()).toBeUndefined();
  });

  it('a transient failure that goes on is given up after four tries and counted', async () => {
    const wa = world();
    const h = await connectedTransport(wa, SEEN);
    for (let i = 0; i < 4; i += 1) wa.sendOutcomes.push(new Error('Evaluation failed'));
    const sending = h.transport.send({ chat: GROUP, text: 'hello' });
    const outcome = expect(sending).rejects.toMatchObject({ code: 'ESENDFAILED' });
    await h.clock.advanceBy(MINUTE);
    await outcome;
    expect(wa.sendOutcomes).toHaveLength(0);
    expect(h.transport.sendTrouble()).toMatchObject({ count: 1, lastCode: 'ESENDFAILED' });
  });

  it('!status tells an admin how many messages WhatsApp refused, and the last code', async () => {
    const wa = world();
    const h = await connectedSteward(wa, SEEN);
    // What start.ts wires in: the transport's record reaches !status through the chat actions.
    Object.assign(h.app!.services.chats, { sendTrouble: () => h.transport.sendTrouble() });
    wa.sendOutcomes.push('no-chat');
    await expect(h.transport.send({ chat: '120363000000000009@g.us', text: 'x' })).rejects.toMatchObject({ code: 'ENOCHAT' });

    wa.current.emitMessage(groupMessage(GROUP, ADMIN, '!status'));
    await h.settle();
    await h.clock.advanceBy(10 * SECOND);
    const status = text(wa.sentTo(GROUP)[0]?.content);
    expect(status).toMatch(/^Status for Year 3 Parents/);
    expect(status).toContain('WhatsApp refused 1 of my messages since I started, the last at 2026-01-05 08:00 UTC (ENOCHAT).');
  });
});

describe('replies go to the chat the message came from', () => {
  it('a parent who writes from a hidden-id chat is answered there, not at their number', async () => {
    const wa = world();
    wa.lidToPhone.set(PARENT_LID, PARENT);
    // Sending to the number fails as whatsapp-web.js 1.34 does for a person it knows only by hidden id.
    wa.noLidFor.add(PARENT);
    const h = await connectedTransport(wa, SEEN);

    wa.current.emitMessage(privateMessage(PARENT_LID, 'hello'));
    await h.settle();
    expect(h.events.at(-1)).toMatchObject({ kind: 'message', chat: PARENT, from: PARENT });

    await h.transport.send({ chat: PARENT, text: 'hello back' });
    expect(wa.sent.map((s) => s.chatId)).toEqual([PARENT_LID]);
  });

  it('a !flag-style private answer to a group author with a hidden id goes to their hidden-id chat', async () => {
    const wa = world();
    wa.lidToPhone.set(PARENT_LID, PARENT);
    wa.noLidFor.add(PARENT);
    const h = await connectedSteward(wa, SEEN);

    // !status from a non-admin is answered privately.
    wa.current.emitMessage(groupMessage(GROUP, PARENT_LID, '!status'));
    await h.settle();
    await h.clock.advanceBy(10 * SECOND);
    expect(wa.sentTo(PARENT_LID)).toHaveLength(1);
    expect(text(wa.sentTo(PARENT_LID)[0]!.content)).toMatch(/^Sorry, !status is for the admins/);
    expect(h.lines.some((l) => l.message === 'send failed')).toBe(false);
  });

  it('never marks the chat as seen', async () => {
    const h = await connectedTransport(world(), SEEN);
    await h.transport.send({ chat: GROUP, text: 'hello' });
    expect(h.wa.sent[0]!.options).toMatchObject({ sendSeen: false });
  });
});

describe('a start that never finishes', () => {
  it('a client whose initialize() never settles is rebuilt after 5 minutes', async () => {
    const wa = world();
    wa.startOutcomes.push('hang');
    const h = await transportAlone(wa, { ...SEEN, start: false });
    // start() waits on initialize(), which never settles here.
    void h.transport.start(async (event) => void h.events.push(event));
    await h.settle();

    await h.clock.advanceBy(5 * MINUTE - 1);
    expect(wa.clients).toHaveLength(1);
    await h.clock.advanceBy(1);
    expect(wa.clients[0]!.destroyed).toBe(true);
    expect(warnings(h)).toContain('WhatsApp Web did not finish loading within 300 s. Retrying in 5 s.');
    await reconnect(h);
  });

  it("a login that never reaches 'ready' is rebuilt 5 minutes after the last progress, which is logged", async () => {
    const wa = world();
    const h = await transportAlone(wa, SEEN);
    wa.current.emitAuthenticated();
    await h.clock.advanceBy(4 * MINUTE);
    wa.current.emitLoadingScreen(40);
    await h.clock.advanceBy(4 * MINUTE);
    expect(wa.clients).toHaveLength(1);
    expect(h.lines).toContainEqual(expect.objectContaining({ message: 'WhatsApp Web loading', percent: 40 }));

    await h.clock.advanceBy(MINUTE);
    expect(wa.clients[0]!.destroyed).toBe(true);
    await h.clock.advanceBy(5 * SECOND);
    expect(wa.clients).toHaveLength(2);
  });

  it('a QR code waiting to be scanned is not a stuck start', async () => {
    const wa = world();
    const h = await transportAlone(wa, SEEN);
    wa.current.emitQr('2@abc');
    await h.clock.advanceBy(60 * MINUTE);
    expect(wa.clients).toHaveLength(1);
    expect(h.states.at(-1)).toBe('waiting-for-qr');
  });

  it('logs the WhatsApp Web version at ready, so that it can be pinned', async () => {
    const h = await connectedTransport(world(), SEEN);
    expect(h.lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'WhatsApp Web version', version: '2.3000.1030000000' }));
  });
});

describe('a blocked or outdated account', () => {
  it.each(['TOS_BLOCK', 'SMB_TOS_BLOCK', 'DEPRECATED_VERSION'] as const)(
    '%s while connected: the operator is told while the bot can still send, and nothing is retried',
    async (stop) => {
      const wa = world();
      const h = await connectedTransport(wa, SEEN);
      wa.current.emitChangeState(stop);
      // whatsapp-web.js then says disconnected with the same state.
      wa.current.emitDisconnected(stop);
      await h.settle();

      expect(h.stopped).toEqual([{ stop, line: expect.stringContaining(`(${stop})`), couldSend: true }]);
      expect(wa.sent).toEqual([expect.objectContaining({ chatId: OPERATOR, content: `stopped: ${stop}` })]);
      expect(h.states.at(-1)).toBe('account-stopped');
      expect(h.lines).toContainEqual(expect.objectContaining({ level: 'error', code: stop }));
      expect(wa.clients[0]!.destroyed).toBe(true);

      await h.clock.advanceBy(6 * 60 * MINUTE);
      expect(wa.clients).toHaveLength(1);
    },
  );

  it('TOS_BLOCK as the reason of a disconnect, with no client left to send: the terminal only', async () => {
    const wa = world();
    const h = await connectedTransport(wa, SEEN);
    wa.current.emitBrowserGone('page-crashed');
    await h.settle();
    await h.clock.advanceBy(5 * SECOND);
    wa.current.emitDisconnected('TOS_BLOCK');
    await h.settle();

    expect(h.stopped).toEqual([{ stop: 'TOS_BLOCK', line: expect.stringMatching(/^WhatsApp has blocked this number \(TOS_BLOCK\)/), couldSend: false }]);
    expect(wa.sent).toEqual([]);
    await h.clock.advanceBy(60 * MINUTE);
    expect(wa.clients).toHaveLength(2);
  });

  it('the state check finding TOS_BLOCK stops the bot too', async () => {
    const wa = world();
    const h = await connectedTransport(wa, SEEN);
    wa.state = 'TOS_BLOCK';
    await h.clock.advanceBy(MINUTE);
    expect(h.stopped.map((s) => s.stop)).toEqual(['TOS_BLOCK']);
    expect(h.states.at(-1)).toBe('account-stopped');
  });
});
