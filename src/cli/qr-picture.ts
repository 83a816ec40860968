import { rm, writeFile } from 'node:fs/promises';
import { errorCode, type Logger } from '../core/log.js';
import type { QrSource } from '../services/console-server.js';
import { PRIVATE_FILE_MODE } from '../services/private-files.js';

/**
 * The linking QR code as a picture beside the terminal's, for a volunteer on a machine without a
 * screen. Whoever holds it can link their own phone as the bot, so it is the bot's user's alone and
 * goes as soon as the number is linked, even if a picture was still being written then.
 */
export class QrPicture implements QrSource {
  private writing: Promise<void> = Promise.resolve();
  private current: string | undefined;

  constructor(
    readonly file: string,
    private readonly log: Logger,
  ) {}

  /** The code WhatsApp sent last, for the status page to draw; none once linked. */
  get latest(): string | undefined {
    return this.current;
  }

  show(qr: string): Promise<void> {
    this.current = qr;
    this.writing = this.writing.then(() => this.write(qr));
    return this.writing;
  }

  /** The number is linked: the picture is of no more use to anyone but someone who finds it. */
  async linked(): Promise<void> {
    this.current = undefined;
    await this.writing;
    await rm(this.file, { force: true });
  }

  private async write(qr: string): Promise<void> {
    try {
      // Loaded here, not at the top: a bot that is already linked never shows a QR code.
      const { default: qrcode } = await import('qrcode');
      const picture = await qrcode.toBuffer(qr, { width: 400 });
      await writeFile(this.file, picture, { mode: PRIVATE_FILE_MODE });
      this.log.info(`The QR code is also saved as ${this.file} (it changes every minute)`);
    } catch (error) {
      this.log.warn('could not save the QR code as a picture', { code: errorCode(error) });
    }
  }
}
