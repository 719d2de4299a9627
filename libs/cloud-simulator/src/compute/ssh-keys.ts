import { createHash, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

/** The SSH wire encoding of a string or byte field: a 4-byte length, then the bytes. */
function sshField(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** An SSH mpint: a leading zero byte when the high bit is set, so the number stays positive. */
const mpint = (b: Buffer): Buffer => sshField(b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);

/** Nova's fingerprint: the MD5 of the key blob, as colon-separated hex. */
export const fingerprintOf = (blob: Buffer): string =>
  createHash('md5')
    .update(blob)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');

const KEY_TYPES = new Set([
  'ssh-rsa',
  'ssh-dss',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
]);

/** The fingerprint of an OpenSSH public key line (`ssh-rsa AAAA… comment`), or null when it is not one. */
export function fingerprintOfPublicKey(line: string): string | null {
  const [type, data] = line.trim().split(/\s+/);
  if (!type || !data || !KEY_TYPES.has(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return null;
  const blob = Buffer.from(data, 'base64');
  // The blob starts with its own type name; a mismatch means the line is not a key.
  if (blob.length < 4 || blob.readUInt32BE(0) !== type.length || blob.subarray(4, 4 + type.length).toString() !== type)
    return null;
  return fingerprintOf(blob);
}

/** A new RSA key pair as Nova generates one: an OpenSSH public key and a PEM private key. */
export async function generateSshKeypair(
  comment = 'Generated-by-Nova',
): Promise<{ publicKey: string; privateKey: string; fingerprint: string }> {
  const { publicKey, privateKey } = await generate('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([
    sshField(Buffer.from('ssh-rsa')),
    mpint(Buffer.from(jwk.e!, 'base64url')),
    mpint(Buffer.from(jwk.n!, 'base64url')),
  ]);
  return {
    publicKey: `ssh-rsa ${blob.toString('base64')} ${comment}`,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    fingerprint: fingerprintOf(blob),
  };
}
