package catalog

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Catalog documents for the validation tests: a header of six lines, so the
// first entry is always on line 7.
const (
	intHead = "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\nentries:\n"
	strHead = "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: string\nentries:\n"
)

// entry is one flow-style entry line; fields override or add to a valid one.
func entry(code string, fields ...string) string {
	base := map[string]string{"code": code, "name": "X", "category": "validation", "class": "INVALID_ARGUMENT", "severity": "warning"}
	order := []string{"code", "name", "category", "class", "severity"}
	for _, f := range fields {
		k, v, _ := strings.Cut(f, ": ")
		if _, ok := base[k]; !ok {
			order = append(order, k)
		}
		base[k] = v
	}
	parts := make([]string, 0, len(order))
	for _, k := range order {
		if v := base[k]; v != "-" {
			parts = append(parts, k+": "+v)
		}
	}
	return "  - {" + strings.Join(parts, ", ") + "}\n"
}

func TestParseValid(t *testing.T) {
	doc := intHead + entry("-3", "http_status: 403", "section: Errors", "description: \"  Text.  \"", "retryable: false") +
		entry("2600", "category: server", "class: INTERNAL", "severity: error", "retryable: true")
	f, err := Parse("t.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if f.IsOverride() || f.Vendor.ID != "acme" || f.Vendor.File != "t.yaml" || f.Vendor.Line != 2 {
		t.Fatalf("vendor = %+v", f.Vendor)
	}
	if len(f.Entries) != 2 {
		t.Fatalf("entries = %d", len(f.Entries))
	}
	e := f.Entries[0]
	want := Entry{Vendor: f.Vendor, Code: "-3", IntCode: -3, Name: "X", Description: "Text.", Section: "Errors", HTTPStatus: 403,
		Category: CategoryValidation, Class: ClassInvalidArgument, Severity: SeverityWarning, File: "t.yaml", Line: 7}
	if *e != want {
		t.Errorf("entry = %+v\nwant    %+v", *e, want)
	}
	if e := f.Entries[1]; e.Line != 8 || !e.Retryable || e.Category != CategoryServer || e.IntCode != 2600 {
		t.Errorf("second entry = %+v", *e)
	}
}

func TestParseOverrideFile(t *testing.T) {
	doc := "format: errorcatalog/v1\noverrides: Yunxin\nentries:\n" + entry("403") + entry("ERR_X")
	f, err := Parse("o.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !f.IsOverride() || f.Overrides != "Yunxin" || f.OverridesLine != 2 || len(f.Entries) != 2 {
		t.Fatalf("file = %+v", f)
	}
	if f.Entries[0].Vendor != nil || f.Entries[0].IntCode != 403 || f.Entries[1].Code != "ERR_X" {
		t.Errorf("entries = %+v, %+v", *f.Entries[0], *f.Entries[1])
	}
}

// TestParseRules has one case per validation rule, with the exact message.
func TestParseRules(t *testing.T) {
	classes := "OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED"
	categories := "authentication, authorization, validation, not_found, conflict, precondition, rate_limit, quota, policy, timeout, unavailable, network, server, unsupported, success"
	entryKeys := "code, name, description, section, http_status, category, class, severity, retryable"
	hostMsg := `must be a host name, an IP address, or "*." and a domain (at most 128 characters)`
	tests := []struct {
		name string
		doc  string
		want string
	}{
		// Unknown fields, at every level.
		{"unknown top-level field", intHead + entry("7") + "extra: 1\n",
			`t.yaml:8: unknown field "extra" (want one of format, vendor, overrides, entries)`},
		{"unknown vendor field", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n  homepage: x\nentries:\n" + entry("7"),
			`t.yaml:6: vendor: unknown field "homepage" (want one of id, name, aliases, hosts, code_type, source, version, responses, http_statuses)`},
		{"unknown entry field", intHead + entry("7", "retry: true"),
			`t.yaml:7: entry 7: unknown field "retry" (want one of ` + entryKeys + `)`},
		{"repeated field", intHead + entry("7") + "  - {code: 8, name: A, name: B, category: validation, class: INVALID_ARGUMENT, severity: warning}\n",
			`t.yaml:8: entry 8: field name repeated (first at line 8)`},
		{"non-string key", intHead + entry("7") + "? [a]\n: 1\n",
			`t.yaml:8: field names must be strings, got a list`},

		// Response shapes.
		{"responses: not a list", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n  responses: {code: [code]}\nentries:\n" + entry("7"),
			`t.yaml:6: vendor: responses must be a list of {code, message, source}, got a mapping`},
		{"responses: code missing", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n  responses:\n" + "    - message: [message]\nentries:\n" + entry("7"),
			`t.yaml:7: vendor responses[0]: missing code (the path of object keys to the code, e.g. [error, code])`},
		{"responses: code a dotted string", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n  responses:\n" + "    - code: error.code\nentries:\n" + entry("7"),
			`t.yaml:7: vendor responses[0]: code must be a list of object keys, e.g. [error, code]; got a string "error.code"`},
		{"responses: empty path", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n  responses:\n" + "    - code: []\nentries:\n" + entry("7"),
			`t.yaml:7: vendor responses[0]: code: want 1 to 6 keys, got 0`},
		{"responses: path too deep", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n  responses:\n" + "    - code: [a, b, c, d, e, f, g]\nentries:\n" + entry("7"),
			`t.yaml:7: vendor responses[0]: code: want 1 to 6 keys, got 7`},
		{"responses: empty key", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n  responses:\n" + "    - code: [error, \"\"]\nentries:\n" + entry("7"),
			`t.yaml:7: vendor responses[0]: code[1]: empty key`},
		{"responses: key with a quote", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n  responses:\n" + "    - code: ['a\"b']\nentries:\n" + entry("7"),
			`t.yaml:7: vendor responses[0]: code[0]: key "a\"b" holds a control character, a quote or a backslash`},
		{"responses: repeated path", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n  responses:\n" + "    - code: [code]\n    - code: [code]\nentries:\n" + entry("7"),
			`t.yaml:8: vendor responses[1]: code path code repeats the shape at line 7`},
		{"responses: unknown field", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n  responses:\n" + "    - code: [code]\n      path: [x]\nentries:\n" + entry("7"),
			`t.yaml:8: vendor responses[0]: unknown field "path" (want one of code, message, source)`},

		// format, vendor, overrides, entries.
		{"missing format", "vendor:\n  id: acme\n  name: Acme\n  code_type: int\nentries:\n" + entry("7"),
			`t.yaml:1: missing format (want format: errorcatalog/v1)`},
		{"unsupported format", strings.Replace(intHead, "v1", "v2", 1) + entry("7"),
			`t.yaml:1: unsupported format "errorcatalog/v2" (want errorcatalog/v1)`},
		{"missing vendor", "format: errorcatalog/v1\nentries:\n" + entry("7"),
			`t.yaml:1: missing vendor (or overrides, to change entries of a vendor defined elsewhere)`},
		{"vendor and overrides", intHead + entry("7") + "overrides: speakap\n",
			`t.yaml:8: vendor and overrides are exclusive: a file defines a vendor or overrides one`},
		{"empty overrides", "format: errorcatalog/v1\noverrides: \" \"\nentries:\n" + entry("7"),
			`t.yaml:2: overrides needs a vendor id or alias`},
		{"missing entries", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\n  code_type: int\n",
			`t.yaml:1: missing entries`},
		{"entries not a list", intHead + "  code: 7\n",
			`t.yaml:7: entries must be a list of entries, got a mapping`},
		{"entries empty", strings.TrimSuffix(intHead, "\n") + " []\n",
			`t.yaml:6: entries is empty (want at least one entry)`},
		{"entry not a mapping", intHead + "  - 7\n",
			`t.yaml:7: entries[0]: want a mapping with ` + entryKeys + `; got an integer 7`},

		// Vendor metadata.
		{"missing vendor id", "format: errorcatalog/v1\nvendor:\n  name: Acme\n  code_type: int\nentries:\n" + entry("7"),
			`t.yaml:2: vendor: missing id`},
		{"bad vendor id", strings.Replace(intHead, "id: acme", "id: Acme-Corp", 1) + entry("7"),
			`t.yaml:3: vendor: id "Acme-Corp" must match [a-z][a-z0-9_]* (at most 128 characters)`},
		{"empty vendor name", strings.Replace(intHead, "name: Acme", "name: ''", 1) + entry("7"),
			`t.yaml:4: vendor: empty name`},
		{"missing code_type", "format: errorcatalog/v1\nvendor:\n  id: acme\n  name: Acme\nentries:\n" + entry("7"),
			`t.yaml:2: vendor: missing code_type (want int or string)`},
		{"unknown code_type", strings.Replace(intHead, "code_type: int", "code_type: integer", 1) + entry("7"),
			`t.yaml:5: vendor: unknown code_type "integer" (want int or string)`},
		{"aliases not a list", strings.Replace(intHead, "code_type: int", "code_type: int\n  aliases: acme2", 1) + entry("7"),
			`t.yaml:6: vendor: aliases must be a list of strings, got a string "acme2"`},
		{"bad alias", strings.Replace(intHead, "code_type: int", "code_type: int\n  aliases: [' acme2']", 1) + entry("7"),
			`t.yaml:6: vendor: alias " acme2" must be 1 to 128 printable characters without surrounding spaces`},
		{"alias repeats id", strings.Replace(intHead, "code_type: int", "code_type: int\n  aliases: [ACME]", 1) + entry("7"),
			`t.yaml:6: vendor: alias "ACME" repeats the id or another alias (names match case-insensitively)`},
		{"bad host", strings.Replace(intHead, "code_type: int", "code_type: int\n  hosts: ['https://acme.io']", 1) + entry("7"),
			`t.yaml:6: vendor: host pattern "https://acme.io" ` + hostMsg},
		{"wildcard top-level domain", strings.Replace(intHead, "code_type: int", "code_type: int\n  hosts: ['*.io']", 1) + entry("7"),
			`t.yaml:6: vendor: host pattern "*.io" would match a whole top-level domain`},
		{"repeated host", strings.Replace(intHead, "code_type: int", "code_type: int\n  hosts: [a.acme.io, A.ACME.IO]", 1) + entry("7"),
			`t.yaml:6: vendor: host pattern "A.ACME.IO" repeated`},

		// Taxonomy.
		{"unknown category", intHead + entry("-3", "category: auth", "class: UNAUTHENTICATED"),
			`t.yaml:7: entry -3: unknown category "auth" (want one of ` + categories + `)`},
		{"category unknown", intHead + entry("7", "category: unknown", "class: UNKNOWN"),
			`t.yaml:7: entry 7: category unknown is reserved for codes missing from the catalog`},
		{"unknown class", intHead + entry("7", "class: NOT_ALLOWED"),
			`t.yaml:7: entry 7: unknown class "NOT_ALLOWED" (want one of ` + classes + `)`},
		{"unknown severity", intHead + entry("7", "severity: fatal"),
			`t.yaml:7: entry 7: unknown severity "fatal" (want one of info, warning, error, critical)`},
		{"missing category", intHead + entry("7", "category: -"),
			`t.yaml:7: entry 7: missing category`},
		{"missing class", intHead + entry("7", "class: -"),
			`t.yaml:7: entry 7: missing class`},
		{"missing severity", intHead + entry("7", "severity: -"),
			`t.yaml:7: entry 7: missing severity`},

		// Codes.
		{"missing code", intHead + entry("-", "name: X"),
			`t.yaml:7: entries[0]: missing code`},
		{"duplicate code", intHead + entry("7") + entry("7"),
			`t.yaml:8: entry 7: duplicate code (first at line 7)`},
		{"duplicate code in another spelling", intHead + entry("7") + entry("+7"),
			`t.yaml:8: entry +7: duplicate code (first at line 7)`},
		{"duplicate symbolic code, case-insensitive", strHead + entry("ERR_X") + entry("err_x"),
			`t.yaml:8: entry err_x: duplicate code (first at line 7)`},
		{"string code in int vendor", intHead + entry("ERR_X"),
			`t.yaml:7: entry ERR_X: code is a string, but vendor acme has code_type int`},
		{"quoted number in int vendor", intHead + entry(`"2601"`),
			`t.yaml:7: entry 2601: code is a string, but vendor acme has code_type int`},
		{"int code in string vendor", strHead + entry("42"),
			`t.yaml:7: entry 42: code is an integer, but vendor acme has code_type string`},
		{"symbolic code with a space", strHead + entry(`"ERR X"`),
			`t.yaml:7: entry "ERR X": code must match ^[A-Za-z][A-Za-z0-9_.-]*$ (at most 128 characters)`},
		{"symbolic code not starting with a letter", strHead + entry("_ERR"),
			`t.yaml:7: entry _ERR: code must match ^[A-Za-z][A-Za-z0-9_.-]*$ (at most 128 characters)`},
		{"symbolic code too long", strHead + entry(strings.Repeat("E", 129)),
			`t.yaml:7: entry "` + strings.Repeat("E", 40) + `"...: code must match ^[A-Za-z][A-Za-z0-9_.-]*$ (at most 128 characters)`},
		{"hex code", intHead + entry("0x10"),
			`t.yaml:7: entry 0x10: code must be a decimal integer within int64`},
		{"float code", intHead + entry("1.5"),
			`t.yaml:7: entries[0]: code must be an integer or a string, got a number 1.5`},
		{"bool code", intHead + entry("true"),
			`t.yaml:7: entries[0]: code must be an integer or a string, got a boolean true`},
		{"null code", intHead + entry("~"),
			`t.yaml:7: entries[0]: code must be an integer or a string, got null`},

		// Names and HTTP statuses.
		{"missing name", intHead + entry("7", "name: -"),
			`t.yaml:7: entry 7: missing name`},
		{"empty name", intHead + entry("7", `name: "  "`),
			`t.yaml:7: entry 7: empty name`},
		{"name not a string", intHead + entry("7", "name: [a]"),
			`t.yaml:7: entry 7: name must be a string, got a list`},
		{"http_status too low", intHead + entry("7", "http_status: 99"),
			`t.yaml:7: entry 7: http_status 99 outside 100..599`},
		{"http_status too high", intHead + entry("7", "http_status: 600"),
			`t.yaml:7: entry 7: http_status 600 outside 100..599`},
		{"http_status not a number", intHead + entry("7", "http_status: 4xx"),
			`t.yaml:7: entry 7: http_status must be an integer, got a string "4xx"`},
		{"retryable not a boolean", intHead + entry("7", "retryable: yes"),
			`t.yaml:7: entry 7: retryable must be true or false, got a string "yes"`},
		{"retryable tagged boolean but not one", intHead + entry("7", `retryable: !!bool "maybe\n"`),
			`t.yaml:7: entry 7: retryable must be true or false, got a boolean "maybe\n"`},
		{"value with a custom tag", intHead + entry("7", "http_status: !status 404"),
			`t.yaml:7: entry 7: http_status must be an integer, got a value tagged !status`},

		// The taxonomy's rules between fields.
		{"success requires OK", intHead + entry("200", "category: success", "class: INVALID_ARGUMENT", "severity: info"),
			`t.yaml:7: entry 200: category success requires class OK, got INVALID_ARGUMENT`},
		{"OK requires success", intHead + entry("200", "class: OK"),
			`t.yaml:7: entry 200: class OK is only for category success, got validation`},
		{"success requires info", intHead + entry("200", "category: success", "class: OK", "severity: warning"),
			`t.yaml:7: entry 200: category success requires severity info, got warning`},
		{"success is not retryable", intHead + entry("200", "category: success", "class: OK", "severity: info", "retryable: true"),
			`t.yaml:7: entry 200: category success cannot be retryable`},
		{"server requires error", intHead + entry("2905", "category: server", "class: INTERNAL", "severity: warning"),
			`t.yaml:7: entry 2905: category server requires severity error or critical, got warning`},
		{"unavailable requires error", intHead + entry("503", "category: unavailable", "class: UNAVAILABLE", "severity: info"),
			`t.yaml:7: entry 503: category unavailable requires severity error or critical, got info`},

		// Hostile and malformed files.
		{"anchor and alias", "format: errorcatalog/v1\nvendor: &v\n  id: acme\n  name: Acme\n  code_type: int\nentries:\n" + entry("7") + "extra: *v\n",
			"t.yaml:2: YAML anchor &v is not allowed in a catalog file\nt.yaml:8: YAML alias *v is not allowed in a catalog file"},
		{"merge key", intHead + "  - &e {code: 7, name: X, category: validation, class: INVALID_ARGUMENT, severity: warning}\n  - {<<: *e, code: 8}\n",
			"t.yaml:7: YAML anchor &e is not allowed in a catalog file\nt.yaml:8: YAML alias *e is not allowed in a catalog file"},
		{"deep nesting", intHead + entry("7") + "extra: " + strings.Repeat("[", 20) + strings.Repeat("]", 20) + "\n",
			`t.yaml:8: nesting deeper than 8 levels`},
		{"two documents", intHead + entry("7") + "---\nformat: errorcatalog/v1\n",
			`t.yaml:8: more than one YAML document (want one catalog per file)`},
		{"empty file", "",
			`t.yaml: empty file (want format: errorcatalog/v1, vendor or overrides, and entries)`},
		{"comments only", "# nothing here\n",
			`t.yaml: empty file (want format: errorcatalog/v1, vendor or overrides, and entries)`},
		{"not a mapping", "- format\n",
			`t.yaml:1: want a mapping with format, vendor or overrides, and entries; got a list`},
		{"invalid YAML", intHead + entry("7") + "extra: a: b\n",
			`t.yaml:8: invalid YAML: mapping values are not allowed in this context`},

		// Every problem is reported, in line order.
		{"several problems", intHead + entry("1", "category: auth") + entry("1", "severity: fatal") + entry("ERR"),
			`t.yaml:7: entry 1: unknown category "auth" (want one of ` + categories + ")\n" +
				"t.yaml:8: entry 1: duplicate code (first at line 7)\n" +
				"t.yaml:8: entry 1: unknown severity \"fatal\" (want one of info, warning, error, critical)\n" +
				"t.yaml:9: entry ERR: code is a string, but vendor acme has code_type int"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if seen[tt.name] {
			t.Fatalf("case %q repeated", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("t.yaml", []byte(tt.doc))
			if err == nil {
				t.Fatalf("no error; parsed %+v", f)
			}
			if f != nil {
				t.Errorf("file returned with an error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s\ndocument:\n%s", got, tt.want, tt.doc)
			}
			var pe *Error
			if !errors.As(err, &pe) || pe.File != "t.yaml" {
				t.Errorf("error %v is not a *catalog.Error for t.yaml", err)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	doc := intHead + entry("7") + "# " + strings.Repeat("x", MaxFileSize) + "\n"
	_, err := Parse("big.yaml", []byte(doc))
	if !errors.Is(err, ErrFileTooLarge) {
		t.Fatalf("err = %v, want ErrFileTooLarge", err)
	}
	if want := "big.yaml: file too large: more than 4194304 bytes (4 MiB)"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

// TestParseTooComplex checks that a file of many tiny YAML items, which would
// cost hundreds of megabytes to parse, is refused before parsing.
func TestParseTooComplex(t *testing.T) {
	doc := intHead + entry("7") + "x: [" + strings.Repeat("a,", maxTokens) + "]\n"
	if len(doc) > MaxFileSize {
		t.Fatalf("document of %d bytes would be refused for its size", len(doc))
	}
	_, err := Parse("t.yaml", []byte(doc))
	want := fmt.Sprintf("t.yaml: file too complex: %d YAML structure characters, more than the limit of 400000 (an entry takes about 20)", 400_027)
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	// The built-in catalogs are far below the bound: a file of their shape
	// at the size limit would pass.
	for _, name := range []string{"speakap", "zingle", "cometchat", "netease_im", "fonedynamics"} {
		data, err := builtinFS.ReadFile("builtin/" + name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		if perByte := float64(structuralTokens(data)) / float64(len(data)); perByte*MaxFileSize > maxTokens*0.9 {
			t.Errorf("%s: %.3f tokens per byte; a 4 MiB file of this shape would come close to the bound", name, perByte)
		}
	}
}

func TestParseBoundsProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString(intHead)
	for i := range 150 {
		b.WriteString(entry(fmt.Sprint(i), "category: auth"))
	}
	_, err := Parse("t.yaml", []byte(b.String()))
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxProblems+1 {
		t.Fatalf("%d lines, want %d", len(lines), maxProblems+1)
	}
	if got, want := lines[maxProblems], "t.yaml: 50 more problems not shown"; got != want {
		t.Errorf("last line %q, want %q", got, want)
	}
}

// TestParseAliasBomb checks that the classic alias expansion bomb is refused
// without being expanded: it parses in bounded time and memory.
func TestParseAliasBomb(t *testing.T) {
	doc := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	for i := 'b'; i <= 'j'; i++ {
		prev := string(i - 1)
		doc += fmt.Sprintf("%c: &%c [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", i, i, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	_, err := Parse("bomb.yaml", []byte(doc))
	if err == nil || !strings.Contains(err.Error(), "bomb.yaml:1: YAML anchor &a is not allowed in a catalog file") {
		t.Fatalf("err = %v", err)
	}
	if n := strings.Count(err.Error(), "\n") + 1; n > maxProblems+1 {
		t.Errorf("%d problems reported, want at most %d", n, maxProblems+1)
	}
}
