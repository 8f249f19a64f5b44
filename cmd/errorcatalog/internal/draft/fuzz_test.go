package draft

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// FuzzDraft feeds documents to every reader and the extractor. Whatever
// the input: no panic, a bounded result, no code that is not in the
// document, and nothing returned that catalog.Parse refuses.
func FuzzDraft(f *testing.F) {
	for _, s := range seeds {
		if data, err := os.ReadFile(filepath.Join(seedDir, s.doc)); err == nil {
			f.Add(data[:min(len(data), 1500)], uint8(FormatText))
		}
	}
	f.Add([]byte("| Code | Description |\n|---|---|\n| `E_X` | x \\| y |\n"), uint8(FormatMarkdown))
	f.Add([]byte("<table><tr><th>Code<th>Description<tr><td>1<td>a<tr><td colspan=2>G<tr><td>2<td>b</table>"), uint8(FormatHTML))
	f.Add([]byte("\ufeffcode,name\n1,\"a\nb\"\n2\n"), uint8(FormatCSV))
	f.Add([]byte("Error\tDescription\nquota.exceeded\tx\n"), uint8(FormatTSV))
	f.Add([]byte("Error CodeError Description\nGroup\nERR_A_BIndicates x.\n1. y\n\nFor example.\nERR_C z\n"), uint8(FormatAuto))
	rules, err := LoadRules()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		if len(data) > 64<<10 {
			return // the bounds are tested in TestBadDocuments; keep executions fast
		}
		fm := Format(format % uint8(len(formatNames)))
		res, err := Draft("fuzz", data, Options{Format: fm, Vendor: "fuzz", Rules: rules})
		if err != nil {
			return
		}
		if len(res.File.Entries) == 0 || len(res.File.Entries) > maxCodes {
			t.Fatalf("%d entries", len(res.File.Entries))
		}
		if _, err := catalog.Parse("fuzz", res.YAML); err != nil {
			t.Fatalf("drafted catalog fails: %v", err)
		}
		if res.Format == FormatHTML {
			return // entities decode to text that is not in the bytes
		}
		plain := bytes.ReplaceAll(data, []byte(`\`), nil) // Markdown escapes are undone
		for _, e := range res.File.Entries {
			if !bytes.Contains(plain, []byte(e.Code)) {
				t.Fatalf("code %q is not in the document", e.Code)
			}
		}
	})
}
