// Package catalogfile writes catalog files in the errorcatalog/v1 format,
// with comments, for the commands that generate catalogs (import, draft).
// What it writes reads back through catalog.Parse with the same values, and
// looks like the hand-written files in catalog/builtin: block style, the
// catalog format's field order, short lists in flow style.
//
// Write does not validate the taxonomy or the format's rules: that is
// catalog.Parse's job, and callers run what Write produced through it
// before anyone relies on the file.
package catalogfile
