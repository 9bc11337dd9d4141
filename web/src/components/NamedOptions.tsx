/** The `<option>`s of a picker choosing a resource or a role by name: the value is the id, the text its name (or `label(id)`). */
export function NamedOptions({ items, label }: { items: readonly { id: string; name: string }[]; label?: (id: string) => string }) {
  return (
    <>
      {items.map((item) => (
        <option key={item.id} value={item.id}>
          {label ? label(item.id) : item.name}
        </option>
      ))}
    </>
  );
}
