import { EventEmitter } from 'node:events';
import type {
  BatteryInfo,
  Chat,
  Client,
  ClientInfo,
  ContactId,
  GroupChat,
  GroupNotification,
  GroupNotificationTypes,
  GroupParticipant,
  MembershipRequestActionOptions,
  MembershipRequestActionResult,
  Message,
  MessageContent,
  MessageId,
  MessageMedia,
  MessageSendOptions,
  MessageTypes,
  WAState,
} from 'whatsapp-web.js';
import type { BrowserGone, WhatsAppClient } from '../../src/transports/whatsapp-client.js';

/**
 * A fake whatsapp-web.js client for the transport's tests. Only types come from
 * whatsapp-web.js (its runtime would load puppeteer): the compiler checks the fake against
 * `WhatsAppClient`, which is a `Pick` of the real Client, and every object it hands the
 * transport is built as the real type (Message, GroupNotification, GroupChat).
 *
 * `FakeWhatsApp` is "WhatsApp itself": the groups, the hidden-id map, the bot's number and
 * every message sent. It builds a new `FakeWhatsAppClient` each time the transport asks for
 * one (a reconnect gets a fresh client, as with the real library), and all clients share it.
 */

/** puppeteer's words when DNS fails: what a volunteer with no network sees. */
export const OFFLINE_ERROR = 'net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/';
/** puppeteer's words for a call into a page whose browser or renderer has gone. */
export const SESSION_CLOSED_ERROR = 'Protocol error (Runtime.callFunctionOn): Session closed. Most likely the page has been closed.';
/** puppeteer's words when the configured Chromium is not there. */
export const NO_BROWSER_ERROR =
  'Browser was not found at the configured executablePath (/usr/bin/chromium)';

// ---------------------------------------------------------------------------------------------
// Ids

/** `447700900001@c.us` → { user: '447700900001', server: 'c.us', _serialized }. */
export function contactId(serialized: string): ContactId {
  const at = serialized.indexOf('@');
  return {
    user: at === -1 ? serialized : serialized.slice(0, at),
    server: at === -1 ? '' : serialized.slice(at + 1),
    _serialized: serialized,
  };
}

let messageCounter = 0;

/**
 * A message id as whatsapp-web.js serializes it: `false_<chat>_<id>` for a private chat,
 * `false_<group>_<id>_<author>` in a group.
 */
export function messageId(chat: string, options: { author?: string; fromMe?: boolean; id?: string } = {}): MessageId {
  const fromMe = options.fromMe ?? false;
  const id = options.id ?? `3EB0${String(++messageCounter).padStart(16, '0')}`;
  const tail = options.author ? `_${options.author}` : '';
  return { fromMe, remote: chat, id, _serialized: `${fromMe}_${chat}_${id}${tail}` };
}

// ---------------------------------------------------------------------------------------------
// Typed objects. Each helper takes a typed partial and fills the rest with what whatsapp-web.js
// would give; the one cast per helper is the object's methods the transport never calls.

function notCalled(what: string): () => never {
  return () => {
    throw new Error(`the fake does not implement ${what}`);
  };
}

/** Message types as plain strings (whatsapp-web.js declares them as an enum, which is runtime). */
export type MessageTypeName = `${MessageTypes}`;

/** A received message. `type` may be given as a plain string such as 'e2e_notification'. */
export function fakeMessage(
  fields: Omit<Partial<Message>, 'type'> & Pick<Message, 'from' | 'body' | 'id'> & { type?: MessageTypeName },
): Message {
  const { type = 'chat', ...rest } = fields;
  const base: Omit<Partial<Message>, 'type'> = {
    ack: 1,
    deviceType: 'android',
    broadcast: false,
    isStatus: false,
    isGif: false,
    isEphemeral: false,
    fromMe: rest.id.fromMe,
    hasMedia: false,
    hasQuotedMsg: false,
    hasReaction: false,
    duration: '',
    isForwarded: false,
    forwardingScore: 0,
    isStarred: false,
    vCards: [],
    mentionedIds: [],
    groupMentions: [],
    timestamp: Math.floor(Date.UTC(2026, 0, 5, 8, 0, 0) / 1000),
    to: '',
    links: [],
    orderId: '',
    rawData: {},
    pollName: '',
    pollOptions: [],
    allowMultipleAnswers: false,
    eventStartTime: 0,
    isEventCaneled: false,
    getQuotedMessage: () => Promise.reject(new Error('this message quotes nothing')),
    downloadMedia: () => Promise.reject(new Error('this message has no media')),
    reload: notCalled('Message.reload'),
    delete: notCalled('Message.delete'),
    getChat: notCalled('Message.getChat'),
    getContact: notCalled('Message.getContact'),
    getMentions: notCalled('Message.getMentions'),
    reply: notCalled('Message.reply'),
    react: notCalled('Message.react'),
    forward: notCalled('Message.forward'),
  };
  return { ...base, ...rest, type: type as MessageTypes } as Message;
}

/** A message someone posted in a group: `from` is the group, `author` the person. */
export function groupMessage(
  group: string,
  author: string,
  body: string,
  extra: Omit<Partial<Message>, 'type' | 'from' | 'author' | 'body'> & { type?: MessageTypeName } = {},
): Message {
  return fakeMessage({ id: messageId(group, { author }), from: group, author, body, ...extra });
}

/** A message in a private chat with the bot: `from` is the person, no author. */
export function privateMessage(
  from: string,
  body: string,
  extra: Omit<Partial<Message>, 'type' | 'from' | 'body'> & { type?: MessageTypeName } = {},
): Message {
  return fakeMessage({ id: messageId(from), from, body, ...extra });
}

export type GroupNotificationTypeName = `${GroupNotificationTypes}`;

/** A group notification as whatsapp-web.js builds it (chatId, author and recipientIds as strings). */
export function fakeGroupNotification(
  fields: Omit<Partial<GroupNotification>, 'type'> &
    Pick<GroupNotification, 'chatId' | 'author' | 'recipientIds'> & { type?: GroupNotificationTypeName },
): GroupNotification {
  const { type = 'add', ...rest } = fields;
  const base: Omit<GroupNotification, 'type' | 'chatId' | 'author' | 'recipientIds'> = {
    id: messageId(rest.chatId, { author: rest.author }),
    body: '',
    timestamp: Math.floor(Date.UTC(2026, 0, 5, 8, 0, 0) / 1000),
    getChat: notCalled('GroupNotification.getChat'),
    getContact: notCalled('GroupNotification.getContact'),
    getRecipients: notCalled('GroupNotification.getRecipients'),
    reply: notCalled('GroupNotification.reply'),
  };
  return { ...base, ...rest, type: type as GroupNotificationTypes };
}

/** A participant as `GroupChat.participants` lists one. */
export function participant(id: string, role: 'member' | 'admin' | 'superadmin' = 'member'): GroupParticipant {
  return { id: contactId(id), isAdmin: role !== 'member', isSuperAdmin: role === 'superadmin' };
}

/** A group chat with its participants. */
export function fakeGroupChat(
  fields: Omit<Partial<GroupChat>, 'id'> & Pick<GroupChat, 'name' | 'participants'> & { id: string | GroupChat['id'] },
): GroupChat {
  const { id, ...rest } = fields;
  const base: Partial<GroupChat> = {
    archived: false,
    isGroup: true,
    isReadOnly: false,
    isMuted: false,
    muteExpiration: 0,
    timestamp: 0,
    unreadCount: 0,
    pinned: false,
    isLocked: false,
    description: '',
    createdAt: new Date(Date.UTC(2025, 8, 1)),
    sendMessage: notCalled('GroupChat.sendMessage'),
    fetchMessages: notCalled('GroupChat.fetchMessages'),
    approveGroupMembershipRequests: notCalled('GroupChat.approveGroupMembershipRequests'),
    rejectGroupMembershipRequests: notCalled('GroupChat.rejectGroupMembershipRequests'),
  };
  return { ...base, ...rest, id: typeof id === 'string' ? contactId(id) : id } as GroupChat;
}

/** A private chat, as getChats() lists them next to the groups. */
export function fakePrivateChat(id: string, name = ''): Chat {
  const chat: Partial<Chat> = {
    id: contactId(id),
    name,
    archived: false,
    isGroup: false,
    isReadOnly: false,
    isMuted: false,
    muteExpiration: 0,
    timestamp: 0,
    unreadCount: 0,
    pinned: false,
    isLocked: false,
  };
  return chat as Chat;
}

function clientInfo(wid: string): ClientInfo {
  const battery: BatteryInfo = { battery: 100, plugged: true };
  return {
    me: contactId(wid),
    wid: contactId(wid),
    phone: { wa_version: '2.25', os_version: '14', device_manufacturer: 'fake', device_model: 'fake', os_build_number: '1' },
    platform: 'android',
    pushname: 'Parent Group Steward',
    getBatteryStatus: () => Promise.resolve(battery),
  };
}

// ---------------------------------------------------------------------------------------------
// The client

export interface SentMessage {
  /** Which client sent it (1 for the first one built). */
  client: number;
  chatId: string;
  content: MessageContent;
  options: MessageSendOptions | undefined;
}

/** What one initialize() does: resolve, reject with this error, or never settle. */
export type StartOutcome = 'ok' | 'hang' | Error;

/** Why a client says it was disconnected: a WhatsApp state, or the library's 'LOGOUT'. */
export type DisconnectReason = `${WAState}` | 'LOGOUT';

export class FakeWhatsAppClient extends EventEmitter implements WhatsAppClient {
  info: ClientInfo;
  destroyed = false;
  initialized = false;
  /** Set by crash() or emitBrowserGone(): the page is gone and every call into it fails. */
  crashed = false;

  constructor(
    private readonly world: FakeWhatsApp,
    readonly number: number,
    private readonly startOutcome: StartOutcome,
  ) {
    super();
    this.info = clientInfo(world.wid);
  }

  /**
   * whatsapp-web.js types on() as returning the Client itself, for chaining. The transport never
   * chains, and a fake cannot be a whole Client: this is the fake's one unchecked claim.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override on(eventName: string | symbol, listener: (...args: any[]) => void): this & Client {
    super.on(eventName, listener);
    return this as this & Client;
  }

  initialize(): Promise<void> {
    this.initialized = true;
    if (this.startOutcome === 'hang') return new Promise(() => undefined);
    if (this.startOutcome instanceof Error) return Promise.reject(this.startOutcome);
    return Promise.resolve();
  }

  destroy(): Promise<void> {
    this.destroyed = true;
    return Promise.resolve();
  }

  async sendMessage(chatId: string, content: MessageContent, options?: MessageSendOptions): Promise<Message> {
    if (this.crashed) throw new Error(SESSION_CLOSED_ERROR);
    if (this.world.sendFailure) throw this.world.sendFailure;
    const outcome = this.world.sendOutcomes.shift();
    if (outcome === 'hang') return new Promise(() => undefined);
    // whatsapp-web.js resolves to undefined when the page finds no such chat; its d.ts says Message.
    if (outcome === 'no-chat') return undefined as unknown as Message;
    if (outcome instanceof Error) throw outcome;
    if (this.world.noLidFor.has(chatId)) throw new Error(`No LID for user ${chatId}`);
    this.world.sent.push({ client: this.number, chatId, content, options });
    return fakeMessage({
      id: messageId(chatId, { fromMe: true }),
      from: this.world.wid,
      to: chatId,
      body: typeof content === 'string' ? content : '',
      fromMe: true,
    });
  }

  async getChats(): Promise<Chat[]> {
    this.world.calls.getChats += 1;
    if (this.world.chatsFailure) throw this.world.chatsFailure;
    return [...this.world.chats.values()];
  }

  async getChatById(chatId: string): Promise<Chat> {
    this.world.calls.getChatById.push(chatId);
    const chat = this.world.chats.get(chatId);
    if (!chat) throw new Error(`no chat ${chatId}`);
    return chat;
  }

  async getMessageById(messageId: string): Promise<Message> {
    // whatsapp-web.js resolves to null for a message it cannot find; its d.ts says Message.
    return this.world.messages.get(messageId) ?? (null as unknown as Message);
  }

  /**
   * One answer per id, in order, as whatsapp-web.js 1.34.7 gives them: the pair for a hidden id
   * or a phone-number id WhatsApp can resolve, and { lid: undefined, pn: undefined } for one it
   * cannot (its d.ts does not say so: hence the cast).
   */
  async getContactLidAndPhone(userIds: string[]): Promise<{ lid: string; pn: string }[]> {
    this.world.calls.getContactLidAndPhone.push([...userIds]);
    if (this.world.lidLookupFailure) throw this.world.lidLookupFailure;
    return userIds.map((id) => {
      const pn = id.endsWith('@lid') ? this.world.lidToPhone.get(id) : id;
      const lid = id.endsWith('@lid') ? id : [...this.world.lidToPhone].find(([, phone]) => phone === id)?.[0];
      return (lid && pn ? { lid, pn } : { lid: undefined, pn: undefined }) as { lid: string; pn: string };
    });
  }

  /** WhatsApp's connection state as the page tells it; a crashed renderer throws, a hung one never answers. */
  async getState(): Promise<WAState> {
    this.world.calls.getState += 1;
    if (this.crashed) throw new Error(SESSION_CLOSED_ERROR);
    const answer = this.world.state;
    if (answer === 'hang') return new Promise(() => undefined);
    if (answer instanceof Error) throw answer;
    return answer as WAState;
  }

  async getWWebVersion(): Promise<string> {
    return this.world.webVersion;
  }

  /**
   * The renderer dies without a word: only the browser's own events (emitBrowserGone) or asking
   * the page (getState) tell; every call into the page now fails as puppeteer words it.
   */
  crash(): void {
    this.crashed = true;
  }

  // Events, each with whatsapp-web.js' own argument types.
  emitAuthenticated(): void {
    this.emit('authenticated');
  }
  emitLoadingScreen(percent: number): void {
    this.emit('loading_screen', String(percent), 'WhatsApp');
  }
  /** What whatsapp-client.ts emits when puppeteer says the browser or page went away. */
  emitBrowserGone(what: BrowserGone): void {
    this.crashed = true;
    this.emit('browser_gone', what);
  }
  emitQr(qr: string): void {
    this.emit('qr', qr);
  }
  emitReady(): void {
    this.emit('ready');
  }
  emitMessage(message: Message): void {
    this.world.remember(message);
    this.emit('message', message);
  }
  emitGroupJoin(notification: GroupNotification): void {
    this.emit('group_join', notification);
  }
  emitGroupLeave(notification: GroupNotification): void {
    this.emit('group_leave', notification);
  }
  emitGroupUpdate(notification: GroupNotification): void {
    this.emit('group_update', notification);
  }
  emitGroupAdminChanged(notification: GroupNotification): void {
    this.emit('group_admin_changed', notification);
  }
  /** Someone asks to join a group with "approve new participants" on; the request waits in `joinRequests`. */
  emitGroupMembershipRequest(notification: GroupNotification): void {
    const chat = notification.chatId;
    const requesters = notification.recipientIds.length ? notification.recipientIds : [notification.author];
    this.world.joinRequests.set(chat, [...new Set([...(this.world.joinRequests.get(chat) ?? []), ...requesters])]);
    this.emit('group_membership_request', notification);
  }
  emitDisconnected(reason: DisconnectReason): void {
    this.emit('disconnected', reason);
  }
  emitChangeState(state: `${WAState}`): void {
    this.emit('change_state', state);
  }
}

/** WhatsApp as the clients see it, and the factory the transport is given as `createClient`. */
export class FakeWhatsApp {
  /** Every client built, in order. */
  readonly clients: FakeWhatsAppClient[] = [];
  /** Every message any client sent, in order. */
  readonly sent: SentMessage[] = [];
  /** Group (and private) chats by serialized id: what getChats() and getChatById() return. */
  readonly chats = new Map<string, Chat>();
  /**
   * Hidden ids (…@lid) and the phone-number ids WhatsApp resolves them to, both ways; a hidden
   * id missing here is one whose lookup fails. The bot's own hidden id goes here too.
   */
  readonly lidToPhone = new Map<string, string>();
  readonly calls = { getChats: 0, getChatById: [] as string[], getContactLidAndPhone: [] as string[][], getState: 0 };
  /** The bot's own id, as `client.info.wid` gives it. */
  wid: string;
  /** What the next clients' initialize() do, in order; once empty, they resolve. */
  readonly startOutcomes: StartOutcome[] = [];
  /** When set, sendMessage rejects with it. */
  sendFailure: Error | undefined;
  /**
   * What the next sends do, in order, before they succeed as usual: reject with the error, resolve
   * with no message (the page found no such chat), or never settle (a hung page).
   */
  readonly sendOutcomes: Array<Error | 'no-chat' | 'hang'> = [];
  /** Phone-number ids WhatsApp knows only by a hidden id: a send to them fails with "No LID for user". */
  readonly noLidFor = new Set<string>();
  /** What getState() answers: a WhatsApp state, an error to throw, or 'hang' for a page that never answers. */
  state: `${WAState}` | 'hang' | Error = 'CONNECTED';
  /** The WhatsApp Web version the page runs. */
  webVersion = '2.3000.1030000000';
  /** When set, getChats rejects with it: WhatsApp Web still loading its chats at 'ready'. */
  chatsFailure: Error | undefined;
  /** When set, getContactLidAndPhone rejects with it. */
  lidLookupFailure: Error | undefined;
  /** Messages posted so far, by serialized id: what getMessageById() finds. */
  readonly messages = new Map<string, Message>();
  /** Ids of the messages deleted for everyone, in order. */
  readonly deletedForEveryone: string[] = [];
  /** Groups the bot left, in order. */
  readonly left: string[] = [];
  /** Requests to join still pending, by group: what WhatsApp lists under "pending participants". */
  readonly joinRequests = new Map<string, string[]>();
  /** Every approveGroupMembershipRequests call, with the options exactly as the bot passed them. */
  readonly approvalCalls: Array<{ group: string; options: MembershipRequestActionOptions }> = [];
  /** Who was let in by an approval, in order. */
  readonly approved: string[] = [];
  /** The labels of the attachments downloaded, in order: what the bot fetched, and so what it did not. */
  readonly downloads: string[] = [];

  constructor(options: { wid: string }) {
    this.wid = options.wid;
  }

  /** Given to the transport as `createClient`. */
  readonly createClient = (): WhatsAppClient => {
    const client = new FakeWhatsAppClient(this, this.clients.length + 1, this.startOutcomes.shift() ?? 'ok');
    this.clients.push(client);
    return client;
  };

  /** The client built last. */
  get current(): FakeWhatsAppClient {
    const client = this.clients.at(-1);
    if (!client) throw new Error('no WhatsApp client has been built yet');
    return client;
  }

  /**
   * Sets a group as WhatsApp reports it: members, with the given ones as admins. Any member may
   * be a hidden id (…@lid), as WhatsApp lists one it cannot give a number for. An
   * announcement-only group (only admins may send) is what whatsapp-web.js 1.34.7 calls
   * `isReadOnly`. A group the bot has left is one without the bot among its members.
   */
  setGroup(id: string, name: string, members: string[], admins: string[] = [], options: { announce?: boolean } = {}): GroupChat {
    const chat = fakeGroupChat({
      id,
      name,
      participants: members.map((m) => participant(m, admins.includes(m) ? 'admin' : 'member')),
      isReadOnly: options.announce ?? false,
      leave: async () => void this.left.push(id),
      approveGroupMembershipRequests: async (actionOptions) => this.approve(id, actionOptions),
    });
    this.chats.set(id, chat);
    return chat;
  }

  /**
   * As whatsapp-web.js 1.34.7 does: named requesters each get a result (an error 404 for one with
   * no pending request); no ids at all approve every pending request of the group.
   */
  private approve(group: string, options: MembershipRequestActionOptions): MembershipRequestActionResult[] {
    this.approvalCalls.push({ group, options: structuredClone(options) });
    const pending = this.joinRequests.get(group) ?? [];
    const named = options.requesterIds === null || options.requesterIds === undefined ? [] : [options.requesterIds].flat();
    const targets = named.length ? named : [...pending];
    const results = targets.map((requesterId): MembershipRequestActionResult => {
      if (!pending.includes(requesterId)) return { requesterId, error: 404, message: 'ParticipantRequestNotFoundError' };
      this.approved.push(requesterId);
      return { requesterId, message: 'Approved successfully' };
    });
    this.joinRequests.set(group, pending.filter((p) => !this.approved.includes(p)));
    return results;
  }

  /** Keeps a posted message so that it can be found, deleted for everyone, and seen to be. */
  remember(message: Message): void {
    const id = message.id._serialized;
    this.messages.set(id, {
      ...message,
      delete: async (everyone?: boolean) => {
        if (everyone) this.deletedForEveryone.push(id);
      },
    } as Message);
  }

  /**
   * A message's attachment as whatsapp-web.js gives it: `hasMedia`, the type, name and size
   * WhatsApp Web announces in the raw message (size as the file's unless given; null: not
   * announced), and a download that records `label` in `downloads`.
   */
  media(
    label: string,
    file: { mimetype: string; data: Buffer; filename?: string; size?: number | null },
  ): Pick<Message, 'hasMedia' | 'rawData' | 'downloadMedia'> {
    const { mimetype, data, filename } = file;
    const size = file.size === null ? {} : { size: file.size ?? data.length };
    return {
      hasMedia: true,
      rawData: { mimetype, filename, ...size },
      downloadMedia: async () => {
        this.downloads.push(label);
        // MessageMedia is a class of fields only; the library's constructor would load puppeteer.
        return { mimetype, data: data.toString('base64'), filename, filesize: data.length } as MessageMedia;
      },
    };
  }

  /** Text sends, with their options, to one chat. */
  sentTo(chatId: string): SentMessage[] {
    return this.sent.filter((s) => s.chatId === chatId);
  }
}
