package catalogfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// Write writes f as YAML, in the field order of the catalog format (format,
// vendor, entries; within them the order catalog.Parse lists fields in its
// messages), omitting empty optional fields. Required fields are written
// even when empty, so that catalog.Parse names what is missing and the
// reader sees where to fill it in; retryable is always written, as in the
// built-in catalogs.
//
// Write fails, writing nothing, when f cannot be written as a catalog at
// all: a code_type other than int or string, an integer code that is not a
// decimal integer, or text that is not valid UTF-8. Comment lines are
// written as given, with line breaks starting new comment lines and
// characters a YAML comment cannot hold replaced by spaces.
func Write(w io.Writer, f *File) error {
	if f == nil {
		return errors.New("write catalog: no file")
	}
	// Build everything in memory first, so that a failure leaves w untouched.
	var buf bytes.Buffer
	if err := newEmitter().file(&buf, f); err != nil {
		return fmt.Errorf("write catalog: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// emitter writes one file. The head (format, vendor) is one YAML document;
// each entry is encoded on its own, as a one-item list, and indented under
// "entries:". Encoding the whole file at once would hold every YAML event of
// it in memory (the encoder keeps them until the end): hundreds of bytes per
// field. Indenting encoded text line by line is sound here because every
// scalar is on one line: plain, or double-quoted with its line breaks
// escaped (the encoder never folds lines; its width is unlimited).
type emitter struct {
	plain map[string]bool // plainOK of block scalars, by value: most values repeat
}

func newEmitter() *emitter { return &emitter{plain: map[string]bool{}} }

func (em *emitter) file(buf *bytes.Buffer, f *File) error {
	v := &f.Vendor
	if err := checkUTF8("vendor ", "id", v.ID, "name", v.Name, "source", v.Source, "version", v.Version); err != nil {
		return err
	}
	for _, s := range v.Aliases {
		if err := checkUTF8("vendor ", "alias", s); err != nil {
			return err
		}
	}
	for _, s := range v.Hosts {
		if err := checkUTF8("vendor ", "host", s); err != nil {
			return err
		}
	}
	var intCodes bool
	switch v.CodeType {
	case "int":
		intCodes = true
	case "string":
	default:
		return fmt.Errorf("vendor: code_type %q: want int or string", v.CodeType)
	}

	vendor := &mapping{}
	vendor.add("id", em.text(v.ID))
	vendor.add("name", em.text(v.Name))
	if len(v.Aliases) > 0 {
		vendor.add("aliases", flowList(v.Aliases))
	}
	if len(v.Hosts) > 0 {
		vendor.add("hosts", flowList(v.Hosts))
	}
	vendor.add("code_type", plainScalar("!!str", v.CodeType))
	if v.Source != "" {
		vendor.add("source", em.text(v.Source))
	}
	if v.Version != "" {
		vendor.add("version", em.text(v.Version))
	}
	root := &mapping{}
	root.add("format", plainScalar("!!str", catalog.FormatV1))
	root.node.Content[0].HeadComment = comment(f.Comment)
	root.add("vendor", &vendor.node)
	if err := encode(buf, &root.node); err != nil {
		return err
	}

	if len(f.Entries) == 0 {
		buf.WriteString("entries: []\n")
		return nil
	}
	buf.WriteString("entries:\n")
	var chunk bytes.Buffer
	for i := range f.Entries {
		n, err := em.entry(&f.Entries[i], intCodes)
		if err != nil {
			return fmt.Errorf("entries[%d]: %w", i, err)
		}
		chunk.Reset()
		if err := encode(&chunk, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}}); err != nil {
			return fmt.Errorf("entries[%d]: %w", i, err)
		}
		for line := range bytes.Lines(chunk.Bytes()) {
			buf.WriteString("  ")
			buf.Write(line)
		}
	}
	return nil
}

// encode writes n as one YAML document, indented by two spaces per level
// as the built-in catalogs are.
func encode(buf *bytes.Buffer, n *yaml.Node) error {
	enc := yaml.NewEncoder(buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}); err != nil {
		return err
	}
	return enc.Close()
}

// entry builds the mapping of one entry.
func (em *emitter) entry(e *Entry, intCode bool) (*yaml.Node, error) {
	if err := checkUTF8("", "code", e.Code, "name", e.Name, "description", e.Description, "section", e.Section,
		"category", e.Category, "class", e.Class, "severity", e.Severity); err != nil {
		return nil, err
	}
	m := &mapping{}
	if intCode {
		// Decimal, as the catalog keeps integer codes: "+5" and "05" are 5.
		c, err := strconv.ParseInt(strings.TrimSpace(e.Code), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("code %q is not a decimal integer within int64 (code_type int)", e.Code)
		}
		m.add("code", plainScalar("!!int", strconv.FormatInt(c, 10)))
	} else {
		m.add("code", em.text(e.Code))
	}
	m.add("name", em.text(e.Name))
	if e.Description != "" {
		m.add("description", em.text(e.Description))
	}
	if e.Section != "" {
		m.add("section", em.text(e.Section))
	}
	if e.HTTPStatus != 0 {
		m.add("http_status", plainScalar("!!int", strconv.Itoa(e.HTTPStatus)))
	}
	m.add("category", em.text(e.Category))
	m.add("class", em.text(e.Class))
	m.add("severity", em.text(e.Severity))
	m.add("retryable", plainScalar("!!bool", strconv.FormatBool(e.Retryable)))
	m.node.HeadComment = comment(e.Comment)
	return &m.node, nil
}

// checkUTF8 fails on the first of the named values (name, value, name,
// value...) that is not valid UTF-8: YAML text is Unicode, and guessing an
// encoding would write something the vendor never documented.
func checkUTF8(where string, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if !utf8.ValidString(pairs[i+1]) {
			return fmt.Errorf("%s%s %q is not valid UTF-8", where, pairs[i], pairs[i+1])
		}
	}
	return nil
}

// mapping builds a block mapping in insertion order.
type mapping struct{ node yaml.Node }

func (m *mapping) add(key string, val *yaml.Node) {
	m.node.Kind = yaml.MappingNode
	m.node.Content = append(m.node.Content, plainScalar("!!str", key), val)
}

func plainScalar(tag, v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
}

// text is a string scalar: plain where YAML reads the plain text back as
// the same string, double-quoted otherwise.
func (em *emitter) text(s string) *yaml.Node {
	n := plainScalar("!!str", s)
	ok, known := em.plain[s]
	if !known {
		ok = plainOK(n, false)
		if len(s) <= 64 { // names of the taxonomy, short names: the values that repeat
			em.plain[s] = ok
		}
	}
	if !ok {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// flowList is a list of strings in flow style: hosts: ["*.x.com"].
func flowList(items []string) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range items {
		n := plainScalar("!!str", s)
		if !plainOK(n, true) {
			n.Style = yaml.DoubleQuotedStyle
		}
		seq.Content = append(seq.Content, n)
	}
	return seq
}

// yaml11Bools are the words YAML 1.1 reads as booleans. YAML 1.2 (and
// catalog.Parse) reads them as strings, but a tool on YAML 1.1 would not,
// so they are quoted.
var yaml11Bools = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true}

// plainOK reports whether the scalar n can be written plain. The emitter is
// asked rather than second-guessed: it quotes whatever a reader would take
// for another type (null, 1e3, 2026-11-22) or could not read back (leading
// "-", ": ", " #", surrounding spaces, line breaks); plainOK accepts only
// what it writes back verbatim.
func plainOK(n *yaml.Node, flow bool) bool {
	if n.Value == "" || yaml11Bools[strings.ToLower(n.Value)] {
		return false
	}
	probe, want := n, n.Value+"\n"
	if flow {
		probe = &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{n}}
		want = "[" + n.Value + "]\n"
	}
	out, err := yaml.Marshal(probe)
	return err == nil && string(out) == want
}

// comment renders comment lines as a YAML comment: "# " before each line,
// "#" alone for an empty one.
func comment(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		for _, part := range strings.Split(l, "\n") {
			part = strings.TrimRightFunc(commentSafe(part), unicode.IsSpace)
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteByte('#')
			if part != "" {
				b.WriteByte(' ')
				b.WriteString(part)
			}
		}
	}
	return b.String()
}

// commentSafe replaces what a YAML comment cannot hold (control and other
// non-printable characters, invalid UTF-8) with spaces.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, strings.ToValidUTF8(s, " "))
}
