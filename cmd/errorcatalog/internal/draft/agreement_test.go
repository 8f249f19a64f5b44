package draft

import (
	"fmt"
	"strings"
	"testing"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// seedDir holds the vendor documents the built-in catalogs were made from.
const seedDir = "../../../../catalog/testdata/seeds"

// seeds pairs each seed document with the built-in catalog made from it.
var seeds = []struct{ doc, builtin string }{
	{"000_4c18a30d6e10122d.txt", "speakap"},
	{"001_0049e3a4c5237d7d.txt", "zingle"},
	{"002_d7f654f51c4a9df1.txt", "cometchat"},
	{"003_f98731d79bd727fb.txt", "netease_im"},
	{"004_6377ea2302b4e20f.txt", "fonedynamics"},
}

// agreement compares a drafted catalog with a reference one.
type agreement struct {
	codes, missing, invented, order int
	class, category                 int
	disagree                        []string
}

func compare(t *testing.T, res *Result, ref []*catalog.Entry) agreement {
	t.Helper()
	var a agreement
	byCode := map[string]*catalog.Entry{}
	for _, e := range ref {
		byCode[strings.ToLower(e.Code)] = e
	}
	drafted := map[string]bool{}
	i := 0
	for _, e := range res.File.Entries {
		k := strings.ToLower(e.Code)
		drafted[k] = true
		r, ok := byCode[k]
		if !ok {
			a.invented++
			a.disagree = append(a.disagree, "invented "+e.Code)
			continue
		}
		a.codes++
		for i < len(ref) && strings.ToLower(ref[i].Code) != k {
			i++
		}
		if i == len(ref) {
			a.order++
		}
		if r.Class.String() == e.Class {
			a.class++
		}
		if r.Category.String() == e.Category {
			a.category++
		}
		if r.Class.String() != e.Class || r.Category.String() != e.Category {
			a.disagree = append(a.disagree, fmt.Sprintf("%s: drafted %s/%s (%s), reference %s/%s — %s", e.Code, e.Category, e.Class, strings.Join(e.Comment, "; "), r.Category, r.Class, e.Description))
		}
	}
	for _, e := range ref {
		if !drafted[strings.ToLower(e.Code)] {
			a.missing++
			a.disagree = append(a.disagree, "missing "+e.Code)
		}
	}
	return a
}

func pct(n, d int) float64 { return 100 * float64(n) / float64(max(d, 1)) }

func vendorEntries(c *catalog.Catalog, id string) []*catalog.Entry {
	for _, vc := range c.Vendors {
		if vc.Vendor.ID == id {
			return vc.Entries
		}
	}
	return nil
}
