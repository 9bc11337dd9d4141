/** GraphQL enum values are lower camel case (Arize's `readOnly`); the services speak upper snake case (`READ_ONLY`). */
export function toGraphqlEnum(value: string): string {
  return value.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function fromGraphqlEnum<T extends string>(value: string): T {
  return value.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase() as T;
}
