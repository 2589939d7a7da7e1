/**
 * JSON for the inside of a `<script type="application/json">` element. `<`, `>` and `&` become
 * \u escapes, so no value can close the element (`</script>`) or open a comment (`<!--`), and the
 * line and paragraph separators are escaped for older parsers. `JSON.parse` gives back the value.
 *
 * @example
 * ```ts
 * jsonForScriptTag({ name: '</script><b>' }); // '{"name":"\u003c/script\u003e\u003cb\u003e"}'
 * ```
 */
export function jsonForScriptTag(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * JavaScript source made safe to sit inside an inline `<script>` element: a `</script` in it (in a
 * string or a regular expression) would end the element early, and `<\/script` means the same to
 * JavaScript. The source-map comment is dropped: the map is not in the page.
 */
export function scriptForInlineTag(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}
