import { createHash, timingSafeEqual } from 'node:crypto';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares HTTP Basic credentials in constant time (equal-length digests, timingSafeEqual). */
export function credentialsMatch(authorization: string | undefined, username: string, password: string): boolean {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization ?? '');
  const given = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const separator = given.indexOf(':');
  const givenUser = separator === -1 ? '' : given.slice(0, separator);
  const givenPassword = separator === -1 ? '' : given.slice(separator + 1);
  const userOk = timingSafeEqual(digest(givenUser), digest(username));
  // supervisord's `{SHA}` form: the hex SHA-1 of the password, not the password itself.
  const hashed = /^\{SHA\}/.test(password);
  const givenForm = hashed ? `{SHA}${createHash('sha1').update(givenPassword).digest('hex')}` : givenPassword;
  const passwordOk = timingSafeEqual(digest(givenForm), digest(hashed ? `{SHA}${password.slice(5).toLowerCase()}` : password));
  return userOk && passwordOk && separator !== -1;
}
