import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// There is no Docker engine on these machines: the Dockerfile's own steps are run by hand instead
// (test/docker/run-dockerfile.mjs). A full install takes a minute or two, so it runs in CI
// (CI=true) or when asked for with STEWARD_DOCKER_CHECK=1.
const wanted = process.env.CI === 'true' || process.env.STEWARD_DOCKER_CHECK === '1';

describe('the Dockerfile', () => {
  (wanted ? it : it.skip)(
    'installs, builds, starts the bot, serves the status page, passes its HEALTHCHECK and stops cleanly on SIGTERM, step by step',
    () => {
      expect(existsSync(process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium')).toBe(true);
      const run = spawnSync('node', ['test/docker/run-dockerfile.mjs', '--seconds', '90'], { encoding: 'utf8', timeout: 600_000 });
      const output = `${run.stdout}${run.stderr}`;
      expect(output).toMatch(/\[dockerfile\] RUN npm ci/);
      expect(output).toMatch(/Cannot reach WhatsApp Web|Link this bot|WhatsApp connected/);
      // The status page: on the port the image EXPOSEs, reached through the printed link only.
      expect(output).toMatch(/\[dockerfile\] EXPOSE 8080: the status page's port/);
      expect(output).toMatch(/\[dockerfile\] status page: 401 without the token, 200 with it/);
      // Not linked (or offline) here, so the bot cannot send: the health check says so.
      expect(output).toMatch(/HEALTHCHECK .* exit (0: healthy|1: unhealthy: .*cannot send)/);
      expect(output).toMatch(/after SIGTERM: exit 0/);
      expect(run.status).toBe(0);
    },
    600_000,
  );
});
