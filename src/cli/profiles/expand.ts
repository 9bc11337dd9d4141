/**
 * Expands `${VAR}` and `${VAR:default}` references the way Arize's CLI does when it loads a profile. An unset
 * variable without a default is an error naming it.
 */
export function expandReferences(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw new Error(`\${${name}} is referenced but the environment variable ${name} is not set`);
  });
}

/** Whether a value holds a `${VAR}` reference (kept as is by `profiles show`). */
export function hasReference(value: string): boolean {
  return /\$\{[A-Za-z_][A-Za-z0-9_]*(?::[^}]*)?\}/.test(value);
}
