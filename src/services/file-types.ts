/**
 * The kinds of file a report may carry to the school: pictures, PDF documents, audio and video.
 * A file is judged by its first bytes, since its name and the type the sender's phone gives are
 * only what the sender says: an `.exe` can call itself `invoice.pdf`, `application/pdf`.
 */
export interface FileType {
  mimetype: string;
  extension: string;
}

const type = (mimetype: string, extension: string): FileType => ({ mimetype, extension });

const JPEG = type('image/jpeg', 'jpg');
const PNG = type('image/png', 'png');
const GIF = type('image/gif', 'gif');
const WEBP = type('image/webp', 'webp');
const HEIC = type('image/heic', 'heic');
const HEIF = type('image/heif', 'heif');
const AVIF = type('image/avif', 'avif');
const PDF = type('application/pdf', 'pdf');
const OGG = type('audio/ogg', 'ogg');
const MP3 = type('audio/mpeg', 'mp3');
const AAC = type('audio/aac', 'aac');
const M4A = type('audio/mp4', 'm4a');
const WAV = type('audio/wav', 'wav');
const AMR = type('audio/amr', 'amr');
const FLAC = type('audio/flac', 'flac');
const MP4 = type('video/mp4', 'mp4');
const MOV = type('video/quicktime', 'mov');
const THREE_GP = type('video/3gpp', '3gp');
const WEBM = type('video/webm', 'webm');
const AVI = type('video/x-msvideo', 'avi');

/** Every type a report may carry, for a stored report whose type was found before. */
const ALLOWED = [JPEG, PNG, GIF, WEBP, HEIC, HEIF, AVIF, PDF, OGG, MP3, AAC, M4A, WAV, AMR, FLAC, MP4, MOV, THREE_GP, WEBM, AVI];

/** Enough leading bytes for every signature below. */
const HEAD_BYTES = 16;

function ascii(head: Uint8Array, offset: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (head[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

function startsWith(head: Uint8Array, values: number[]): boolean {
  return values.every((value, i) => head[i] === value);
}

// MP4, MOV, HEIC, M4A and 3GP share one container (ISO base media); the brand after `ftyp` says which.
const BRANDS: Array<[RegExp, FileType]> = [
  [/^(heic|heix|heim|heis|hevc|hevx)$/, HEIC],
  [/^(mif1|msf1)$/, HEIF],
  [/^(avif|avis)$/, AVIF],
  [/^qt {2}$/, MOV],
  [/^M4[AB] $/, M4A],
  [/^3g[2p]/, THREE_GP],
  [/^(isom|iso[2-9]|mp41|mp42|mp71|avc1|dash|M4V |M4VP|MSNV|f4v |mmp4)$/, MP4],
];

function isoMedia(head: Uint8Array): FileType | undefined {
  if (!ascii(head, 4, 'ftyp')) return undefined;
  const brand = String.fromCharCode(...head.subarray(8, 12));
  return BRANDS.find(([pattern]) => pattern.test(brand))?.[1];
}

// An MPEG audio frame starts with 11 set bits; ADTS (AAC) is the same sync with layer bits 00.
function mpegAudio(head: Uint8Array): FileType | undefined {
  if (head[0] !== 0xff || head[1] === undefined || (head[1] & 0xe0) !== 0xe0) return undefined;
  if ((head[1] & 0xf6) === 0xf0) return AAC;
  return (head[1] & 0x06) !== 0 ? MP3 : undefined;
}

const SIGNATURES: Array<(head: Uint8Array) => FileType | undefined> = [
  (h) => (startsWith(h, [0xff, 0xd8, 0xff]) ? JPEG : undefined),
  (h) => (startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) ? PNG : undefined),
  (h) => (ascii(h, 0, 'GIF87a') || ascii(h, 0, 'GIF89a') ? GIF : undefined),
  (h) => (ascii(h, 0, '%PDF-') ? PDF : undefined),
  (h) => (ascii(h, 0, 'OggS') ? OGG : undefined),
  (h) => (ascii(h, 0, 'ID3') ? MP3 : undefined),
  (h) => (ascii(h, 0, '#!AMR') ? AMR : undefined),
  (h) => (ascii(h, 0, 'fLaC') ? FLAC : undefined),
  (h) => (startsWith(h, [0x1a, 0x45, 0xdf, 0xa3]) ? WEBM : undefined),
  (h) => {
    if (!ascii(h, 0, 'RIFF')) return undefined;
    if (ascii(h, 8, 'WEBP')) return WEBP;
    if (ascii(h, 8, 'WAVE')) return WAV;
    return ascii(h, 8, 'AVI ') ? AVI : undefined;
  },
  isoMedia,
  mpegAudio,
];

/** What a file is, from its first bytes; undefined for anything a report may not carry. */
export function detectFileType(bytes: Uint8Array): FileType | undefined {
  const head = bytes.subarray(0, HEAD_BYTES);
  for (const signature of SIGNATURES) {
    const found = signature(head);
    if (found) return found;
  }
  return undefined;
}

/** The type a sender's phone gives, without parameters (`audio/ogg; codecs=opus` is `audio/ogg`). */
function baseMimetype(mimetype: string): string {
  return mimetype.split(';')[0]!.trim().toLowerCase();
}

/** The type the sender's phone gives, as the bot repeats it: a plain `type/subtype`, or octet-stream. */
export function claimedType(mimetype: string): string {
  const base = baseMimetype(mimetype);
  return /^[\w.+-]{1,50}\/[\w.+-]{1,80}$/.test(base) ? base : 'application/octet-stream';
}

/**
 * Whether the type the sender's phone gives is one a report may carry, so that nothing else is
 * even downloaded. SVG is a picture that can carry scripts, so it is not one.
 */
export function claimAllowed(mimetype: string): boolean {
  const base = baseMimetype(mimetype);
  if (base === 'application/pdf') return true;
  return /^(image|audio|video)\/[\w.+-]+$/.test(base) && base !== 'image/svg+xml';
}

/** A type found by `detectFileType` before, as stored in a report; undefined for any other. */
export function allowedType(mimetype: string): FileType | undefined {
  return ALLOWED.find((t) => t.mimetype === mimetype);
}
