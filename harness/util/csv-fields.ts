/**
 * One CSV record, read as Go's encoding/csv reads the option strings of BuildKit and buildx
 * (`type=registry,ref=r/x,mode=max`, `id=a,"src=/path,with,commas"`): fields split on commas,
 * a field that starts with `"` runs to its closing quote, `""` inside it is a quote.
 */
export function csvFields(text: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * `type=gha,mode=max` → {type: "gha", mode: "max"}: keys lower-cased as buildx reads them, a
 * field without `=` kept as a key with an empty value.
 */
export function parseAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of csvFields(text)) {
    const at = field.indexOf("=");
    const key = (at < 0 ? field : field.slice(0, at)).trim().toLowerCase();
    if (key !== "") out[key] = at < 0 ? "" : field.slice(at + 1).trim();
  }
  return out;
}

/**
 * One CSV record as Go's encoding/csv writes it, so that buildx reads back exactly these
 * fields: a field with a comma, a quote, a line break or leading space is quoted, its quotes
 * doubled. Option strings handed to buildx are built from their vetted fields this way, never
 * by joining strings, so no value can add a field of its own.
 */
export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map((f) => (needsQuotes(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(",");
}

function needsQuotes(field: string): boolean {
  if (field === "") return false;
  return field === "\\." || /[",\r\n]/.test(field) || /^\s/u.test(field);
}

/**
 * `key=value` fields of an option string, each as buildx will read it (see formatCsvRecord),
 * or undefined when buildx would read something else (a key with `=` in it, or one that is
 * not lower-case after trimming): what buildx receives is what was vetted, or nothing.
 */
export function formatAttributes(attributes: Readonly<Record<string, string>>): string | undefined {
  const text = formatCsvRecord(Object.entries(attributes).map(([key, value]) => `${key}=${value}`));
  const back = parseAttributes(text);
  const same =
    Object.keys(back).length === Object.keys(attributes).length &&
    Object.entries(attributes).every(([key, value]) => back[key] === value);
  return same ? text : undefined;
}
