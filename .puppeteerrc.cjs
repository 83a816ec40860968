// The bot drives the system's Chromium (Debian's package, or the Docker image's): puppeteer's own
// browser download is never used, and it fails on machines that cannot reach its host.
module.exports = { skipDownload: true };
