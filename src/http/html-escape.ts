// The five characters that can end a text node or an attribute value, as numeric references: enough for
// text and quoted attributes, which is all the server's HTML pages (/docs, the audit report) write.
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
