import { passwordProblem } from './password-policy';

describe('password policy', () => {
  it('accepts 8 characters and long passphrases with spaces and any script', () => {
    expect(passwordProblem('tq8#vmze')).toBeNull();
    expect(passwordProblem('correct horse battery staple on a blue tuesday')).toBeNull();
    expect(passwordProblem('контрасенья-длинная')).toBeNull();
    expect(
      passwordProblem(
        'x'.repeat(128).replace(/x/g, (_, i: number) => String.fromCharCode(97 + (i % 26))),
      ),
    ).toBeNull();
  });

  it('refuses short, over-long and common passwords, whatever their case', () => {
    expect(passwordProblem('short1!')).toBe('too-short');
    expect(passwordProblem('a'.repeat(129))).toBe('too-long');
    expect(passwordProblem('password')).toBe('common');
    expect(passwordProblem('PassWord123')).toBe('common');
    expect(passwordProblem('qwertyuiop')).toBe('common');
  });

  it('makes no composition demands: lower-case letters alone are fine when uncommon', () => {
    expect(passwordProblem('plumtreeharbour')).toBeNull();
  });

  it("refuses the account's own email as its password", () => {
    expect(passwordProblem('Alice@Acme.example', 'alice@acme.example')).toBe('same-as-email');
  });

  it('counts characters, not bytes', () => {
    expect(passwordProblem('ééééééé')).toBe('too-short');
    expect(passwordProblem('éééééééé')).toBeNull();
  });
});
