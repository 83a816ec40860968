import type { Config } from '../config/schema.js';

export interface WhatsAppTimings {
  /** How long a send waits for WhatsApp to be connected before it gives up. */
  sendWaitMs: number;
  /** Reconnecting waits this long at first, doubling up to the longest. */
  firstRetryMs: number;
  longestRetryMs: number;
  /** A hidden id WhatsApp could not resolve is not asked about again for this long. */
  lookupRetryMs: number;
  /** A client not 'ready' this long after its start or its login (or its last loading progress) is rebuilt. */
  readyTimeoutMs: number;
  /** How often a connected client is asked for its state, and how long its answer may take. */
  probeEveryMs: number;
  probeTimeoutMs: number;
}

/** The transport's waits, from the config's `whatsapp` section. */
export function whatsappTimings(config: Config): WhatsAppTimings {
  const { sendWaitMinutes, firstRetrySeconds, longestRetrySeconds, lookupRetryMinutes } = config.whatsapp;
  return {
    sendWaitMs: sendWaitMinutes * 60_000,
    firstRetryMs: firstRetrySeconds * 1000,
    longestRetryMs: longestRetrySeconds * 1000,
    lookupRetryMs: lookupRetryMinutes * 60_000,
    readyTimeoutMs: config.whatsapp.readyTimeoutSeconds * 1000,
    probeEveryMs: config.whatsapp.livenessCheckSeconds * 1000,
    probeTimeoutMs: config.whatsapp.livenessTimeoutSeconds * 1000,
  };
}
