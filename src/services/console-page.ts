/**
 * The status page's three files, kept as strings so that `tsc` carries them into dist/ (and the
 * Docker image) with no front-end build step and no asset folder to copy. The script and the
 * style are files of their own because the page's Content-Security-Policy allows no inline code.
 *
 * The script renders with textContent only: group names come from WhatsApp, where anyone who
 * creates a group chooses them.
 */

/** The QR picture's width and height in pixels; the img element's size says the same. */
export const QR_PICTURE_PIXELS = 400;

/** How often the page asks for the status, in milliseconds. */
export const STATUS_POLL_MS = 3000;

export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Parent Group Steward: status</title>
<link rel="stylesheet" href="/console.css">
<script src="/console.js" defer></script>
</head>
<body>
<main>
<h1>Parent Group Steward</h1>
<p id="connection" role="status" aria-live="polite">Loading the bot's status…</p>
<noscript><p>This page needs JavaScript to show the bot's status.</p></noscript>

<section id="linking" aria-labelledby="linking-heading" hidden>
<h2 id="linking-heading">Link the bot's WhatsApp number</h2>
<ol>
<li>On the bot's phone, open WhatsApp → Settings → Linked devices → Link a device.</li>
<li>Scan the code below. WhatsApp changes it about every minute; this page shows the new one by itself.</li>
</ol>
<p id="qr-waiting" hidden>Waiting for WhatsApp to send a QR code…</p>
<img id="qr" width="${QR_PICTURE_PIXELS}" height="${QR_PICTURE_PIXELS}" hidden
  alt="QR code for linking the bot's WhatsApp number: scan it with the bot's phone, in WhatsApp under Settings, Linked devices, Link a device.">
</section>

<section id="status" aria-labelledby="groups-heading" hidden>
<h2 id="groups-heading">Groups</h2>
<div class="scroll" tabindex="0" role="region" aria-labelledby="groups-heading">
<table id="groups">
<caption>The groups the bot is in. Approve or leave one with !approve CODE or !leave CODE in a private chat with the bot.</caption>
<thead>
<tr><th scope="col">Group</th><th scope="col">Code</th><th scope="col">Approved</th><th scope="col">Paused</th><th scope="col">Members</th><th scope="col">Languages</th><th scope="col">Last activity</th></tr>
</thead>
<tbody></tbody>
</table>
</div>
<p id="no-groups" hidden>The bot is in no group yet.</p>

<h2>Reports to the school</h2>
<dl>
<dt>Waiting to be sent</dt><dd id="queued">–</dd>
<dt>Could not be delivered</dt><dd id="failed">–</dd>
<dt>Delivered in the last 7 days</dt><dd id="delivered">–</dd>
<dt>Mail</dt><dd id="mail">–</dd>
</dl>

<h2>Settings</h2>
<dl>
<dt>Language model</dt><dd id="model">–</dd>
<dt>Policy review date</dt><dd id="policy-review">–</dd>
</dl>
</section>

<p id="updated" class="quiet"></p>
</main>
</body>
</html>
`;

export const CONSOLE_CSS = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin-top: 0; }
h2 { font-size: 1.2rem; margin-top: 1.5rem; }
img { max-width: 100%; height: auto; background: #fff; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; padding-bottom: 0.5rem; }
th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #8888; white-space: nowrap; }
td.number { text-align: right; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.quiet { opacity: 0.75; font-size: 0.9rem; }
.problem { font-weight: 600; }
@media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: 0.4rem; } }
`;

export const CONSOLE_JS = `'use strict';
(function () {
  var POLL_MS = ${STATUS_POLL_MS};
  var STATES = {
    'starting': 'Starting WhatsApp…',
    'waiting-for-qr': 'Waiting for the bot\\'s phone to scan the QR code.',
    'connected': 'WhatsApp connected.',
    'disconnected': 'WhatsApp is disconnected; the bot is reconnecting.',
    'logged-out': 'This number was logged out of WhatsApp; a new QR code follows.',
    'account-stopped': 'WhatsApp has stopped this number; the terminal says why.'
  };
  var shownQr = null;

  function byId(id) { return document.getElementById(id); }
  function setText(id, text) { byId(id).textContent = text; }
  function when(iso) { return iso ? new Date(iso).toLocaleString() : 'nothing since the bot started'; }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
  }

  function showGroups(groups) {
    var body = byId('groups').tBodies[0];
    var rows = document.createDocumentFragment();
    groups.forEach(function (group) {
      var row = document.createElement('tr');
      var name = document.createElement('th');
      name.scope = 'row';
      name.textContent = group.name;
      row.appendChild(name);
      cell(row, group.code);
      cell(row, group.approved ? 'yes' : 'waiting');
      cell(row, group.paused ? 'paused' : 'no');
      cell(row, String(group.members), 'number');
      cell(row, group.languages.join(', '));
      cell(row, when(group.lastActivityAt));
      rows.appendChild(row);
    });
    body.replaceChildren(rows);
    byId('no-groups').hidden = groups.length > 0;
    byId('groups').hidden = groups.length === 0;
  }

  function showFacts(facts) {
    showGroups(facts.groups);
    setText('queued', String(facts.outbox.queued));
    setText('failed', String(facts.outbox.failed));
    setText('delivered', String(facts.outbox.deliveredLast7Days));
    var mail = facts.mail.mode === 'smtp' ? 'sent through ' + facts.mail.server : 'saved as .eml files on this machine';
    if (facts.outbox.onHold) mail += ' (on hold: the mail server refused the login, ' + facts.outbox.onHold + ')';
    setText('mail', mail);
    byId('mail').className = facts.outbox.onHold ? 'problem' : '';
    var model = facts.model;
    setText('model', model.on
      ? 'on: ' + model.callsLeft + ' of ' + model.dailyCalls + ' calls and ' + model.tokensLeft + ' of ' + model.dailyTokens + ' tokens left today'
      : 'off (everything is answered offline)');
    setText('policy-review', facts.policyReview);
  }

  function showLinking(page) {
    var linking = page.whatsapp.state === 'waiting-for-qr';
    byId('linking').hidden = !linking;
    var img = byId('qr');
    if (!linking || !page.qr) {
      img.hidden = true;
      byId('qr-waiting').hidden = !linking;
      shownQr = null;
      return;
    }
    byId('qr-waiting').hidden = true;
    img.hidden = false;
    // A new picture only when WhatsApp sent a new code: reloading the same one would flicker.
    if (page.qr !== shownQr) {
      shownQr = page.qr;
      img.src = '/qr.png?v=' + encodeURIComponent(page.qr);
    }
  }

  function show(page) {
    setText('connection', (STATES[page.whatsapp.state] || page.whatsapp.state) + ' Since ' + when(page.whatsapp.since) + '.');
    byId('connection').className = page.whatsapp.state === 'connected' ? '' : 'problem';
    showLinking(page);
    byId('status').hidden = false;
    showFacts(page.facts);
    setText('updated', 'Updated ' + new Date(page.facts.at).toLocaleString() + '; this page updates itself.');
  }

  function refresh() {
    fetch('/status.json', { cache: 'no-store', credentials: 'same-origin' })
      .then(function (response) {
        if (response.status === 401) throw new Error('the link has expired: open the link the terminal printed at start');
        if (!response.ok) throw new Error('the bot answered ' + response.status);
        return response.json();
      })
      .then(show)
      .catch(function (error) {
        setText('connection', 'Cannot reach the bot (' + error.message + '); trying again.');
        byId('connection').className = 'problem';
      })
      .then(function () { setTimeout(refresh, POLL_MS); });
  }

  refresh();
})();
`;

/** What a request without the token gets: no data, and no script or style to load. */
export const UNAUTHORISED_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Link needed</title></head>
<body>
<main>
<h1>This page needs its link</h1>
<p>Open the full link the bot printed in its terminal when it started (it ends in <code>?token=…</code>).
The token is also in the file <code>console-token</code> in the bot's storage folder.</p>
</main>
</body>
</html>
`;
