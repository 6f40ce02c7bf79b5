import { redactText, secretStrings } from './redact';

describe('redactText', () => {
  it('removes every secret string a plugin echoed, however deep it sat in the secret data', () => {
    const secrets = secretStrings({ account_id: 'acct-1234', nested: { key: 'AKIAXXXXSECRET', list: ['tokenvalue'] }, n: 5 });
    expect(secrets).toEqual(expect.arrayContaining(['acct-1234', 'AKIAXXXXSECRET', 'tokenvalue']));
    const text = redactText('auth failed for AKIAXXXXSECRET (tokenvalue) on acct-1234 twice: AKIAXXXXSECRET', secrets);
    expect(text).toBe('auth failed for *** (***) on *** twice: ***');
  });

  it('bounds the length of the text it keeps', () => {
    expect(redactText('x'.repeat(5000), [], 100)).toHaveLength(101);
  });

  const privateKey = '-----BEGIN KEY-----\nMIIEv"quoted"\\slash\n-----END KEY-----';
  const password = 'pa55w0rd+/?secret~value';

  it('catches a secret JSON-escaped (a plugin that echoes its request as JSON), once or twice', () => {
    const secrets = secretStrings({ private_key: privateKey });
    const once = `bad request: ${JSON.stringify({ private_key: privateKey })}`;
    const twice = `upstream said ${JSON.stringify(once)}`;
    expect(redactText(once, secrets)).not.toContain('MIIEv');
    expect(redactText(once, secrets)).toContain('***');
    expect(redactText(twice, secrets)).not.toContain('MIIEv');
  });

  it('catches a secret base64-encoded, at any alignment inside a longer encoded text', () => {
    const secrets = secretStrings({ password });
    for (const prefix of ['', 'u:', 'us:', 'user:']) {
      const header = Buffer.from(`${prefix}${password}`).toString('base64');
      const text = redactText(`401 for Authorization: Basic ${header}`, secrets);
      expect(text).toContain('***');
      // what is left of the encoded text no longer decodes to the secret's middle
      const left = text.split('Basic ')[1].split('***').map((part) => Buffer.from(part, 'base64').toString('latin1'));
      expect(left.join('')).not.toContain('w0rd+/?secret');
    }
  });

  it('catches a secret base64url-encoded', () => {
    const secrets = secretStrings({ password });
    const encoded = Buffer.from(`x${password}`).toString('base64url');
    expect(encoded).toMatch(/[-_]/); // the url alphabet really is in play
    const text = redactText(`token=${encoded}`, secrets);
    expect(text).toContain('***');
    expect(Buffer.from(text.slice('token='.length).split('***').join(''), 'base64url').toString('latin1')).not.toContain('w0rd+/?secret');
  });

  it('catches numeric secrets, and numeric strings printed back as numbers', () => {
    const secrets = secretStrings({ account_pin: 98765432, account_id: '000123456789' });
    expect(redactText('pin 98765432 refused', secrets)).toBe('pin *** refused');
    expect(redactText('{"account":123456789}', secrets)).toBe('{"account":***}');
    expect(redactText('account 000123456789', secrets)).toBe('account ***');
  });

  it('catches URL-encoded and hex forms', () => {
    const secrets = secretStrings({ password });
    expect(redactText(`GET /?p=${encodeURIComponent(password)}`, secrets)).toBe('GET /?p=***');
    expect(redactText(`bytes ${Buffer.from(password).toString('hex')}`, secrets)).toBe('bytes ***');
  });
});
