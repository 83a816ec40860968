import { describe, expect, it } from '@jest/globals';
import type { JoinRequestEvent } from '../../src/core/events.js';
import { joinRequestEvent, joinRequestIds } from '../../src/transports/whatsapp-events.js';
import { FakeWhatsApp, fakeGroupNotification, groupMessage, privateMessage } from '../support/fake-whatsapp.js';
import { connectedSteward, connectedTransport, text } from '../support/whatsapp-steward.js';

/*
 * whatsapp-web.js' `group_membership_request` as the core's `join_request`, and approving one
 * request: always naming the requester, since approveGroupMembershipRequests with no ids
 * approves every pending request of the group.
 */

const BOT = '447700900999@c.us';
const GROUP = '120363000000000001@g.us';
const ADMIN = '447700900001@c.us';
const PARENT = '447700900002@c.us';
const REQUESTER = '447700900021@c.us';
const OTHER_REQUESTER = '447700900022@c.us';
const HIDDEN = '99887766554433@lid';
const AT = Math.floor(Date.UTC(2026, 0, 5, 7, 59, 0) / 1000);

function world(): FakeWhatsApp {
  const wa = new FakeWhatsApp({ wid: BOT });
  wa.setGroup(GROUP, 'Year 3 Parents', [ADMIN, PARENT, BOT], [ADMIN, BOT]);
  return wa;
}

/**
 * A request as whatsapp-web.js 1.34.7 emits one: the requester is the notification's author. (Its
 * `type` is then 'membership_approval_request', which its d.ts does not list; the event's name is
 * what tells the transport.)
 */
const requestBy = (requester: string) => fakeGroupNotification({ chatId: GROUP, author: requester, recipientIds: [], timestamp: AT });

const joinRequests = (events: Array<{ kind: string }>) => events.filter((e): e is JoinRequestEvent => e.kind === 'join_request');

describe('the mapping', () => {
  it('names the author as the requester, or the recipients when a member asked for someone else', () => {
    expect(joinRequestIds({ chatId: GROUP, author: REQUESTER, recipientIds: [] })).toEqual([REQUESTER]);
    expect(joinRequestIds({ chatId: GROUP, author: PARENT, recipientIds: [{ _serialized: REQUESTER }] })).toEqual([REQUESTER]);
    expect(joinRequestIds({ chatId: GROUP, author: '', recipientIds: [] })).toEqual([]);
    const now = new Date('2026-01-05T08:00:00Z');
    expect(joinRequestEvent({ chatId: { _serialized: GROUP }, timestamp: AT }, [REQUESTER], now)).toEqual({
      kind: 'join_request',
      chat: GROUP,
      members: [REQUESTER],
      at: new Date(AT * 1000),
    });
    expect(joinRequestEvent({ chatId: GROUP }, [REQUESTER], now).at).toEqual(now);
  });
});

describe('group_membership_request on the transport', () => {
  it('becomes a join_request; a hidden id is resolved like a member\'s', async () => {
    const wa = world();
    wa.lidToPhone.set(HIDDEN, OTHER_REQUESTER);
    const h = await connectedTransport(wa);
    h.events.length = 0;
    wa.current.emitGroupMembershipRequest(requestBy(REQUESTER));
    wa.current.emitGroupMembershipRequest(requestBy(HIDDEN));
    await h.settle();
    expect(joinRequests(h.events)).toEqual([
      { kind: 'join_request', chat: GROUP, members: [REQUESTER], at: new Date(AT * 1000) },
      { kind: 'join_request', chat: GROUP, members: [OTHER_REQUESTER], at: new Date(AT * 1000) },
    ]);
  });

  it('approves one requester by id, under the id WhatsApp named them by, and never with no id', async () => {
    const wa = world();
    wa.lidToPhone.set(HIDDEN, OTHER_REQUESTER);
    const h = await connectedTransport(wa);
    wa.current.emitGroupMembershipRequest(requestBy(REQUESTER));
    wa.current.emitGroupMembershipRequest(requestBy(HIDDEN));
    await h.settle();

    await expect(h.transport.approveJoinRequests(GROUP, [])).rejects.toMatchObject({ code: 'ENOREQUESTER' });
    expect(wa.approvalCalls).toEqual([]);

    await h.transport.approveJoinRequests(GROUP, [OTHER_REQUESTER]);
    expect(wa.approvalCalls).toEqual([{ group: GROUP, options: { requesterIds: [HIDDEN], sleep: null } }]);
    expect(wa.approved).toEqual([HIDDEN]);
    // The other request still waits for the admins.
    expect(wa.joinRequests.get(GROUP)).toEqual([REQUESTER]);

    // WhatsApp's refusal (no such request pending) is an error with a code, not "done".
    await expect(h.transport.approveJoinRequests(GROUP, [PARENT])).rejects.toMatchObject({ code: 'EAPPROVE404' });
  });
});

describe('the bot on the transport, with !joins auto', () => {
  it('approves with the agreeing requester\'s id only, while another request is pending', async () => {
    const wa = world();
    const h = await connectedSteward(wa);
    wa.current.emitMessage(groupMessage(GROUP, ADMIN, '!joins auto'));
    await h.settle();
    wa.current.emitGroupMembershipRequest(requestBy(REQUESTER));
    wa.current.emitGroupMembershipRequest(requestBy(OTHER_REQUESTER));
    await h.settle();
    await h.clock.advanceBy(10_000);
    // Each requester was sent the code of conduct and the question, privately.
    for (const requester of [REQUESTER, OTHER_REQUESTER]) {
      expect(wa.sentTo(requester).map(text)).toEqual([expect.stringContaining('who at the school are you connected to?')]);
    }

    wa.current.emitMessage(privateMessage(REQUESTER, 'Mum of a Year 3 pupil. Yes, I agree to the code of conduct.'));
    await h.settle();
    await h.clock.advanceBy(10_000);
    expect(wa.approvalCalls).toEqual([{ group: GROUP, options: { requesterIds: [REQUESTER], sleep: null } }]);
    expect(wa.approved).toEqual([REQUESTER]);
    expect(wa.joinRequests.get(GROUP)).toEqual([OTHER_REQUESTER]);
    expect(wa.sentTo(ADMIN).map(text).at(-1)).toMatch(/^✅ I approved a request to join Year 3 Parents from the person whose number ends 021/);
    // The group hears nothing of any of it.
    expect(wa.sentTo(GROUP)).toEqual([]);
  });
});
