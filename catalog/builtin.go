package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
)

// builtinFS holds the built-in vendor catalogs, one file per vendor.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// builtinOrder is the ids of the built-in vendors, in catalog order.
// Any other file in builtin/ follows them, by name.
var builtinOrder = []string{"speakap", "zingle", "cometchat", "netease_im", "fonedynamics"}

// builtinFiles parses the embedded files once; the result is never modified.
var builtinFiles = sync.OnceValues(func() ([]*File, error) {
	names, err := fs.Glob(builtinFS, "builtin/*.yaml")
	if err != nil {
		return nil, err
	}
	rank := func(name string) int {
		if i := slices.Index(builtinOrder, strings.TrimSuffix(path.Base(name), ".yaml")); i >= 0 {
			return i
		}
		return len(builtinOrder)
	}
	slices.SortStableFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	for _, id := range builtinOrder {
		if !slices.Contains(names, "builtin/"+id+".yaml") {
			return nil, fmt.Errorf("missing builtin/%s.yaml", id)
		}
	}
	files := make([]*File, 0, len(names))
	for _, name := range names {
		data, err := builtinFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(name), ".yaml"); f.IsOverride() || f.Vendor.ID != want {
			return nil, fmt.Errorf("%s: must define vendor %s", name, want)
		}
		files = append(files, f)
	}
	return files, nil
})

// Builtin returns the built-in catalog: the embedded vendors in the order of
// builtinOrder. The files are parsed once; every call returns a fresh copy
// the caller owns, so indexes built from different calls never share a Vendor.
func Builtin() (*Catalog, error) {
	files, err := builtinFiles()
	if err != nil {
		return nil, fmt.Errorf("built-in catalog: %w", err)
	}
	return merge(files)
}
