import type { LoadedConfig } from '../config/load.js';

/** Placeholder until the whatsapp-web.js transport lands: says so plainly instead of pretending. */
export async function runWhatsApp(_loaded: LoadedConfig): Promise<void> {
  process.stderr.write(
    'The WhatsApp connection is not built yet. Try the bot in the simulator: npm run simulate\n',
  );
  process.exitCode = 1;
}
