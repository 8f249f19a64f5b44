package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// writeText prints the differences for a reader: a block per vendor,
// HTTP status and entry that differs, each changed field as old → new, and
// a summary line. The output depends only on the two catalogs.
func (d *catalogDiff) writeText(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "--- %s\n+++ %s\n", d.Old, d.New)
	if d.Equal {
		fmt.Fprintln(b, "no differences")
		return b.Flush()
	}
	if len(d.Vendor.Changes) > 0 {
		fmt.Fprintf(b, "changed vendor %s:\n", d.Vendor.ID)
		writeChanges(b, d.Vendor.Changes)
	}
	writeItems(b, "http_status", d.HTTPStatuses.items)
	writeItems(b, "entry", d.Entries.items)

	var parts []string
	if n := len(d.Vendor.Changes); n > 0 {
		parts = append(parts, "vendor: "+plural(n, "field")+" changed")
	}
	if s := d.HTTPStatuses.summary(); s != "" {
		parts = append(parts, "http_statuses: "+s)
	}
	if s := d.Entries.summary(); s != "" {
		parts = append(parts, "entries: "+s)
	}
	fmt.Fprintln(b, strings.Join(parts, "; "))
	return b.Flush()
}

func writeItems(b *bufio.Writer, what string, items []diffItem) {
	for _, it := range items {
		fmt.Fprintf(b, "%s %s %s:\n", it.kind, what, it.entry.Code)
		if it.kind == "changed" {
			writeChanges(b, it.changes)
			continue
		}
		e := it.entry
		field := func(k, v string) { fmt.Fprintf(b, "  %s: %s\n", k, v) }
		field("name", strconv.Quote(e.Name))
		if e.Description != "" {
			field("description", strconv.Quote(e.Description))
		}
		if e.Section != "" {
			field("section", strconv.Quote(e.Section))
		}
		if e.HTTPStatus != 0 {
			field("http_status", strconv.Itoa(e.HTTPStatus))
		}
		field("category", e.Category)
		field("class", e.Class)
		field("severity", e.Severity)
		field("retryable", strconv.FormatBool(e.Retryable))
	}
}

func writeChanges(b *bufio.Writer, changes []fieldChange) {
	for _, c := range changes {
		fmt.Fprintf(b, "  %s: %s → %s\n", c.Field, textOf(c.Field, c.Old), textOf(c.Field, c.New))
	}
}

// textOf renders a field's value: free text quoted, names of the taxonomy
// and numbers as they are, "none" for a field the side lacks.
func textOf(field string, v any) string {
	switch v := v.(type) {
	case nil:
		return "none"
	case string:
		switch field {
		case "code", "id", "code_type", "category", "class", "severity":
			return v
		}
		return strconv.Quote(v)
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case []string:
		return quotedList(v)
	case []responseJSON:
		parts := make([]string, len(v))
		for i, r := range v {
			s := "{code: " + quotedList(r.Code)
			if len(r.Message) > 0 {
				s += ", message: " + quotedList(r.Message)
			}
			if r.Source != "" {
				s += ", source: " + strconv.Quote(r.Source)
			}
			parts[i] = s + "}"
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

func quotedList(list []string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// summary counts the differences: "1 added, 2 changed".
func (d *entryDiff) summary() string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{len(d.Added), "added"}, {len(d.Removed), "removed"}, {len(d.Changed), "changed"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
