/**
 * A URL as it may be shown or logged: the password in it (smtp://user:password@host) and any
 * query value that looks like a secret (?pass=…, ?api_key=…) become ****. Works on the text as
 * typed, so a URL that does not parse (the very one a config error is about) is masked too.
 */
export function maskUrl(url: string): string {
  // A value typed without its scheme, or with one mistyped (smtp:/, smtp//), is masked all the same.
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  let rest = url.slice(scheme.length);
  // The password runs to the last @: one typed without %40 for its own @ is still all hidden.
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    const userInfo = rest.slice(0, at);
    const colon = userInfo.indexOf(':');
    if (colon !== -1) rest = `${userInfo.slice(0, colon)}:****${rest.slice(at)}`;
  }
  rest = rest.replace(/([?&][^=&#]*(?:pass|secret|token|key|auth)[^=&#]*=)[^&#]*/gi, '$1****');
  return scheme + rest;
}

/** Every URL inside a longer text (an error message, a log line) masked as maskUrl does. */
export function maskUrlsIn(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => maskUrl(url));
}
