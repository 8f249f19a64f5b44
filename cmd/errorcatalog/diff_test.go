package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

const diffdata = "testdata/diff/"

// TestDiffGolden compares files whose differences cover every kind: vendor
// fields, HTTP statuses and entries added, removed and changed, symbolic
// codes matched case-insensitively, host and alias sets, override files.
func TestDiffGolden(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		exit     int
	}{
		{"acme", "acme_old.yaml", "acme_new.yaml", 1},
		{"chatco", "chatco_old.yaml", "chatco_new.yaml", 1},
		{"override", "zingle_override.yaml", "zingle_override_v2.yaml", 1},
		{"same", "acme_new.yaml", "acme_new.yaml", 0},
	}
	for _, tt := range tests {
		for _, format := range []string{"text", "json"} {
			t.Run(tt.name+"/"+format, func(t *testing.T) {
				code, out, errOut := runCLI(t, "diff", "--format", format, diffdata+tt.old, diffdata+tt.new)
				if code != tt.exit || errOut != "" {
					t.Fatalf("exit %d, want %d; stderr %q", code, tt.exit, errOut)
				}
				ext := map[string]string{"text": ".txt", "json": ".json"}[format]
				golden(t, diffdata+tt.name+".diff"+ext, out)
			})
		}
	}
}

// TestDiffJSONShape checks the documented structure: every list present,
// never null, even when nothing differs.
func TestDiffJSONShape(t *testing.T) {
	code, out, _ := runCLI(t, "diff", "--format", "json", diffdata+"acme_new.yaml", diffdata+"acme_new.yaml")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	want := `{"entries":{"added":[],"changed":[],"removed":[]},"equal":true,"http_statuses":{"added":[],"changed":[],"removed":[]},` +
		`"new":"testdata/diff/acme_new.yaml","old":"testdata/diff/acme_new.yaml","vendor":{"changes":[],"id":"acme"}}`
	if got, _ := json.Marshal(d); string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestDiffBuiltin compares files with the built-in catalog of their vendor.
// The expected old values come from the built-in catalog itself.
func TestDiffBuiltin(t *testing.T) {
	c, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ix := catalog.NewIndex(c)
	zingle, _ := ix.VendorByName("zingle")
	e2601, ok := ix.Lookup(zingle, catalog.IntCode(2601))
	if !ok {
		t.Fatal("built-in zingle lacks 2601")
	}

	// An override file: what it changes and adds, nothing removed.
	code, out, errOut := runCLI(t, "diff", diffdata+"zingle_override.yaml")
	if code != 1 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	wantHead := "--- builtin/zingle.yaml\n+++ " + diffdata + "zingle_override.yaml (applied to builtin/zingle.yaml)\nchanged entry 2601:\n" +
		"  name: " + strconv.Quote(e2601.Name) + " → \"Service Account Rejected\"\n"
	if !strings.HasPrefix(out, wantHead) {
		t.Errorf("output:\n%s\nwant it to start with:\n%s", out, wantHead)
	}
	for _, want := range []string{
		"  severity: " + e2601.Severity.String() + " → critical\n",
		"added entry 9999:\n  name: \"Undocumented Failure\"\n  category: server\n  class: UNKNOWN\n  severity: error\n  retryable: true\n",
		"\nentries: 1 added, 1 changed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "removed") || strings.Contains(out, "vendor") {
		t.Errorf("an override removes nothing and changes no vendor field:\n%s", out)
	}

	// JSON: the same, structured.
	code, out, _ = runCLI(t, "diff", "--format", "json", diffdata+"zingle_override.yaml")
	var d catalogDiff
	if err := json.Unmarshal([]byte(out), &d); err != nil || code != 1 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if d.Vendor.ID != "zingle" || len(d.Entries.Added) != 1 || d.Entries.Added[0].Code != "9999" ||
		len(d.Entries.Changed) != 1 || d.Entries.Changed[0].Code != "2601" || len(d.Entries.Removed) != 0 {
		t.Errorf("diff %+v", d)
	}

	// A built-in vendor's own file is the built-in catalog.
	for _, id := range []string{"speakap", "zingle", "cometchat", "netease_im", "fonedynamics"} {
		path := "../../catalog/builtin/" + id + ".yaml"
		code, out, errOut := runCLI(t, "diff", path)
		if want := "--- builtin/" + id + ".yaml\n+++ " + path + "\nno differences\n"; code != 0 || out != want {
			t.Errorf("%s: exit %d, stderr %q, output:\n%s", id, code, errOut, out)
		}
	}

	// A vendor file of a built-in vendor: its changes to it.
	data, err := os.ReadFile("../../catalog/builtin/speakap.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "  name: Speakap\n", "  name: Speakap API\n", 1)
	path := writeTemp(t, "speakap.yaml", edited)
	code, out, _ = runCLI(t, "diff", path)
	if want := "--- builtin/speakap.yaml\n+++ " + path + "\nchanged vendor speakap:\n  name: \"Speakap\" → \"Speakap API\"\nvendor: 1 field changed\n"; code != 1 || out != want {
		t.Errorf("exit %d, output:\n%s\nwant:\n%s", code, out, want)
	}
}

func TestDiffErrors(t *testing.T) {
	broken := diffdata + "broken.yaml"
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	_, brokenErr := catalog.LoadFile(broken)
	if brokenErr == nil {
		t.Fatal("broken.yaml loads")
	}
	nobody := writeTemp(t, "o.yaml", "format: errorcatalog/v1\noverrides: acme\nentries:\n  - {code: 1, name: X, category: validation, class: INVALID_ARGUMENT, severity: warning}\n")
	tests := []struct {
		args []string
		want string // stderr
	}{
		{[]string{"diff", broken, diffdata + "acme_new.yaml"}, brokenErr.Error() + "\n"},
		{[]string{"diff", diffdata + "acme_new.yaml", broken}, brokenErr.Error() + "\n"},
		{[]string{"diff", broken}, brokenErr.Error() + "\n"},
		{[]string{"diff", missing, diffdata + "acme_new.yaml"}, missing + ": cannot read catalog: no such file or directory\n"},
		{[]string{"diff", diffdata + "acme_new.yaml"}, "errorcatalog: " + diffdata + "acme_new.yaml defines vendor acme, which is not a built-in vendor " +
			"(built-in: speakap, zingle, cometchat, netease_im, fonedynamics); compare it with another file: errorcatalog diff OLD " + diffdata + "acme_new.yaml\n"},
		{[]string{"diff", nobody}, "errorcatalog: " + nobody + " overrides acme, which is not a built-in vendor " +
			"(built-in: speakap, zingle, cometchat, netease_im, fonedynamics); compare it with another file: errorcatalog diff OLD " + nobody + "\n"},
		{[]string{"diff"}, "errorcatalog: accepts between 1 and 2 arg(s), received 0\n"},
		{[]string{"diff", "a", "b", "c"}, "errorcatalog: accepts between 1 and 2 arg(s), received 3\n"},
		{[]string{"diff", "--bogus", "a"}, "errorcatalog: unknown flag: --bogus\n"},
		{[]string{"diff", "--format", "yaml", "a"}, "errorcatalog: unknown diff format \"yaml\" (want text or json)\n"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.args...)
		if code != 2 || out != "" || errOut != tt.want {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s\nwant exit 2, stderr:\n%s", tt.args, code, out, errOut, tt.want)
		}
	}
}

// TestDiffOverrideAgainstVendorFile compares an override file with a vendor
// file: the entries, and the override target against none.
func TestDiffOverrideAgainstVendorFile(t *testing.T) {
	code, out, _ := runCLI(t, "diff", "../../catalog/builtin/zingle.yaml", diffdata+"zingle_override.yaml")
	if code != 1 || !strings.Contains(out, "changed vendor Zingle:\n  overrides: none → \"Zingle\"\n") || !strings.Contains(out, "added entry 9999:\n") {
		t.Errorf("exit %d, output:\n%.600s", code, out)
	}
}

// TestExitCodes keeps every other command's exit status: 0 or 1.
func TestExitCodes(t *testing.T) {
	for _, args := range [][]string{{"lint", diffdata + "broken.yaml"}, {"lookup", "424242"}, {"nope"}, {"import"}} {
		if code, _, _ := runCLI(t, args...); code != 1 {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
	}
	if code, _, _ := runCLI(t, "lint", diffdata+"acme_new.yaml"); code != 0 {
		t.Errorf("lint: exit %d, want 0", code)
	}
}
