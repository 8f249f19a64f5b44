package catalogfile

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

func TestWriteLayout(t *testing.T) {
	f := &File{
		Comment: []string{"Drafted from the Acme API reference.", "", "Review before use."},
		Vendor: Vendor{
			ID: "acme", Name: "Acme Messaging", Aliases: []string{"acmecorp", "Acme Corp"},
			Hosts: []string{"*.acme.example", "api.acme.test"}, CodeType: "int",
			Source: "Acme API reference", Version: "2024-01",
		},
		Entries: []Entry{
			{
				Code: "-3", Name: "Bad Input", Description: "The body is not valid: see `fields`.", Section: "Requests",
				HTTPStatus: 400, Category: "validation", Class: "INVALID_ARGUMENT", Severity: "warning",
				Comment: []string{"rule: invalid -> validation"},
			},
			{Code: "+7001", Name: "Backend Down", Category: "unavailable", Class: "UNAVAILABLE", Severity: "critical", Retryable: true},
		},
	}
	want := `# Drafted from the Acme API reference.
#
# Review before use.
format: errorcatalog/v1
vendor:
  id: acme
  name: Acme Messaging
  aliases: [acmecorp, Acme Corp]
  hosts: ["*.acme.example", api.acme.test]
  code_type: int
  source: Acme API reference
  version: 2024-01
entries:
  # rule: invalid -> validation
  - code: -3
    name: Bad Input
    description: "The body is not valid: see ` + "`fields`" + `."
    section: Requests
    http_status: 400
    category: validation
    class: INVALID_ARGUMENT
    severity: warning
    retryable: false
  - code: 7001
    name: Backend Down
    category: unavailable
    class: UNAVAILABLE
    severity: critical
    retryable: true
`
	got := write(t, f)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Write output (-want +got):\n%s", diff)
	}
	parsed := parse(t, got)
	if diff := cmp.Diff(normalized(f), fromParsed(parsed)); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// tricky holds text that breaks naive YAML emission: indicators, comments,
// values YAML reads as other types, surrounding and odd white space, line
// breaks, quotes, escapes and non-ASCII text.
var tricky = []string{
	"plain text", "key: value", "trailing colon:", "a # not a comment", "#leading hash", "- leading dash",
	"-", "--- document marker", "... end marker", "? question", ": colon", "[flow]", "{map}", "a, b", "*alias", "&anchor",
	"!tag", "|literal", ">folded", "%directive", "@at", "`backtick`", `"double"`, "'single'", `back\slash`, "it's",
	"yes", "No", "ON", "off", "y", "n", "true", "False", "null", "Null", "~", "", "404", "-3", "0x1F", "0o17", "1e3",
	".inf", "-.Inf", ".NaN", "2026-11-22", "12:30:00", "1_000", "+5",
	" leading space", "trailing space ", "\ttab", "two\nlines", "trailing newline\n", "crlf\r\nline", "form\ffeed",
	"bell\a", "nul\x00byte", "del\x7f", "nel\u0085", "line\u2028sep", "para\u2029sep", "bom\ufeff", "\ufeffbom first",
	"nbsp\u00a0", "ünïcödé", "日本語のエラー", "emoji 🚦", "rtl \u202eevil", "zero\u200bwidth", "non-char \ufffe",
	"replacement \ufffd", strings.Repeat("long ", 200),
}

func TestWriteTrickyText(t *testing.T) {
	for _, s := range tricky {
		t.Run(strconv.Quote(s), func(t *testing.T) {
			f := sample()
			f.Comment = []string{s}
			f.Vendor.Source, f.Vendor.Version = s, s
			e := &f.Entries[0]
			e.Name, e.Description, e.Section = "X"+s, s, s
			e.Comment = []string{s, s}
			out := write(t, f)
			parsed := parse(t, out)
			if diff := cmp.Diff(normalized(f), fromParsed(parsed)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s\nfile:\n%s", diff, out)
			}
		})
	}
}

func TestWriteTrickyListItems(t *testing.T) {
	aliases := []string{"Acme Corp", "a, b", "[x]", "{y}", "#z", "a #b", "yes", "null", "404", "*star", "-dash", "ü", "it's", `q"q`}
	f := sample()
	f.Vendor.Aliases = aliases
	f.Vendor.Hosts = []string{"*.acme.example", "api.acme.test", "192.0.2.1", "2001:db8::1"}
	out := write(t, f)
	parsed := parse(t, out)
	if diff := cmp.Diff(normalized(f), fromParsed(parsed)); diff != "" {
		t.Errorf("round trip (-want +got):\n%s\nfile:\n%s", diff, out)
	}
}

func TestWriteCodes(t *testing.T) {
	tests := []struct {
		codeType, code, want string
	}{
		{"int", "2601", "code: 2601\n"},
		{"int", "-3", "code: -3\n"},
		{"int", " 007 ", "code: 7\n"},
		{"int", "+12", "code: 12\n"},
		{"int", "-9223372036854775808", "code: -9223372036854775808\n"},
		{"string", "ERR_UID_NOT_FOUND", "code: ERR_UID_NOT_FOUND\n"},
		{"string", "err.x-y", "code: err.x-y\n"},
		{"string", "Yes", `code: "Yes"` + "\n"},
		{"string", "NULL", `code: "NULL"` + "\n"},
		{"string", "True", `code: "True"` + "\n"},
	}
	for _, tt := range tests {
		f := sample()
		f.Vendor.CodeType = tt.codeType
		f.Entries[0].Code = tt.code
		out := write(t, f)
		if !strings.Contains(out, "  - code: "+strings.TrimPrefix(tt.want, "code: ")) {
			t.Errorf("%s %q: output lacks %q:\n%s", tt.codeType, tt.code, tt.want, out)
		}
		parsed := parse(t, out)
		if got, want := parsed.Entries[0].Code, strings.TrimSpace(strings.TrimPrefix(strings.Trim(strings.TrimPrefix(tt.want, "code: "), "\n\""), "+")); got != want {
			t.Errorf("%s %q: parsed code %q, want %q", tt.codeType, tt.code, got, want)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(*File)
		want   string
	}{
		{"code type", func(f *File) { f.Vendor.CodeType = "" }, `write catalog: vendor: code_type "": want int or string`},
		{"not an integer", func(f *File) { f.Entries[0].Code = "E1" }, `write catalog: entries[0]: code "E1" is not a decimal integer within int64 (code_type int)`},
		{"out of range", func(f *File) { f.Entries[0].Code = "9223372036854775808" }, `write catalog: entries[0]: code "9223372036854775808" is not a decimal integer within int64 (code_type int)`},
		{"hex", func(f *File) { f.Entries[0].Code = "0x1F" }, `write catalog: entries[0]: code "0x1F" is not a decimal integer within int64 (code_type int)`},
		{"utf-8 name", func(f *File) { f.Entries[0].Name = "a\xffb" }, `write catalog: entries[0]: name "a\xffb" is not valid UTF-8`},
		{"utf-8 vendor", func(f *File) { f.Vendor.Source = "\xc3" }, `write catalog: vendor source "\xc3" is not valid UTF-8`},
		{"utf-8 host", func(f *File) { f.Vendor.Hosts = []string{"\xff.x"} }, `write catalog: vendor host "\xff.x" is not valid UTF-8`},
	}
	for _, tt := range tests {
		f := sample()
		tt.change(f)
		var buf bytes.Buffer
		err := Write(&buf, f)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %s", tt.name, err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %q on error", tt.name, buf.String())
		}
	}
	if err := Write(&bytes.Buffer{}, nil); err == nil {
		t.Error("Write(nil) succeeded")
	}
}

// TestWriteInvalidIsReported checks that Write leaves the rules to
// catalog.Parse: what breaks them is written as given, and Parse names it.
func TestWriteInvalidIsReported(t *testing.T) {
	f := sample()
	f.Entries[0].Category, f.Entries[0].Name = "auth", ""
	out := write(t, f)
	_, err := catalog.Parse("x.yaml", []byte(out))
	if err == nil || !strings.Contains(err.Error(), `unknown category "auth"`) || !strings.Contains(err.Error(), "empty name") {
		t.Errorf("Parse error %v\nfile:\n%s", err, out)
	}
}

// TestWriteBuiltin writes every built-in vendor catalog and reads it back.
func TestWriteBuiltin(t *testing.T) {
	c, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, vc := range c.Vendors {
		f := fromVendorCatalog(vc.Vendor, vc.Entries)
		out := write(t, f)
		if diff := cmp.Diff(f, fromParsed(parse(t, out))); diff != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", vc.Vendor.ID, diff)
		}
	}
}

// FuzzWrite writes free text into every text field and comment: Write must
// accept any valid UTF-8, and catalog.Parse read back the same values.
func FuzzWrite(f *testing.F) {
	for i, s := range tricky {
		f.Add(s, tricky[(i+1)%len(tricky)], tricky[(i+7)%len(tricky)])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) || !utf8.ValidString(c) {
			return
		}
		file := sample()
		file.Comment = []string{a, c}
		file.Vendor.Name, file.Vendor.Source, file.Vendor.Version = "V"+b, a, c
		e := &file.Entries[0]
		e.Name, e.Description, e.Section, e.Comment = "N"+a, b, c, []string{b}
		var buf bytes.Buffer
		if err := Write(&buf, file); err != nil {
			t.Fatalf("Write: %v", err)
		}
		parsed, err := catalog.Parse("fuzz.yaml", buf.Bytes())
		if err != nil {
			t.Fatalf("Parse: %v\nfile:\n%s", err, buf.String())
		}
		if diff := cmp.Diff(normalized(file), fromParsed(parsed)); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s\nfile:\n%s", diff, buf.String())
		}
	})
}

func sample() *File {
	return &File{
		Vendor: Vendor{ID: "acme", Name: "Acme", CodeType: "int"},
		Entries: []Entry{
			{Code: "1", Name: "Bad Input", Category: "validation", Class: "INVALID_ARGUMENT", Severity: "warning"},
		},
	}
}

func write(t *testing.T, f *File) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.String()
}

func parse(t *testing.T, text string) *catalog.File {
	t.Helper()
	f, err := catalog.Parse("written.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Parse: %v\nfile:\n%s", err, text)
	}
	return f
}

// fromParsed is what a parsed vendor file holds, as a File without comments.
func fromParsed(f *catalog.File) *File {
	return fromVendorCatalog(f.Vendor, f.Entries)
}

func fromVendorCatalog(v *catalog.Vendor, entries []*catalog.Entry) *File {
	out := &File{Vendor: Vendor{
		ID: v.ID, Name: v.Name, Aliases: v.Aliases, Hosts: v.Hosts,
		CodeType: v.CodeType.String(), Source: v.Source, Version: v.Version,
	}}
	for _, e := range entries {
		out.Entries = append(out.Entries, Entry{
			Code: e.Code, Name: e.Name, Description: e.Description, Section: e.Section, HTTPStatus: e.HTTPStatus,
			Category: e.Category.String(), Class: e.Class.String(), Severity: e.Severity.String(), Retryable: e.Retryable,
		})
	}
	return out
}

// normalized is what catalog.Parse reads back from Write(f): free text
// trimmed, integer codes in decimal, no comments.
func normalized(f *File) *File {
	out := &File{Vendor: f.Vendor}
	out.Vendor.Name = strings.TrimSpace(f.Vendor.Name)
	out.Vendor.Source = strings.TrimSpace(f.Vendor.Source)
	out.Vendor.Version = strings.TrimSpace(f.Vendor.Version)
	if len(out.Vendor.Aliases) == 0 {
		out.Vendor.Aliases = nil
	}
	if len(out.Vendor.Hosts) == 0 {
		out.Vendor.Hosts = nil
	}
	for _, e := range f.Entries {
		e.Comment = nil
		if f.Vendor.CodeType == "int" {
			n, _ := strconv.ParseInt(strings.TrimSpace(e.Code), 10, 64)
			e.Code = strconv.FormatInt(n, 10)
		}
		e.Name, e.Description, e.Section = strings.TrimSpace(e.Name), strings.TrimSpace(e.Description), strings.TrimSpace(e.Section)
		out.Entries = append(out.Entries, e)
	}
	return out
}
