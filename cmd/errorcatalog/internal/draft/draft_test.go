package draft

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// update regenerates the golden drafts: go test ./internal/draft -update.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/draft -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got); regenerate with -update only on purpose:\n%s", path, d)
	}
}

// document is a document draft is measured on, with its reference catalog.
type document struct {
	name, path string
	ref        []*catalog.Entry
	floor      float64 // the agreement a draft must reach: 85% for seeds, a regression guard for the others
}

// documents returns the seed documents, each with the built-in catalog made
// from it, and the extra documents under testdata/docs, each with its
// hand-made reference catalog.
func documents(t *testing.T) []document {
	t.Helper()
	b, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var out []document
	for _, s := range seeds {
		out = append(out, document{name: s.builtin, path: filepath.Join(seedDir, s.doc), ref: vendorEntries(b, s.builtin), floor: 85})
	}
	// testdata/docs: the documents the rules were written against besides
	// the seeds; testdata/holdout: documents measured once the rules were
	// written, then changed for at most general words (JWT is a credential).
	refs, _ := filepath.Glob(filepath.Join("testdata", "docs", "*.reference.yaml"))
	holdout, _ := filepath.Glob(filepath.Join("testdata", "holdout", "*.reference.yaml"))
	for i, r := range append(refs, holdout...) {
		floor := 70.0
		if i >= len(refs) {
			floor = 55
		}
		f, err := catalog.LoadFile(r)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(r, ".reference.yaml")
		docs, _ := filepath.Glob(base + ".*")
		for _, d := range docs {
			if d != r {
				out = append(out, document{name: f.Vendor.ID, path: d, ref: f.Entries, floor: floor})
			}
		}
	}
	return out
}

// TestDraftGolden drafts every document and compares the catalog and the
// summary with the committed ones: a reviewer reads testdata/golden to see
// what draft makes of each layout.
func TestDraftGolden(t *testing.T) {
	for _, d := range documents(t) {
		t.Run(d.name, func(t *testing.T) {
			data, err := os.ReadFile(d.path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Draft(filepath.Base(d.path), data, Options{Vendor: d.name + "_draft", Source: filepath.Base(d.path)})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, d.name+".yaml", res.YAML)
			golden(t, d.name+".summary", []byte(res.Summary()))
		})
	}
}

// TestAgreement measures the drafts against the reference catalogs: every
// code found, none invented, in document order; class and category agree on
// at least 85% of the entries of each seed document. The other documents
// (layouts the seeds lack) hold lower floors that guard against
// regressions. It prints the figures for each document; -v also
// lists every disagreement.
func TestAgreement(t *testing.T) {
	for _, d := range documents(t) {
		floor := d.floor
		t.Run(d.name, func(t *testing.T) {
			data, err := os.ReadFile(d.path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Draft(filepath.Base(d.path), data, Options{Vendor: d.name + "_draft"})
			if err != nil {
				t.Fatal(err)
			}
			a := compare(t, res, d.ref)
			classPct, catPct := pct(a.class, len(d.ref)), pct(a.category, len(d.ref))
			t.Logf("%-13s %3d/%3d codes, %d missing, %d invented, %d out of order; class %5.1f%%, category %5.1f%%; %d marked for review",
				d.name, a.codes, len(d.ref), a.missing, a.invented, a.order, classPct, catPct, res.Review)
			failed := a.missing+a.invented+a.order > 0 || classPct < floor || catPct < floor
			if testing.Verbose() || failed {
				for _, x := range a.disagree {
					t.Log("  ", x)
				}
			}
			if failed {
				t.Errorf("%s: want every code, none invented, in order, and class and category >= %.0f%%", d.name, floor)
			}
		})
	}
}

func TestDraftCheck(t *testing.T) {
	res, err := Draft("acme.md", []byte("| Code | Description |\n|---|---|\n| ACME_NOT_FOUND | The widget does not exist. |\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.File.Vendor.ID != "acme" || res.File.Vendor.Source != "acme.md" {
		t.Errorf("vendor %+v: want id and source from the file name", res.File.Vendor)
	}
	if _, err := catalog.Parse("drafted", res.YAML); err != nil {
		t.Errorf("drafted catalog does not parse: %v", err)
	}
	if !bytes.Contains(res.YAML, []byte("# rule: not-found (document line 3)")) {
		t.Errorf("the entry's comment does not name the rule:\n%s", res.YAML)
	}
}
