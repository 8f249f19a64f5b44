package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// TestDraftThenLint walks the README's steps: draft a document, lint the
// file, diff it against itself, and load it with the built-in catalogs.
func TestDraftThenLint(t *testing.T) {
	out := filepath.Join(t.TempDir(), "acme.yaml")
	code, stdout, stderr := runCLI(t, "draft", "--vendor", "acme", "--name", "Acme", "--hosts", "*.acme.example",
		"--source", "https://acme.example/docs/errors", "-o", out, "internal/draft/testdata/docs/cloudflare_r2.md")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing with -o", stdout)
	}
	for _, want := range []string{"draft: 29 codes found (read as markdown), 0 marked for review", "draft: rule hits: ", "draft: wrote " + out} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "lint", out); code != 0 {
		t.Fatalf("lint of the drafted file: exit %d: %s", code, stderr)
	}
	f, err := catalog.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	v := f.Vendor
	if v.ID != "acme" || v.Name != "Acme" || len(v.Hosts) != 1 || v.Hosts[0] != "*.acme.example" || v.Source != "https://acme.example/docs/errors" {
		t.Errorf("vendor %+v: flags not applied", v)
	}
	if code, _, stderr := runCLI(t, "diff", out, out); code != 0 {
		t.Errorf("diff of a file with itself: exit %d: %s", code, stderr)
	}
}

// TestDraftBuiltinUpdate: a built-in vendor's document drafted under its own
// id, then compared with the built-in catalog, as when reviewing an update.
func TestDraftBuiltinUpdate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cometchat.yaml")
	if code, _, stderr := runCLI(t, "draft", "--vendor", "cometchat", "--builtin=false", "-o", out, "../../catalog/testdata/seeds/002_d7f654f51c4a9df1.txt"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "diff", out)
	if code != 1 || !strings.Contains(stdout, "ERR_SAME_SCOPE") {
		t.Errorf("diff against the built-in: exit %d, %s%s; want 1 and the entries whose drafts differ", code, stdout, stderr)
	}
	if strings.Contains(stdout, "added") && strings.Contains(stdout, "removed") {
		t.Errorf("the draft adds and removes codes the built-in catalog has: %s", stdout)
	}
}

func TestDraftStdoutAndStdin(t *testing.T) {
	doc := "Error Code Description\nWIDGET_NOT_FOUND The widget does not exist.\nWIDGET_LOCKED The widget is locked.\n"
	path := filepath.Join(t.TempDir(), "widgets.txt")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "draft", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"id: widgets", "  - code: WIDGET_NOT_FOUND", "# rule: not-found (document line 2)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("drafted catalog lacks %q:\n%s", want, stdout)
		}
	}
}

func TestDraftErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := filepath.Join(dir, "big.txt")
	if f, err := os.Create(big); err != nil {
		t.Fatal(err)
	} else {
		// A 50 MiB file, sparse: draft must refuse it without reading it all.
		if err := f.Truncate(50 << 20); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	doc := write("acme.txt", "Error Code Description\nE_ONE One.\nE_TWO Two.\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"empty", []string{write("empty.txt", "")}, "the document is empty"},
		{"binary", []string{write("bin.txt", "\x00\x01\x02")}, "is not text"},
		{"50 MiB", []string{big}, "larger than 8 MiB"},
		{"no codes", []string{write("prose.txt", "Hello.\nNothing here.\n")}, "no error codes found"},
		{"a directory", []string{dir}, "not a regular file"},
		{"missing", []string{filepath.Join(dir, "nope.txt")}, "no such file"},
		{"bad format flag", []string{"--format", "pdf", doc}, `--format: unknown format "pdf"`},
		{"built-in vendor id", []string{"--vendor", "cometchat", doc}, "choose another id with --vendor"},
		{"bad vendor id", []string{"--vendor", "Acme Corp", doc}, "does not pass lint"},
		{"bad rules", []string{"--rules", write("rules.yaml", "rules:\n  - id: x\n    phrases: [y]\n    category: nope\n    class: OK\n"), doc}, "rules.yaml: rules[0] (id \"x\")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"draft"}, tt.args...)...)
			if code != 1 || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing, and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestDraftPrintRules(t *testing.T) {
	code, stdout, stderr := runCLI(t, "draft", "--print-rules")
	if code != 0 || !strings.Contains(stdout, "rules:") || !strings.Contains(stdout, "id: not-found") {
		t.Fatalf("exit %d, stderr %s; want the rule file on stdout", code, stderr)
	}
	// The printed file is a valid rule file to start from.
	p := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(p, []byte(stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(t.TempDir(), "d.txt")
	if err := os.WriteFile(doc, []byte("Error Code Description\nE_ONE One is gone.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "draft", "--rules", p, doc); code != 0 {
		t.Errorf("draft with the printed rules: exit %d: %s", code, stderr)
	}
}
