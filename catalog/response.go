package catalog

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ResponseShape is where a vendor's error responses carry the code: a path
// of object keys from the response object to the code, and optionally to
// the message. Services log these responses; the processor recognises the
// object wherever it sits in a logged payload.
type ResponseShape struct {
	// Code is the path of object keys to the code, e.g. [ResponseStatus,
	// ErrorCode]. Keys compare exactly (JSON keys are case-sensitive).
	Code []string
	// Message is the path to the vendor's message, when it has one.
	Message []string
	// Source names the vendor document that describes the shape.
	Source string
	// Line locates the shape in its file, for messages.
	Line int
}

// Limits of a response shape.
const (
	// MaxResponseShapes bounds the shapes one vendor declares.
	MaxResponseShapes = 8
	// MaxResponsePath bounds the keys of one path: vendors nest their code
	// one to three objects deep.
	MaxResponsePath = 6
)

var responseFields = []string{"code", "message", "source"}

// responses walks a vendor's responses list.
func (d *decoder) responses(n *yaml.Node, where string) []ResponseShape {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.p.add(n.Line, where, "responses must be a list of {code, message, source}, got %s", describe(n))
		return nil
	}
	if len(n.Content) > MaxResponseShapes {
		d.p.add(n.Line, where, "responses: at most %d shapes, got %d", MaxResponseShapes, len(n.Content))
		return nil
	}
	var out []ResponseShape
	seen := map[string]int{}
	for i, c := range n.Content {
		at := fmt.Sprintf("%s responses[%d]", where, i)
		if c.Kind != yaml.MappingNode {
			d.p.add(c.Line, at, "want a mapping with %s; got %s", strings.Join(responseFields, ", "), describe(c))
			continue
		}
		fs := d.fields(c, at, responseFields)
		s := ResponseShape{Line: c.Line}
		var ok bool
		if f, has := fs["code"]; !has {
			d.p.add(c.Line, at, "missing code (the path of object keys to the code, e.g. [error, code])")
			ok = false
		} else if s.Code, ok = d.responsePath(f.val, at, "code"); ok {
			k := strings.Join(s.Code, "\x00")
			if first, dup := seen[k]; dup {
				d.p.add(f.val.Line, at, "code path %s repeats the shape at line %d", PathString(s.Code), first)
				ok = false
			}
			seen[k] = c.Line
		}
		if f, has := fs["message"]; has {
			var good bool
			if s.Message, good = d.responsePath(f.val, at, "message"); !good {
				ok = false
			}
		}
		if f, has := fs["source"]; has {
			src, _ := d.text(f.val, at, "source")
			s.Source = strings.TrimSpace(src)
		}
		if ok {
			out = append(out, s)
		}
	}
	return out
}

// responsePath reads a path: a list of object keys.
func (d *decoder) responsePath(n *yaml.Node, where, name string) ([]string, bool) {
	if n.Kind != yaml.SequenceNode {
		d.p.add(n.Line, where, "%s must be a list of object keys, e.g. [error, code]; got %s", name, describe(n))
		return nil, false
	}
	keys, lines, ok := d.texts(n, where, name)
	if !ok {
		return nil, false
	}
	if len(keys) == 0 || len(keys) > MaxResponsePath {
		d.p.add(n.Line, where, "%s: want 1 to %d keys, got %d", name, MaxResponsePath, len(keys))
		return nil, false
	}
	for i, k := range keys {
		if msg := checkResponseKey(k); msg != "" {
			d.p.add(lines[i], where, "%s[%d]: %s", name, i, msg)
			ok = false
		}
	}
	return keys, ok
}

// checkResponseKey returns why k cannot be an object key of a path, or "".
func checkResponseKey(k string) string {
	switch {
	case k == "":
		return "empty key"
	case len(k) > maxText:
		return fmt.Sprintf("key longer than %d bytes", maxText)
	case !utf8.ValidString(k):
		return "key is not valid UTF-8"
	}
	for _, r := range k {
		if unicode.IsControl(r) || r == '"' || r == '\\' {
			return fmt.Sprintf("key %q holds a control character, a quote or a backslash", k)
		}
	}
	return ""
}

// PathString writes a path as its keys joined by " → ", for messages.
func PathString(p []string) string { return strings.Join(p, " → ") }

// ResponsePath is one code path some vendors declare, and those vendors in
// load order.
type ResponsePath struct {
	Keys    []string
	Vendors []*Vendor
}

// indexResponses groups the vendors' code paths by their last key: a
// scanner that meets a value under key k asks for the paths ending in k
// and checks the keys above it.
func indexResponses(vendors []*Vendor) map[string][]*ResponsePath {
	byPath := map[string]*ResponsePath{}
	out := map[string][]*ResponsePath{}
	for _, v := range vendors {
		for _, s := range v.Responses {
			k := strings.Join(s.Code, "\x00")
			p, ok := byPath[k]
			if !ok {
				p = &ResponsePath{Keys: s.Code}
				byPath[k] = p
				last := s.Code[len(s.Code)-1]
				out[last] = append(out[last], p)
			}
			p.Vendors = append(p.Vendors, v)
		}
	}
	return out
}
