package draft

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkDraft drafts each seed document, and the largest documents
// draft accepts in each layout, to show a run stays proportional to the
// document: go test ./internal/draft -bench Draft -benchmem.
func BenchmarkDraft(b *testing.B) {
	rules, err := LoadRules()
	if err != nil {
		b.Fatal(err)
	}
	docs := map[string][]byte{}
	for _, s := range seeds {
		data, err := os.ReadFile(filepath.Join(seedDir, s.doc))
		if err != nil {
			b.Fatal(err)
		}
		docs["seed/"+s.builtin+".txt"] = data
	}
	// The worst cases within MaxDocumentSize: as many codes as a catalog may
	// hold with long descriptions, and lines that are all prose.
	var table, prose, md strings.Builder
	table.WriteString("Error Code Description\n")
	md.WriteString("| Code | Description |\n|---|---|\n")
	for i := 0; table.Len() < MaxDocumentSize-600; i++ {
		d := strings.Repeat("The widget cannot be found or was deleted by another user. ", 6)
		if i < maxCodes {
			fmt.Fprintf(&table, "ERR_W%d_NOT_FOUND %s\n", i, d)
			fmt.Fprintf(&md, "| ERR_W%d_NOT_FOUND | %s |\n", i, d)
		} else {
			fmt.Fprintf(&table, "%s\n", d)
		}
	}
	for prose.Len() < MaxDocumentSize-100 {
		prose.WriteString("Title Line\n\nA sentence that is not a code row, followed by another.\n")
	}
	docs["worst/table.txt"] = []byte(table.String())
	docs["worst/prose.txt"] = []byte(prose.String())
	docs["worst/table.md"] = []byte(md.String()[:min(md.Len(), MaxDocumentSize)])
	for _, name := range []string{"seed/speakap.txt", "seed/zingle.txt", "seed/cometchat.txt", "seed/netease_im.txt", "seed/fonedynamics.txt", "worst/table.txt", "worst/table.md", "worst/prose.txt"} {
		data := docs[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				_, _ = Draft(name, data, Options{Vendor: "bench", Rules: rules})
			}
		})
	}
}
