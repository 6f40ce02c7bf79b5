import { redactText, secretStrings } from './redact';

describe('redactText', () => {
  it('removes every secret string a plugin echoed, however deep it sat in the secret data', () => {
    const secrets = secretStrings({ account_id: 'acct-1234', nested: { key: 'AKIAXXXXSECRET', list: ['tokenvalue'] }, n: 5 });
    expect(secrets).toEqual(['acct-1234', 'AKIAXXXXSECRET', 'tokenvalue']);
    const text = redactText('auth failed for AKIAXXXXSECRET (tokenvalue) on acct-1234 twice: AKIAXXXXSECRET', secrets);
    expect(text).toBe('auth failed for *** (***) on *** twice: ***');
  });

  it('bounds the length of the text it keeps', () => {
    expect(redactText('x'.repeat(5000), [], 100)).toHaveLength(101);
  });
});
