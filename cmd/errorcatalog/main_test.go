package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// runCLI runs the command in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

const testdata = "../../catalog/testdata/"

func TestExportJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "export", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 460 {
		t.Errorf("%d entries, want 460", len(entries))
	}
	perVendor := map[string]int{}
	for _, e := range entries {
		perVendor[e["vendor"].(string)]++
		if _, ok := e["code"].(string); !ok {
			t.Fatalf("code %v is not a string", e["code"])
		}
	}
	want := map[string]int{"speakap": 40, "zingle": 201, "cometchat": 116, "netease_im": 50, "fonedynamics": 53}
	for v, n := range want {
		if perVendor[v] != n {
			t.Errorf("%s: %d entries, want %d", v, perVendor[v], n)
		}
	}
}

func TestExportSelectsVendorsAndFiles(t *testing.T) {
	code, out, errOut := runCLI(t, "export", "--format", "csv", "--vendor", "Yunxin", "--vendor", "acmecorp",
		"--catalog", testdata+"acme.yaml", "--catalog", testdata+"speakap_override.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1+50+3 {
		t.Errorf("%d lines, want header + 53", len(lines))
	}
	if !strings.HasPrefix(lines[1], "netease_im,200,") || !strings.HasPrefix(lines[len(lines)-1], "acme,7001,") {
		t.Errorf("unexpected rows: %s ... %s", lines[1], lines[len(lines)-1])
	}
	code, _, errOut = runCLI(t, "export", "--vendor", "nope")
	if code != 1 || !strings.Contains(errOut, `unknown vendor "nope" (known: speakap, zingle, cometchat, netease_im, fonedynamics)`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "export", "--format", "yaml")
	if code != 1 || !strings.Contains(errOut, `unknown export format "yaml"`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestExportMarkdownIsCatalogMD(t *testing.T) {
	code, out, errOut := runCLI(t, "export", "--format", "markdown")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	committed, err := os.ReadFile("../../catalog/CATALOG.md")
	if err != nil {
		t.Fatal(err)
	}
	if out != string(committed) {
		t.Errorf("export --format markdown differs from catalog/CATALOG.md; regenerate with: %s", catalog.MarkdownCommand)
	}
}

func TestLookup403(t *testing.T) {
	code, out, errOut := runCLI(t, "lookup", "403")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Every vendor whose catalog has 403 is reported; NetEase is one of them.
	c, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	all := catalog.NewIndex(c).All(catalog.IntCode(403))
	if len(all) == 0 {
		t.Fatal("no built-in vendor has 403")
	}
	for _, e := range all {
		if !strings.Contains(out, "vendor:      "+e.Vendor.ID+" (") {
			t.Errorf("output lacks vendor %s:\n%s", e.Vendor.ID, out)
		}
	}
	for _, want := range []string{"vendor:      netease_im (NetEase Yunxin IM)\n", "code:        403\n", "category:    authorization\n", "class:       PERMISSION_DENIED\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestLookupAmbiguous(t *testing.T) {
	code, out, errOut := runCLI(t, "lookup", "--catalog", testdata+"acme.yaml", "403")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "code 403 is documented by 2 vendors") ||
		!strings.Contains(out, "vendor:      netease_im (") || !strings.Contains(out, "vendor:      acme (") {
		t.Errorf("output:\n%s", out)
	}
	// With a vendor, only that vendor's entry.
	code, out, _ = runCLI(t, "lookup", "--catalog", testdata+"acme.yaml", "--vendor", "Acme Corp", "403")
	if code != 0 || strings.Contains(out, "netease_im") || !strings.Contains(out, "name:        Forbidden\n") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

func TestLookupForms(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"lookup", "-3"}, "name:        Insufficient Scope\n"},
		{[]string{"lookup", "--vendor", "speakap", "-3"}, "http_status: 403\n"},
		{[]string{"lookup", "-3", "--vendor", "speakap"}, "http_status: 403\n"},
		{[]string{"lookup", "--", "-3"}, "code:        -3\n"},
		{[]string{"lookup", "err_too_many_requests"}, "category:    rate_limit\n"},
		{[]string{"lookup", " 2905 "}, "vendor:      zingle (Zingle)\n"},
		{[]string{"lookup", "--catalog", testdata + "speakap_override.yaml", "-3"}, "name:        Scope Missing\n"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.args...)
		if code != 0 || !strings.Contains(out, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, output:\n%s", tt.args, code, errOut, out)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"lookup", "424242"}, `errorcatalog: code "424242" is in no vendor's catalog` + "\n"},
		{[]string{"lookup", "--vendor", "cometchat", "ERR_NOPE"}, `errorcatalog: code "ERR_NOPE" is not in the cometchat catalog` + "\n"},
		{[]string{"lookup", "--vendor", "nope", "403"}, `errorcatalog: unknown vendor "nope" (known: speakap, zingle, cometchat, netease_im, fonedynamics)` + "\n"},
		{[]string{"lookup", " "}, `errorcatalog: " " is not a code` + "\n"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.args...)
		if code != 1 || errOut != tt.want || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1, stderr %q", tt.args, code, out, errOut, tt.want)
		}
	}
}

func TestLintBroken(t *testing.T) {
	path := testdata + "broken.yaml"
	code, out, errOut := runCLI(t, "lint", testdata+"acme.yaml", path)
	if code == 0 {
		t.Fatalf("lint of a broken file exited 0: %s", out)
	}
	// The messages are exactly those the processor gets from catalog.Load.
	_, err := catalog.Load(true, []string{testdata + "acme.yaml", path})
	if err == nil {
		t.Fatal("catalog.Load accepted the broken file")
	}
	if errOut != err.Error()+"\n" {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut, err)
	}
	if !strings.Contains(errOut, path+":9: entry 1: unknown category \"auth\"") || !strings.Contains(errOut, path+":12: entry ERR_TWO:") {
		t.Errorf("stderr does not name file:line and entry:\n%s", errOut)
	}
}

func TestLintOK(t *testing.T) {
	code, out, errOut := runCLI(t, "lint", testdata+"acme.yaml", testdata+"chatco.yaml", testdata+"speakap_override.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := testdata + "acme.yaml: ok: 3 entries (vendor acme)\n" +
		testdata + "chatco.yaml: ok: 2 entries (vendor chatco)\n" +
		testdata + "speakap_override.yaml: ok: 2 entries (overrides Speakap)\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

func TestLintCrossFileProblems(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "o.yaml")
	doc := "format: errorcatalog/v1\noverrides: acme\nentries:\n  - {code: 1, name: X, category: validation, class: INVALID_ARGUMENT, severity: warning}\n"
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	// Alone, the override names a vendor nobody defines.
	code, _, errOut := runCLI(t, "lint", p)
	if want := p + `:2: overrides "acme": no such vendor (want a vendor id or alias: speakap, zingle, cometchat, netease_im, fonedynamics)` + "\n"; code != 1 || errOut != want {
		t.Errorf("exit %d, stderr %q, want %q", code, errOut, want)
	}
	// With the file defining acme, it is fine.
	if code, _, errOut := runCLI(t, "lint", p, testdata+"acme.yaml"); code != 0 {
		t.Errorf("exit %d: %s", code, errOut)
	}
	// A missing file is named.
	code, _, errOut = runCLI(t, "lint", filepath.Join(dir, "missing.yaml"))
	if code != 1 || !strings.Contains(errOut, filepath.Join(dir, "missing.yaml")+": cannot read catalog: no such file or directory") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"lint"}, {"lookup"}, {"lookup", "1", "2"}, {"nope"}, {"export", "--bogus"}} {
		if code, _, errOut := runCLI(t, args...); code != 1 || !strings.HasPrefix(errOut, "errorcatalog: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestNegativeCodesLast(t *testing.T) {
	tests := []struct{ in, want string }{
		{"lookup -3", "lookup -- -3"},
		{"lookup -3 --vendor speakap", "lookup --vendor speakap -- -3"},
		{"lookup --vendor speakap -- -3", "lookup --vendor speakap -- -3"},
		{"lookup 403", "lookup 403"},
		{"export -3", "export -3"},
	}
	for _, tt := range tests {
		if got := strings.Join(negativeCodesLast(strings.Fields(tt.in)), " "); got != tt.want {
			t.Errorf("negativeCodesLast(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
