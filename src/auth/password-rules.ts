import { ApiError } from '../domain/errors.js';

/**
 * The most common passwords and their bases (from the published top-password lists: SecLists, NCSC's 100k,
 * Have I Been Pwned's most frequent), as the rule compares them: lower case, letters and digits only, with
 * digits and symbols trimmed from the ends. Passwords shorter than 12 characters are refused before this list
 * is consulted, so it holds what people lengthen to reach 12 (`password1234`, `qwertyuiop!!`).
 */
const COMMON_PASSWORDS = new Set([
  'password', 'passw0rd', 'p4ssw0rd', 'passwort', 'motdepasse', 'contrasena', 'qwerty', 'qwertyuiop', 'qwertyuiopasdfghjkl',
  'qwertyuiopasdfghjklzxcvbnm', 'asdfghjkl', 'zxcvbnm', 'qazwsx', 'qazwsxedc', '1qaz2wsx', '1qaz2wsx3edc', 'q1w2e3r4',
  'q1w2e3r4t5y6', 'azerty', 'azertyuiop', 'abc', 'abcd', 'abcdef', 'abcdefgh', 'abcdefghijkl', 'abcdefghijklmnopqrstuvwxyz',
  'letmein', 'welcome', 'welcometo', 'admin', 'administrator', 'root', 'iloveyou', 'loveyou', 'monkey', 'dragon',
  'football', 'baseball', 'basketball', 'soccer', 'hockey', 'sunshine', 'princess', 'trustno', 'changeme', 'changeit',
  'secret', 'master', 'shadow', 'superman', 'batman', 'starwars', 'pokemon', 'michael', 'jennifer', 'jordan', 'hunter',
  'ranger', 'buster', 'thomas', 'robert', 'charlie', 'jessica', 'ashley', 'daniel', 'mustang', 'access', 'computer',
  'internet', 'whatever', 'freedom', 'flower', 'summer', 'winter', 'spring', 'autumn', 'hello', 'helloworld',
  'default', 'guest', 'test', 'testing', 'tester', 'login', 'user', 'username', 'ninja', 'killer', 'cheese', 'pepper',
  'ginger', 'matrix', 'samsung', 'google', 'apple', 'microsoft', 'linkedin', 'facebook', 'arize', 'arizeai', 'ax',
  'passwordpassword', 'iloveyouiloveyou', 'correcthorsebatterystaple', 'thequickbrownfoxjumpsoverthelazydog',
  'letmeinplease', 'mypassword', 'yourpassword', 'temppassword', 'temporarypassword',
  'securepassword', 'strongpassword', 'supersecret', 'topsecret', 'opensesame', 'godzilla', 'baseball', 'aaaaaa',
]);

/** Sequences typed along a row or in order: any run of 12 of them is as guessable as a common password. */
const SEQUENCES = ['01234567890123456789', '98765432109876543210', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm', '1qaz2wsx3edc4rfv5tgb6yhn7ujm'];

export interface PasswordOwner {
  email: string;
  name: string;
}

function letters(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** `p@ssw0rd` as `password`: the usual letter-for-symbol swaps undone. */
function unswapped(text: string): string {
  const swaps: Record<string, string> = { '@': 'a', '4': 'a', '$': 's', '5': 's', '0': 'o', '1': 'i', '!': 'i', '3': 'e', '7': 't' };
  // Digits and marks at the ends are padding, not swaps: only those inside the word are read as letters.
  const m = /^([^\p{L}]*)(.*?)([^\p{L}]*)$/su.exec(text.toLowerCase())!;
  return m[2]!.replace(/[@4$50!137]/g, (c) => swaps[c]!);
}

/** The word a password is built on: letters and digits, lower case, without digits at either end. */
function base(text: string): string {
  return letters(text).replace(/^\d+|\d+$/g, '');
}

/** The rule a new password breaks, or undefined. Length is the schema's rule (12 to 1024 characters). */
export function passwordProblem(password: string, owner?: PasswordOwner): string | undefined {
  if (password.trim() === '') return 'must not be only white space';
  if (/^(.{1,3}?)\1+$/su.test(password)) return 'must not repeat one character or a short sequence';
  const plain = letters(password);
  const core = base(password);
  if (owner) {
    const email = letters(owner.email);
    const local = base(owner.email.split('@')[0] ?? '');
    const name = base(owner.name);
    const own = [email, local, name, [...name].reverse().join(''), [...local].reverse().join('')].filter((w) => w.length > 0);
    if ((email.length > 0 && plain.includes(email)) || own.includes(core) || own.includes(plain)) {
      return 'must not be your email or name';
    }
  }
  const swapped = base(unswapped(password));
  if (COMMON_PASSWORDS.has(core) || COMMON_PASSWORDS.has(plain) || COMMON_PASSWORDS.has(swapped) || core === ''
    || SEQUENCES.some((s) => s.includes(plain))) {
    return 'is one of the most common passwords';
  }
  return undefined;
}

/** Throws WEAK_PASSWORD (400) naming the field and the rule. */
export function requireStrongPassword(field: string, password: string, owner?: PasswordOwner): void {
  const problem = passwordProblem(password, owner);
  if (problem) throw new ApiError('WEAK_PASSWORD', `${field}: ${problem}`);
}
