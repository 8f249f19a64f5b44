package catalog

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestExportJSON(t *testing.T) {
	c, err := Load(true, []string{"testdata/acme.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Export(&buf, c, ExportJSON); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 463 {
		t.Fatalf("%d objects, want 463", len(got))
	}
	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	all := []string{"category", "class", "code", "description", "http_status", "name", "retryable", "section", "severity", "vendor"}
	first := got[0] // speakap -1: http_status, no section
	if want := slices.DeleteFunc(slices.Clone(all), func(k string) bool { return k == "section" }); !slices.Equal(keys(first), want) {
		t.Errorf("keys %v, want %v", keys(first), want)
	}
	if first["vendor"] != "speakap" || first["code"] != "-1" || first["http_status"] != 400.0 || first["retryable"] != false {
		t.Errorf("first = %v", first)
	}
	last := got[len(got)-1] // acme 7001: section, no http_status
	if want := slices.DeleteFunc(slices.Clone(all), func(k string) bool { return k == "http_status" }); !slices.Equal(keys(last), want) {
		t.Errorf("keys %v, want %v", keys(last), want)
	}
	if last["code"] != "7001" || last["section"] != "Platform" || last["class"] != "UNAVAILABLE" || last["severity"] != "critical" || last["retryable"] != true {
		t.Errorf("last = %v", last)
	}
	// Key order follows the attribute table.
	if i, j := bytes.Index(buf.Bytes(), []byte(`"vendor"`)), bytes.Index(buf.Bytes(), []byte(`"code"`)); i < 0 || j < i {
		t.Error("vendor does not come before code")
	}
}

func TestExportCSV(t *testing.T) {
	c, err := Load(true, []string{"testdata/acme.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Export(&buf, c, ExportCSV); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 464 {
		t.Fatalf("%d records, want 464", len(recs))
	}
	if got := strings.Join(recs[0], ","); got != "vendor,code,name,category,class,severity,retryable,http_status,description,section" {
		t.Errorf("header %s", got)
	}
	if got := strings.Join(recs[len(recs)-1], "|"); got != "acme|7001|Backend Down|unavailable|UNAVAILABLE|critical|true|||Platform" {
		t.Errorf("last record %s", got)
	}
}

func TestExportMarkdown(t *testing.T) {
	c, err := Load(false, []string{"testdata/acme.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	c.Vendors[0].Entries[0].Description = "a | b\n<c> *d* [e]"
	var buf bytes.Buffer
	if err := Export(&buf, c, ExportMarkdown); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"| `validation` | 1 | 1 |\n",
		"| `unavailable` | 1 | 1 |\n",
		"| **total** | **3** | **3** |\n",
		"## Acme Messaging\n",
		"- id: `acme`\n- aliases: `acmecorp`, `Acme Corp`\n- hosts: `api.acme.example`, `*.acme.test`, `2001:db8::1`\n",
		"| `1` | Bad Input | validation | INVALID_ARGUMENT | warning | no | 400 |  | a \\| b<br>&lt;c&gt; \\*d\\* \\[e\\] |\n",
		"| `7001` | Backend Down | unavailable | UNAVAILABLE | critical | yes |  | Platform |  |\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestExportDeterministic(t *testing.T) {
	for _, f := range ExportFormats {
		var a, b bytes.Buffer
		for _, buf := range []*bytes.Buffer{&a, &b} {
			c, err := Builtin()
			if err != nil {
				t.Fatal(err)
			}
			if err := Export(buf, c, f); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s export differs between runs", f)
		}
	}
	if _, err := ParseExportFormat("yaml"); err == nil || err.Error() != `unknown export format "yaml" (want json, csv or markdown)` {
		t.Errorf("ParseExportFormat(yaml) = %v", err)
	}
}

// TestCatalogMarkdownFresh fails when catalog/CATALOG.md no longer matches
// the built-in catalog.
func TestCatalogMarkdownFresh(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, c); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("CATALOG.md")
	if err != nil {
		t.Fatalf("%v; generate it from the repository root with: %s", err, MarkdownCommand)
	}
	if !bytes.Equal(committed, buf.Bytes()) {
		t.Fatalf("catalog/CATALOG.md is stale; regenerate it from the repository root with:\n\t%s", MarkdownCommand)
	}
}
