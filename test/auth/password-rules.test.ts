import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/auth/password-rules.js';

const owner = { email: 'alice.smith@example.com', name: 'Alice Smith' };

describe('passwordProblem', () => {
  it.each([
    ['            ', /white space/],
    ['\t\n   \u00a0        ', /white space/],
    ['zzzzzzzzzzzz', /repeat/],
    ['abababababab', /repeat/],
    ['alice.smith@example.com', /email or name/],
    ['ALICE.SMITH@EXAMPLE.COM', /email or name/],
    ['alice.smith@example.com!!', /email or name/],
    ['AliceSmith2024', /email or name/],
    ['htimsecila123', /email or name/],
    ['password1234', /common/],
    ['P@ssw0rd!!!!', /common/],
    ['Passw0rd2024!', /common/],
    ['qwertyuiop!!', /common/],
    ['1qaz2wsx3edc', /common/],
    ['098765432109', /common/],
    ['correct horse battery staple', /common/],
  ])('refuses %j', (password, rule) => {
    expect(passwordProblem(password, owner)).toMatch(rule);
  });

  it.each(['ferry timetable in March', 'a perfectly fine password', 'tom-chosen-password-1', 'Alice likes ferries'])('accepts %j', (password) => {
    expect(passwordProblem(password, owner)).toBeUndefined();
  });
});
