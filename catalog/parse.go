package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadFile reads, parses and validates one catalog file. Files larger than
// MaxFileSize are rejected before parsing, whatever Stat claims: the read
// itself is bounded.
func LoadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, readError(path, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, readError(path, err)
	}
	if st.IsDir() {
		return nil, &Error{File: path, Msg: "cannot read catalog: is a directory"}
	}
	if st.Size() > MaxFileSize {
		return nil, tooLarge(path)
	}
	data, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return nil, readError(path, err)
	}
	return Parse(path, data)
}

func readError(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is already in our message
	}
	return &Error{File: path, Msg: "cannot read catalog: " + err.Error(), Err: err}
}

func tooLarge(name string) error {
	return &Error{File: name, Msg: fmt.Sprintf("file too large: more than %d bytes (4 MiB)", MaxFileSize), Err: ErrFileTooLarge}
}

// Parse parses and validates one catalog file held in memory; name is used in
// messages. Every problem in the file is reported, ordered by line, each
// naming the file, the line and the entry.
//
// Parse never expands YAML aliases: a file holding an anchor or an alias is
// rejected outright, so no input can make it build more than it reads.
func Parse(name string, data []byte) (*File, error) {
	if len(data) > MaxFileSize {
		return nil, tooLarge(name)
	}
	if n := structuralTokens(data); n > maxTokens {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file too complex: %d YAML structure characters, more than the limit of %d (an entry takes about 20)", n, maxTokens)}
	}
	d := &decoder{p: &problems{file: name}, f: &File{Name: name}}
	if root := d.document(data); root != nil {
		d.file(root)
	}
	if err := d.p.err(); err != nil {
		return nil, err
	}
	return d.f, nil
}

// structuralTokens counts the characters that can start a YAML node: an
// upper bound, within a small factor, of the nodes parsing would build.
func structuralTokens(data []byte) int {
	n := 0
	for _, c := range []byte("\n:-,[{?") {
		n += bytes.Count(data, []byte{c})
	}
	return n
}

// decoder walks the YAML node tree of one file into a File.
type decoder struct {
	p *problems
	f *File
}

var yamlLineError = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses data into its root node, after checking the whole tree for
// anchors, aliases and depth. It returns nil when the file cannot be walked.
func (d *decoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.p.add(0, "", "empty file (want format: %s, vendor or overrides, and entries)", FormatV1)
		} else {
			d.yamlError(err)
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		d.p.add(next.Line, "", "more than one YAML document (want one catalog per file)")
		return nil
	case !errors.Is(err, io.EOF):
		d.yamlError(err)
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		d.p.add(doc.Line, "", "want one YAML document")
		return nil
	}
	root := doc.Content[0]
	d.scan(root, 0)
	if !d.p.empty() {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		d.p.add(root.Line, "", "want a mapping with format, vendor or overrides, and entries; got %s", describe(root))
		return nil
	}
	return root
}

func (d *decoder) yamlError(err error) {
	// One problem, one line: messages are read line by line.
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if m := yamlLineError.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		d.p.add(line, "", "invalid YAML: %s", m[2])
		return
	}
	d.p.add(0, "", "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}

// scan rejects anchors, aliases and deep nesting anywhere in the tree, before
// anything looks at values: an alias is never followed.
func (d *decoder) scan(n *yaml.Node, depth int) {
	if n.Anchor != "" {
		d.p.add(n.Line, "", "YAML anchor &%.40s is not allowed in a catalog file", n.Anchor)
	}
	if n.Kind == yaml.AliasNode {
		d.p.add(n.Line, "", "YAML alias *%.40s is not allowed in a catalog file", n.Value)
		return
	}
	if depth >= maxDepth && len(n.Content) > 0 {
		d.p.add(n.Line, "", "nesting deeper than %d levels", maxDepth)
		return
	}
	for _, c := range n.Content {
		d.scan(c, depth+1)
	}
}

// field is one key of a mapping and its value.
type field struct {
	key, val *yaml.Node
}

// fields returns the keys of mapping n, reporting unknown and repeated keys.
func (d *decoder) fields(n *yaml.Node, where string, allowed []string) map[string]field {
	out := make(map[string]field, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.p.add(k.Line, where, "field names must be strings, got %s", describe(k))
			continue
		}
		if !slices.Contains(allowed, k.Value) {
			d.p.add(k.Line, where, "unknown field %.40q (want one of %s)", k.Value, strings.Join(allowed, ", "))
			continue
		}
		if first, dup := out[k.Value]; dup {
			d.p.add(k.Line, where, "field %s repeated (first at line %d)", k.Value, first.key.Line)
			continue
		}
		out[k.Value] = field{key: k, val: v}
	}
	return out
}

// text returns the value of a free-text scalar; YAML null reads as "".
// Numbers and booleans are accepted as their text (name: 404 is a name).
func (d *decoder) text(n *yaml.Node, where, name string) (string, bool) {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!null":
			return "", true
		case "!!str", "!!int", "!!float", "!!bool", "!!timestamp":
			return n.Value, true
		}
	}
	d.p.add(n.Line, where, "%s must be a string, got %s", name, describe(n))
	return "", false
}

// texts returns the values of a sequence of free-text scalars.
func (d *decoder) texts(n *yaml.Node, where, name string) ([]string, []int, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil, nil, true
	}
	if n.Kind != yaml.SequenceNode {
		d.p.add(n.Line, where, "%s must be a list of strings, got %s", name, describe(n))
		return nil, nil, false
	}
	vals := make([]string, 0, len(n.Content))
	lines := make([]int, 0, len(n.Content))
	ok := true
	for _, c := range n.Content {
		s, good := d.text(c, where, name+" items")
		if !good {
			ok = false
			continue
		}
		vals = append(vals, s)
		lines = append(lines, c.Line)
	}
	return vals, lines, ok
}

// describe names the kind of a node for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	switch t := n.ShortTag(); t {
	case "!!null":
		return "null"
	case "!!bool":
		return "a boolean " + quoteOdd(n.Value)
	case "!!int":
		return "an integer " + quoteOdd(n.Value)
	case "!!float":
		return "a number " + quoteOdd(n.Value)
	case "!!str":
		return "a string " + strconv.Quote(truncate(n.Value))
	case "!!timestamp":
		return "a timestamp " + quoteOdd(n.Value)
	default:
		return "a value tagged " + quoteOdd(t)
	}
}

func truncate(s string) string {
	const max = 40
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// quoteOdd shortens s and quotes it if it holds anything but printable
// ASCII, so every problem stays on one line.
func quoteOdd(s string) string {
	s = truncate(s)
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return strconv.Quote(s)
		}
	}
	return s
}

// file walks the top-level mapping.
func (d *decoder) file(root *yaml.Node) {
	fs := d.fields(root, "", topFields)

	if f, ok := fs["format"]; !ok {
		d.p.add(root.Line, "", "missing format (want format: %s)", FormatV1)
	} else if s, ok := d.text(f.val, "", "format"); ok && s != FormatV1 {
		d.p.add(f.val.Line, "", "unsupported format %.40q (want %s)", s, FormatV1)
	}

	vf, hasVendor := fs["vendor"]
	of, hasOverrides := fs["overrides"]
	shape := codeShape{}
	switch {
	case hasVendor && hasOverrides:
		d.p.add(of.key.Line, "", "vendor and overrides are exclusive: a file defines a vendor or overrides one")
	case hasVendor:
		d.f.Vendor, shape = d.vendor(vf)
	case hasOverrides:
		s, ok := d.text(of.val, "", "overrides")
		s = strings.TrimSpace(s)
		if ok && s == "" {
			d.p.add(of.key.Line, "", "overrides needs a vendor id or alias")
		}
		d.f.Overrides, d.f.OverridesLine = s, of.key.Line
	default:
		d.p.add(root.Line, "", "missing vendor (or overrides, to change entries of a vendor defined elsewhere)")
	}

	ef, ok := fs["entries"]
	switch {
	case !ok:
		d.p.add(root.Line, "", "missing entries")
		return
	case ef.val.Kind != yaml.SequenceNode:
		d.p.add(ef.val.Line, "", "entries must be a list of entries, got %s", describe(ef.val))
		return
	case len(ef.val.Content) == 0:
		d.p.add(ef.val.Line, "", "entries is empty (want at least one entry)")
		return
	}
	seen := make(map[string]int, len(ef.val.Content))
	for i, n := range ef.val.Content {
		if e, kind, ok := d.entry(i, n, shape, seen); ok {
			e.Vendor = d.f.Vendor
			d.f.Entries = append(d.f.Entries, e)
			d.f.codeKinds = append(d.f.codeKinds, kind)
		}
	}
}

// vendor walks the vendor mapping. The returned shape is known only when
// code_type is valid; entries are then checked against it.
func (d *decoder) vendor(vf field) (*Vendor, codeShape) {
	const where = "vendor"
	n := vf.val
	v := &Vendor{File: d.f.Name, Line: vf.key.Line}
	if n.Kind != yaml.MappingNode {
		d.p.add(n.Line, where, "want a mapping with %s; got %s", strings.Join(vendorFields, ", "), describe(n))
		return v, codeShape{}
	}
	fs := d.fields(n, where, vendorFields)

	if f, ok := fs["id"]; !ok {
		d.p.add(vf.key.Line, where, "missing id")
	} else if s, ok := d.text(f.val, where, "id"); ok {
		if msg := checkVendorID(s); msg != "" {
			d.p.add(f.val.Line, where, "%s", msg)
		}
		v.ID = s
	}
	if f, ok := fs["name"]; !ok {
		d.p.add(vf.key.Line, where, "missing name")
	} else if s, ok := d.text(f.val, where, "name"); ok {
		v.Name = strings.TrimSpace(s)
		if v.Name == "" {
			d.p.add(f.val.Line, where, "empty name")
		}
	}
	if f, ok := fs["aliases"]; ok {
		vals, lines, _ := d.texts(f.val, where, "aliases")
		seen := map[string]bool{nameKey(v.ID): v.ID != ""}
		for i, a := range vals {
			if msg := checkAlias(a); msg != "" {
				d.p.add(lines[i], where, "%s", msg)
				continue
			}
			if k := nameKey(a); seen[k] {
				d.p.add(lines[i], where, "alias %q repeats the id or another alias (names match case-insensitively)", a)
				continue
			} else {
				seen[k] = true
			}
			v.Aliases = append(v.Aliases, a)
		}
	}
	if f, ok := fs["hosts"]; ok {
		vals, lines, _ := d.texts(f.val, where, "hosts")
		seen := map[string]bool{}
		for i, h := range vals {
			if msg := checkHostPattern(h); msg != "" {
				d.p.add(lines[i], where, "%s", msg)
				continue
			}
			if k := nameKey(h); seen[k] {
				d.p.add(lines[i], where, "host pattern %q repeated", h)
				continue
			} else {
				seen[k] = true
			}
			v.Hosts = append(v.Hosts, h)
		}
	}
	shape := codeShape{}
	if f, ok := fs["code_type"]; !ok {
		d.p.add(vf.key.Line, where, "missing code_type (want int or string)")
	} else if s, ok := d.text(f.val, where, "code_type"); ok {
		ct, err := ParseCodeType(s)
		if err != nil {
			d.p.add(f.val.Line, where, "%v", err)
		} else {
			v.CodeType = ct
			shape = codeShape{known: true, vendor: v.ID, typ: ct}
		}
	}
	if f, ok := fs["source"]; ok {
		s, _ := d.text(f.val, where, "source")
		v.Source = strings.TrimSpace(s)
	}
	if f, ok := fs["version"]; ok {
		s, _ := d.text(f.val, where, "version")
		v.Version = strings.TrimSpace(s)
	}
	if f, ok := fs["responses"]; ok {
		v.Responses = d.responses(f.val, where)
	}
	if f, ok := fs["http_statuses"]; ok {
		v.HTTPStatuses = d.httpStatuses(f.val, where, v)
	}
	return v, shape
}

// entry walks entry i. seen maps the normalized codes met so far to their
// lines, for duplicates.
func (d *decoder) entry(i int, n *yaml.Node, shape codeShape, seen map[string]int) (*Entry, codeKind, bool) {
	where := fmt.Sprintf("entries[%d]", i)
	if n.Kind != yaml.MappingNode {
		d.p.add(n.Line, where, "want a mapping with %s; got %s", strings.Join(entryFields, ", "), describe(n))
		return nil, 0, false
	}
	// Name the entry by its code in every message, when it has a usable one.
	for j := 0; j+1 < len(n.Content); j += 2 {
		if k, v := n.Content[j], n.Content[j+1]; k.Kind == yaml.ScalarNode && k.Value == "code" {
			if t := v.ShortTag(); v.Kind == yaml.ScalarNode && v.Value != "" && (t == "!!int" || t == "!!str") {
				where = entryLabel(v.Value)
			}
			break
		}
	}
	before := len(d.p.list) + d.p.dropped
	fs := d.fields(n, where, entryFields)
	e := &Entry{File: d.f.Name, Line: n.Line}

	var kind codeKind
	if f, ok := fs["code"]; !ok {
		d.p.add(n.Line, where, "missing code")
	} else if k, ok := d.code(f.val, where, shape, e); ok {
		kind = k
		key := codeKey(kind, e)
		if first, dup := seen[key]; dup {
			d.p.add(f.val.Line, where, "duplicate code (first at line %d)", first)
		} else {
			seen[key] = f.val.Line
		}
	}

	d.entryBody(n, fs, where, e)
	return e, kind, len(d.p.list)+d.p.dropped == before
}

// entryBody reads what an entry says of its code: name, description,
// section, HTTP status, category, class, severity, retryable.
func (d *decoder) entryBody(n *yaml.Node, fs map[string]field, where string, e *Entry) {
	if f, ok := fs["name"]; !ok {
		d.p.add(n.Line, where, "missing name")
	} else if s, ok := d.text(f.val, where, "name"); ok {
		e.Name = strings.TrimSpace(s)
		if e.Name == "" {
			d.p.add(f.val.Line, where, "empty name")
		}
	}
	if f, ok := fs["description"]; ok {
		s, _ := d.text(f.val, where, "description")
		e.Description = strings.TrimSpace(s)
	}
	if f, ok := fs["section"]; ok {
		s, _ := d.text(f.val, where, "section")
		e.Section = strings.TrimSpace(s)
	}
	if f, ok := fs["http_status"]; ok {
		if f.val.Kind != yaml.ScalarNode || f.val.ShortTag() != "!!int" {
			d.p.add(f.val.Line, where, "http_status must be an integer, got %s", describe(f.val))
		} else if st, err := strconv.ParseInt(f.val.Value, 10, 32); err != nil || st < 100 || st > 599 {
			d.p.add(f.val.Line, where, "http_status %s outside 100..599", truncate(f.val.Value))
		} else {
			e.HTTPStatus = int(st)
		}
	}

	// The rules below relate category, class and severity, so they run only
	// when all three are known.
	known := 0
	if f, ok := fs["category"]; !ok {
		d.p.add(n.Line, where, "missing category")
	} else if s, ok := d.text(f.val, where, "category"); ok {
		if c, msg := parseEntryCategory(s); msg != "" {
			d.p.add(f.val.Line, where, "%s", msg)
		} else {
			e.Category = c
			known++
		}
	}
	if f, ok := fs["class"]; !ok {
		d.p.add(n.Line, where, "missing class")
	} else if s, ok := d.text(f.val, where, "class"); ok {
		if c, err := ParseClass(s); err != nil {
			d.p.add(f.val.Line, where, "%v", err)
		} else {
			e.Class = c
			known++
		}
	}
	if f, ok := fs["severity"]; !ok {
		d.p.add(n.Line, where, "missing severity")
	} else if s, ok := d.text(f.val, where, "severity"); ok {
		if sv, err := ParseSeverity(s); err != nil {
			d.p.add(f.val.Line, where, "%v", err)
		} else {
			e.Severity = sv
			known++
		}
	}
	retryableOK := true
	if f, ok := fs["retryable"]; ok {
		v := strings.ToLower(f.val.Value)
		switch {
		case f.val.Kind == yaml.ScalarNode && f.val.ShortTag() == "!!bool" && (v == "true" || v == "false"):
			e.Retryable = v == "true"
		default:
			d.p.add(f.val.Line, where, "retryable must be true or false, got %s", describe(f.val))
			retryableOK = false
		}
	}
	if known == 3 && retryableOK {
		for _, msg := range entryRules(e) {
			d.p.add(n.Line, where, "%s", msg)
		}
	}
}

// code reads an entry's code into e. Integer codes are kept in decimal, so
// "error.catalog.code" has one spelling per code.
func (d *decoder) code(n *yaml.Node, where string, shape codeShape, e *Entry) (codeKind, bool) {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int":
			v, err := strconv.ParseInt(n.Value, 10, 64)
			if err != nil {
				d.p.add(n.Line, where, "code must be a decimal integer within int64")
				return 0, false
			}
			e.Code, e.IntCode = strconv.FormatInt(v, 10), v
			if msg := shape.check(codeInt, e.Code); msg != "" {
				d.p.add(n.Line, where, "%s", msg)
				return 0, false
			}
			return codeInt, true
		case "!!str":
			e.Code = n.Value
			if msg := shape.check(codeString, e.Code); msg != "" {
				d.p.add(n.Line, where, "%s", msg)
				return 0, false
			}
			return codeString, true
		}
	}
	d.p.add(n.Line, where, "code must be an integer or a string, got %s", describe(n))
	return 0, false
}

// codeKey normalizes a code for duplicate detection: symbolic codes match
// case-insensitively, so ERR_X and err_x are the same code.
func codeKey(kind codeKind, e *Entry) string {
	if kind == codeInt {
		return "i" + e.Code
	}
	return "s" + upperASCII(e.Code)
}
