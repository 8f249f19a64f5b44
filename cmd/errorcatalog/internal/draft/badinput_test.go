package draft

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// TestBadDocuments: each bad document gets a clear error or warning, and
// nothing draft returns fails catalog.Parse.
func TestBadDocuments(t *testing.T) {
	many := func(n int, line string) string {
		var b strings.Builder
		b.WriteString("Code Description\n")
		for i := range n {
			fmt.Fprintf(&b, line, i)
		}
		return b.String()
	}
	tests := []struct {
		name, file, doc string
		err             error  // errors.Is
		errText         string // else a substring of the error
		warn            string // a substring of a warning, when it drafts
		codes           int
	}{
		{name: "empty", file: "x.txt", doc: "", err: ErrEmpty},
		{name: "only spaces", file: "x.txt", doc: " \n\t\n", err: ErrEmpty},
		{name: "binary", file: "x.txt", doc: "\x7fELF\x00\x01\x02ERR_X", err: ErrBinary},
		{name: "not UTF-8", file: "x.txt", doc: "Code Description\nERR_X caf\xe9\n", err: ErrEncoding},
		{name: "UTF-16 with a BOM", file: "x.txt", doc: "\xff\xfeC\x00o\x00d\x00e\x00", errText: "it is UTF-16"},
		{name: "UTF-16 without a BOM", file: "x.csv", doc: "c\x00o\x00d\x00e\x00,\x00n\x00\n\x001\x00", errText: "it is UTF-16"},
		{name: "50 MiB", file: "x.txt", doc: strings.Repeat("ERR_X text\n", 50<<20/11+1), err: ErrTooLarge},
		{name: "a page with no codes", file: "x.txt", doc: "Welcome\n\nOur API is great. Call us at 555 1234.\nSee RFC 9110 and HTTP 404.\n", errText: "no error codes found"},
		{name: "HTML that is only scripts", file: "x.html", doc: "<html><script>ERR_A 1\nERR_B 2\nERR_C 3</script><style>E_X{}</style><p>Hello</p></html>", errText: "no error codes found"},
		{name: "CSV with a broken quote", file: "x.csv", doc: "code,description\n1,\"open\n2,b\"c\n", errText: "line"},
		{name: "CSV with a header only", file: "x.csv", doc: "\ufeffcode,description\n", errText: "no error codes found"},
		{name: "CSV with ragged rows and a BOM", file: "x.csv", doc: "\ufeffcode,description,extra\n1,one\n2,two,x,y,z\n3\n", codes: 3},
		{name: "duplicate codes", file: "x.txt", doc: "Error Code Description\nERR_A First.\nERR_B Second.\nERR_A Again.\n", warn: "code ERR_A is documented again (first on line 2)", codes: 2},
		{name: "an integer code written twice, once with a leading zero", file: "x.csv", doc: "code,description\n1002,Gone\n01002,Again\n", warn: "code 01002 is documented again (first on line 2)", codes: 1},
		{name: "mixed code types", file: "x.txt", doc: "Error Code Description\nERR_A First.\nERR_B Second.\n\nError Code Description\n404 Third.\n", warn: "these 1 others were left out: 404 (line 6)", codes: 2},
		{name: "too many codes", file: "x.txt", doc: many(maxCodes+1, "ERR_%d_X text\n"), errText: "a drafted catalog holds at most"},
		{name: "a row of a million cells", file: "x.csv", doc: "code,description\nERR_A," + strings.Repeat(",", 1<<20) + "\n" + strings.Repeat("ERR_B,x\n", 2000), codes: 2, warn: "code ERR_B is documented again"},
		{name: "a Markdown row of a million cells", file: "x.md", doc: "| Code | Description |\n|---|---|\n| ERR_A | a " + strings.Repeat("|", 1<<20) + "\n| ERR_B | b |\n", codes: 2},
		{name: "a Markdown line of many code spans", file: "x.md", doc: "| Code | Description |\n|---|---|\n| ERR_A | " + strings.Repeat("`a` ", 1<<18) + "|\n", codes: 1, warn: "cut at 4096 bytes"},
		{name: "a Markdown line of many angle brackets", file: "x.md", doc: "| Code | Description |\n|---|---|\n| ERR_A | " + strings.Repeat("<", 1<<20) + " |\n", codes: 1, warn: "cut at 4096 bytes"},
		{name: "a huge line", file: "x.txt", doc: "Error Code Description\nERR_A " + strings.Repeat("word ", 1<<20) + "\n", codes: 1, warn: "line 2: the description of ERR_A is cut at 4096 bytes"},
		{name: "codes longer than the catalog takes", file: "x.txt", doc: "Error Code Description\n" + "ERR_" + strings.Repeat("X", 200) + " text\nERR_B ok\n", codes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Draft(tt.file, []byte(tt.doc), Options{Vendor: "acme"})
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				return
			case tt.errText != "":
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("error %v, want one containing %q", err, tt.errText)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if len(res.File.Entries) != tt.codes {
				t.Errorf("%d codes, want %d", len(res.File.Entries), tt.codes)
			}
			if tt.warn != "" && !strings.Contains(strings.Join(res.Warnings, "\n"), tt.warn) {
				t.Errorf("warnings %q, want one containing %q", res.Warnings, tt.warn)
			}
			if _, err := catalog.Parse("drafted", res.YAML); err != nil {
				t.Errorf("drafted catalog fails: %v", err)
			}
		})
	}
}

func TestRules(t *testing.T) {
	r, err := LoadRules()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code, name, text string
		status           int
		want             string // category/class
		rule             string // "" for review
	}{
		{"E1", "", "The widget does not exist.", 0, "not_found/NOT_FOUND", "not-found"},
		{"RATE_LIMITED", "", "", 0, "rate_limit/RESOURCE_EXHAUSTED", "rate-limit"},
		{"7", "", "Successful operation", 0, "success/OK", "success"},
		{"8", "", "The operation failed", 0, "server/INTERNAL", "vendor-fault"},
		{"9", "", "Zorp blarg.", 0, "server/UNKNOWN", ""},
		{"10", "", "Zorp blarg.", 404, "not_found/NOT_FOUND", "http-404"},
		{"11", "", "The call timed out and the rate limit was hit", 0, "server/UNKNOWN", ""}, // rate-limit and timeout disagree
	}
	for _, tt := range tests {
		s := r.Classify(tt.code, tt.name, tt.text, tt.status)
		if got := s.Category + "/" + s.Class; got != tt.want || s.Rule != tt.rule || (s.Rule == "") != (s.Review != "") {
			t.Errorf("Classify(%q, %q, %d) = %s by %q (review %q), want %s by %q", tt.code, tt.text, tt.status, got, s.Rule, s.Review, tt.want, tt.rule)
		}
	}
}

// TestRulesTaxonomy: whatever the rules say, a suggestion keeps the
// taxonomy's rules.
func TestRulesTaxonomy(t *testing.T) {
	r, err := LoadRules()
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"successful", "internal server error", "server is busy", "fatal", "", "not found", "too many requests"} {
		s := r.Classify("X", "", text, 0)
		e := catalog.Entry{}
		var errs []string
		if c, err := catalog.ParseCategory(s.Category); err != nil {
			errs = append(errs, err.Error())
		} else {
			e.Category = c
		}
		switch {
		case s.Category == "success" && (s.Class != "OK" || s.Severity != "info" || s.Retryable):
			errs = append(errs, "success must be OK, info, not retryable")
		case (s.Category == "server" || s.Category == "unavailable") && s.Severity != "error" && s.Severity != "critical":
			errs = append(errs, "vendor faults are at least error")
		}
		if len(errs) > 0 {
			t.Errorf("%q: %+v: %v", text, s, errs)
		}
	}
}

func TestRuleFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := dir + "/" + name
		if err := writeFile(p, body); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ext := write("ext.yaml", "rules:\n  - id: not-found\n    weight: 50\n    phrases: [vanished]\n    category: not_found\n    class: NOT_FOUND\n  - id: widgets\n    weight: 99\n    phrases: [widget]\n    category: quota\n    class: RESOURCE_EXHAUSTED\n")
	r, err := LoadRules(ext)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Classify("X", "", "The widget vanished", 0); s.Rule != "widgets" {
		t.Errorf("added rule did not decide: %+v", s)
	}
	if s := r.Classify("X", "", "The thing does not exist", 0); s.Rule == "not-found" {
		t.Errorf("replaced rule still matches its old phrases: %+v", s)
	}
	for name, body := range map[string]string{
		"unknown field":  "rules:\n  - id: a\n    phrase: [x]\n",
		"bad class":      "rules:\n  - id: a\n    phrases: [x]\n    category: validation\n    class: NOPE\n",
		"unknown cat":    "rules:\n  - id: a\n    phrases: [x]\n    category: unknown\n    class: UNKNOWN\n",
		"no id":          "rules:\n  - phrases: [x]\n    category: validation\n    class: INVALID_ARGUMENT\n",
		"nothing to hit": "rules:\n  - id: a\n    category: validation\n    class: INVALID_ARGUMENT\n",
		"bad pattern":    "rules:\n  - id: a\n    patterns: ['(']\n    category: validation\n    class: INVALID_ARGUMENT\n",
		"bad review":     "review: {category: validation, class: INVALID_ARGUMENT}\nrules: []\n",
	} {
		p := write(strings.ReplaceAll(name, " ", "_")+".yaml", body)
		if _, err := LoadRules(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want one naming %s", name, err, p)
		}
	}
}

func TestDefaultRulesSpeakOfTheText(t *testing.T) {
	// The classifier must not know vendors or their codes.
	b, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	lower := bytes.ToLower(defaultRules)
	for _, vc := range b.Vendors {
		for _, w := range append([]string{vc.Vendor.ID, vc.Vendor.Name}, vc.Vendor.Aliases...) {
			if bytes.Contains(lower, []byte(strings.ToLower(w))) {
				t.Errorf("rules.yaml names vendor %q", w)
			}
		}
		for _, e := range vc.Entries {
			if !isInt(e.Code) && strings.Contains(e.Code, "_") && bytes.Contains(lower, []byte(strings.ToLower(e.Code))) {
				t.Errorf("rules.yaml names code %s", e.Code)
			}
		}
	}
}

func writeFile(p, body string) error { return os.WriteFile(p, []byte(body), 0o600) }

// TestPhraseIndex holds the one-pass phrase search to the search it
// replaces: strings.Contains of every phrase.
func TestPhraseIndex(t *testing.T) {
	r, err := LoadRules()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"", "x", "too many requests", "the rate limited call was throttled", "not found", "ERR_UID_NOT_FOUND"}
	b, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Entries() {
		texts = append(texts, e.Code+" "+e.Name+" "+e.Description)
	}
	for _, text := range texts {
		tw := textWords(codeWordsPlain(text))
		got := r.phrases.find(tw, len(r.compiled))
		for i, c := range r.compiled {
			var want uint8
			for list, ps := range map[uint8][]string{inPhrases: c.phrases, inWith: c.with, inWithout: c.without} {
				for _, p := range ps {
					if strings.TrimSpace(p) != "" && strings.Contains(tw, p) {
						want |= list
					}
				}
			}
			if got[i] != want {
				t.Errorf("%q: rule %s: found %03b, strings.Contains finds %03b", text, c.ID, got[i], want)
			}
		}
	}
}
