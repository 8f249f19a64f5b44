package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

func newDiffCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "diff [--format text|json] OLD [NEW]",
		Short: "Show what changed between two catalog files, or against the built-in catalog",
		Long: `diff compares two catalog files entry by entry, for reviewing an update of a
vendor's catalog (a new version of its documentation) or an override file
before the processor loads it. With one file (diff FILE), it compares the
built-in catalog of FILE's vendor with what the processor would use once
FILE is loaded: for a vendor file, the built-in vendor against FILE; for an
override file, the built-in vendor against it with FILE's overrides applied.

It lists the entries NEW adds, the entries it changes, each changed field
with its old and new value, in NEW's order, then the entries it removes.
Codes match as the processor matches them: integer codes by value,
symbolic codes case-insensitively (a change of case only is shown as a
change of the code field). Vendor fields are compared too: id, name,
aliases and hosts (as sets, case-insensitively), code_type, source,
version, responses, and http_statuses (status by status, like entries).
When one file is an override file, its overrides target is compared and
vendor fields are not.

--format json prints one object:

  {"old": "OLD", "new": "NEW", "equal": false,
   "vendor": {"id": "acme", "changes": [CHANGE...]},
   "http_statuses": {"added": [ENTRY...], "removed": [ENTRY...], "changed": [ENTRY_CHANGE...]},
   "entries":       {"added": [ENTRY...], "removed": [ENTRY...], "changed": [ENTRY_CHANGE...]}}

  vendor.id     the vendor NEW defines, or the one it overrides (as written)
  CHANGE        {"field": "name", "old": VALUE, "new": VALUE}; VALUE is a
                string, a number, a boolean, a list, or null for none
  ENTRY         an entry as export --format json writes it, without vendor
                (for an HTTP status, code is the status)
  ENTRY_CHANGE  {"code": "7001", "changes": [CHANGE...]}, code as NEW spells it

Lists are never null; added and changed are in NEW's order, removed in OLD's.

The exit status follows diff(1): 0 when the catalogs are the same, 1 when
they differ, 2 when a file cannot be read or is not a valid catalog (its
problems are printed with file and line, as lint prints them).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.RangeArgs(1, 2)(cmd, args); err != nil {
				return &exitError{code: 2, err: err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return &exitError{code: 2, err: fmt.Errorf("unknown diff format %q (want text or json)", format)}
			}
			var (
				d   *catalogDiff
				err error
			)
			if len(args) == 1 {
				d, err = diffBuiltin(args[0])
			} else {
				d, err = diffFiles(args[0], args[1])
			}
			if err != nil {
				var ce *catalog.Error
				if errors.As(err, &ce) {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					err = errReported
				}
				return &exitError{code: 2, err: err}
			}
			if format == "json" {
				err = d.writeJSON(cmd.OutOrStdout())
			} else {
				err = d.writeText(cmd.OutOrStdout())
			}
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if !d.Equal {
				return &exitError{code: 1, err: errReported}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output `FORMAT`: text or json")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{code: 2, err: err} })
	return cmd
}

// diffSide is one side of a comparison: a vendor (nil for an override
// file) and entries in document order.
type diffSide struct {
	label     string
	vendor    *catalog.Vendor
	overrides string
	entries   []*catalog.Entry
}

func fileSide(f *catalog.File) diffSide {
	return diffSide{label: f.Name, vendor: f.Vendor, overrides: f.Overrides, entries: f.Entries}
}

// diffFiles compares two catalog files, each valid on its own.
func diffFiles(oldPath, newPath string) (*catalogDiff, error) {
	var errs []error
	oldFile, err := catalog.LoadFile(oldPath)
	if err != nil {
		errs = append(errs, err)
	}
	newFile, err := catalog.LoadFile(newPath)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return compare(fileSide(oldFile), fileSide(newFile)), nil
}

// diffBuiltin compares the built-in catalog of path's vendor with what the
// processor would use once path is loaded.
func diffBuiltin(path string) (*catalogDiff, error) {
	f, err := catalog.LoadFile(path)
	if err != nil {
		return nil, err
	}
	builtin, err := catalog.Builtin()
	if err != nil {
		return nil, err
	}
	ix := catalog.NewIndex(builtin)
	name := f.Overrides
	if !f.IsOverride() {
		name = f.Vendor.ID
	}
	v, ok := ix.VendorByName(name)
	if !ok {
		what := "overrides " + f.Overrides
		if !f.IsOverride() {
			what = "defines vendor " + f.Vendor.ID
		}
		return nil, fmt.Errorf("%s %s, which is not a built-in vendor (built-in: %s); compare it with another file: errorcatalog diff OLD %s",
			path, what, builtin.VendorList(), path)
	}
	old := builtinSide(builtin, v)
	if !f.IsOverride() {
		return compare(old, fileSide(f)), nil
	}
	// What the processor would use: the built-in vendor, overridden.
	merged, err := catalog.Load(true, []string{path})
	if err != nil {
		return nil, err
	}
	nv, _ := catalog.NewIndex(merged).VendorByName(v.ID)
	side := builtinSide(merged, nv)
	side.label = path + " (applied to " + old.label + ")"
	return compare(old, side), nil
}

func builtinSide(c *catalog.Catalog, v *catalog.Vendor) diffSide {
	for _, vc := range c.Vendors {
		if vc.Vendor == v {
			return diffSide{label: v.File, vendor: v, entries: vc.Entries}
		}
	}
	return diffSide{label: v.File, vendor: v}
}

// catalogDiff is the comparison of two sides, in the shape --format json
// prints.
type catalogDiff struct {
	Old          string     `json:"old"`
	New          string     `json:"new"`
	Equal        bool       `json:"equal"`
	Vendor       vendorDiff `json:"vendor"`
	HTTPStatuses entryDiff  `json:"http_statuses"`
	Entries      entryDiff  `json:"entries"`
}

type vendorDiff struct {
	ID      string        `json:"id"`
	Changes []fieldChange `json:"changes"`
}

// fieldChange is one changed field. Values are strings, numbers, booleans
// or lists; nil is a field the side does not have.
type fieldChange struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// entryDiff compares two lists of entries.
type entryDiff struct {
	Added   []diffEntry   `json:"added"`
	Removed []diffEntry   `json:"removed"`
	Changed []entryChange `json:"changed"`

	// items is every difference in output order: NEW's order, then the
	// removed entries in OLD's.
	items []diffItem
}

type entryChange struct {
	Code    string        `json:"code"`
	Changes []fieldChange `json:"changes"`
}

type diffItem struct {
	kind    string // "added", "changed", "removed"
	entry   diffEntry
	changes []fieldChange
}

// diffEntry is an entry as export --format json writes it, without the vendor.
type diffEntry struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Section     string `json:"section,omitempty"`
	HTTPStatus  int    `json:"http_status,omitempty"`
	Category    string `json:"category"`
	Class       string `json:"class"`
	Severity    string `json:"severity"`
	Retryable   bool   `json:"retryable"`
}

func newDiffEntry(e *catalog.Entry) diffEntry {
	return diffEntry{
		Code: e.Code, Name: e.Name, Description: e.Description, Section: e.Section, HTTPStatus: e.HTTPStatus,
		Category: e.Category.String(), Class: e.Class.String(), Severity: e.Severity.String(), Retryable: e.Retryable,
	}
}

// compare computes the differences from o, the old side, to n, the new.
func compare(o, n diffSide) *catalogDiff {
	d := &catalogDiff{Old: o.label, New: n.label, Vendor: vendorDiff{Changes: []fieldChange{}}}
	d.Vendor.ID = n.overrides
	if n.vendor != nil {
		d.Vendor.ID = n.vendor.ID
	}
	if o.vendor != nil && n.vendor != nil {
		d.Vendor.Changes = vendorChanges(o.vendor, n.vendor)
		d.HTTPStatuses = diffEntries(statusesOnly(o.vendor.HTTPStatuses), statusesOnly(n.vendor.HTTPStatuses))
	} else {
		if !strings.EqualFold(o.overrides, n.overrides) { // vendor names match case-insensitively
			d.Vendor.Changes = append(d.Vendor.Changes, fieldChange{"overrides", textValue(o.overrides), textValue(n.overrides)})
		}
		d.HTTPStatuses = diffEntries(nil, nil)
	}
	d.Entries = diffEntries(o.entries, n.entries)
	d.Equal = len(d.Vendor.Changes) == 0 && len(d.HTTPStatuses.items) == 0 && len(d.Entries.items) == 0
	return d
}

// vendorChanges compares the vendor fields, in the catalog format's order.
func vendorChanges(o, n *catalog.Vendor) []fieldChange {
	out := []fieldChange{}
	add := func(field string, ov, nv any, same bool) {
		if !same {
			out = append(out, fieldChange{field, ov, nv})
		}
	}
	add("id", o.ID, n.ID, o.ID == n.ID)
	add("name", o.Name, n.Name, o.Name == n.Name)
	add("aliases", listValue(o.Aliases), listValue(n.Aliases), sameNames(o.Aliases, n.Aliases))
	add("hosts", listValue(o.Hosts), listValue(n.Hosts), sameNames(o.Hosts, n.Hosts))
	add("code_type", o.CodeType.String(), n.CodeType.String(), o.CodeType == n.CodeType)
	add("source", textValue(o.Source), textValue(n.Source), o.Source == n.Source)
	add("version", textValue(o.Version), textValue(n.Version), o.Version == n.Version)
	or, nr := responsesValue(o.Responses), responsesValue(n.Responses)
	add("responses", or, nr, slices.EqualFunc(or, nr, responseJSON.equal))
	return out
}

// sameNames compares aliases or host patterns as the catalog matches them:
// as sets, case-insensitively.
func sameNames(a, b []string) bool {
	norm := func(list []string) []string {
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = strings.ToLower(s)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}

// diffEntries matches entries by code, as the catalog does, and lists the
// differences in output order.
func diffEntries(old, cur []*catalog.Entry) entryDiff {
	d := entryDiff{Added: []diffEntry{}, Removed: []diffEntry{}, Changed: []entryChange{}}
	oldByKey := make(map[string]*catalog.Entry, len(old))
	for _, e := range old {
		oldByKey[codeKey(e.Code)] = e
	}
	inNew := make(map[string]bool, len(cur))
	for _, e := range cur {
		k := codeKey(e.Code)
		inNew[k] = true
		o, ok := oldByKey[k]
		if !ok {
			d.items = append(d.items, diffItem{kind: "added", entry: newDiffEntry(e)})
			d.Added = append(d.Added, newDiffEntry(e))
			continue
		}
		if ch := entryChanges(o, e); len(ch) > 0 {
			d.items = append(d.items, diffItem{kind: "changed", entry: newDiffEntry(e), changes: ch})
			d.Changed = append(d.Changed, entryChange{Code: e.Code, Changes: ch})
		}
	}
	for _, e := range old {
		if !inNew[codeKey(e.Code)] {
			d.items = append(d.items, diffItem{kind: "removed", entry: newDiffEntry(e)})
			d.Removed = append(d.Removed, newDiffEntry(e))
		}
	}
	return d
}

// statusesOnly is a vendor's HTTP status meanings with the status kept as
// the code only: it is also their http_status, which would say it twice.
func statusesOnly(list []*catalog.Entry) []*catalog.Entry {
	out := make([]*catalog.Entry, len(list))
	for i, e := range list {
		c := *e
		c.HTTPStatus = 0
		out[i] = &c
	}
	return out
}

// codeKey is the code as the catalog matches it: integer codes are kept in
// decimal, symbolic codes (which start with a letter) match
// case-insensitively. Upper-casing ASCII leaves a decimal code as it is.
func codeKey(code string) string {
	b := []byte(code)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// entryChanges compares two entries with the same code, field by field in
// the catalog format's order.
func entryChanges(o, n *catalog.Entry) []fieldChange {
	var out []fieldChange
	add := func(field string, ov, nv any, same bool) {
		if !same {
			out = append(out, fieldChange{field, ov, nv})
		}
	}
	add("code", o.Code, n.Code, o.Code == n.Code)
	add("name", o.Name, n.Name, o.Name == n.Name)
	add("description", textValue(o.Description), textValue(n.Description), o.Description == n.Description)
	add("section", textValue(o.Section), textValue(n.Section), o.Section == n.Section)
	add("http_status", statusValue(o.HTTPStatus), statusValue(n.HTTPStatus), o.HTTPStatus == n.HTTPStatus)
	add("category", o.Category.String(), n.Category.String(), o.Category == n.Category)
	add("class", o.Class.String(), n.Class.String(), o.Class == n.Class)
	add("severity", o.Severity.String(), n.Severity.String(), o.Severity == n.Severity)
	add("retryable", o.Retryable, n.Retryable, o.Retryable == n.Retryable)
	return out
}

// textValue is an optional text field's value: nil when empty.
func textValue(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func statusValue(st int) any {
	if st == 0 {
		return nil
	}
	return st
}

func listValue(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// responseJSON is a response shape as --format json prints it.
type responseJSON struct {
	Code    []string `json:"code"`
	Message []string `json:"message,omitempty"`
	Source  string   `json:"source,omitempty"`
}

func (r responseJSON) equal(o responseJSON) bool {
	return slices.Equal(r.Code, o.Code) && slices.Equal(r.Message, o.Message) && r.Source == o.Source
}

func responsesValue(shapes []catalog.ResponseShape) []responseJSON {
	out := make([]responseJSON, len(shapes))
	for i, s := range shapes {
		out[i] = responseJSON{Code: s.Code, Message: s.Message, Source: s.Source}
	}
	return out
}

func (d *catalogDiff) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}
