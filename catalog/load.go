package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Load returns the built-in catalog (when builtin is true) merged with the
// catalog files at paths, in that order. Vendor files add vendors; override
// files replace a vendor's entry with the same code, or add the entry when the
// vendor has none, later files winning. Every problem in every file is
// reported; a file that cannot be read is named by its path. The result is
// the caller's own: nothing in it is shared with other calls.
func Load(builtin bool, paths []string) (*Catalog, error) {
	var files []*File
	var errs []error
	for _, p := range paths {
		f, err := LoadFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, f)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return LoadParsed(builtin, files...)
}

// LoadParsed is Load for files already parsed (Parse, LoadFile): programs
// that generate a catalog file check what they made, with the built-in
// catalog as the processor would load it, before they write it.
func LoadParsed(builtin bool, files ...*File) (*Catalog, error) {
	if builtin {
		bf, err := builtinFiles()
		if err != nil {
			return nil, fmt.Errorf("built-in catalog: %w", err)
		}
		files = append(slices.Clip(bf), files...)
	}
	return merge(files)
}

// merge builds a catalog from parsed files: first every vendor file, in
// order, then every override file, in order, so an override may come before
// the file defining its vendor. Files are not modified; vendors and entries
// are copied, and each copied vendor records its position in the catalog,
// which lets an Index of it find the vendor's entries with one comparison.
func merge(files []*File) (*Catalog, error) {
	var errs []error
	fail := func(file string, line int, where, format string, args ...any) {
		errs = append(errs, &Error{File: file, Line: line, Where: where, Msg: fmt.Sprintf(format, args...)})
	}
	c := &Catalog{}
	names := map[string]*Vendor{} // lower-cased ids and aliases
	hosts := map[string]*Vendor{} // lower-cased host patterns
	catalogs := map[*Vendor]*VendorCatalog{}

	for _, f := range files {
		if f.IsOverride() {
			continue
		}
		v := cloneVendor(f.Vendor)
		if prev, dup := names[nameKey(v.ID)]; dup {
			if prev.ID == v.ID {
				fail(v.File, v.Line, "vendor", "vendor %s already defined at %s:%d", v.ID, prev.File, prev.Line)
			} else {
				fail(v.File, v.Line, "vendor", "id %s is already an alias of vendor %s (%s:%d)", v.ID, prev.ID, prev.File, prev.Line)
			}
			continue
		}
		clash := false
		for _, a := range v.Aliases {
			if prev, dup := names[nameKey(a)]; dup {
				fail(v.File, v.Line, "vendor", "alias %q already names vendor %s (%s:%d)", a, prev.ID, prev.File, prev.Line)
				clash = true
			}
		}
		for _, h := range v.Hosts {
			if prev, dup := hosts[nameKey(h)]; dup {
				fail(v.File, v.Line, "vendor", "host pattern %q already belongs to vendor %s (%s:%d)", h, prev.ID, prev.File, prev.Line)
				clash = true
			}
		}
		if clash {
			continue
		}
		names[nameKey(v.ID)] = v
		for _, a := range v.Aliases {
			names[nameKey(a)] = v
		}
		for _, h := range v.Hosts {
			hosts[nameKey(h)] = v
		}
		vc := &VendorCatalog{Vendor: v, Entries: make([]*Entry, 0, len(f.Entries))}
		for _, e := range f.Entries {
			ce := *e
			ce.Vendor = v
			vc.Entries = append(vc.Entries, &ce)
		}
		catalogs[v] = vc
		v.pos = len(c.Vendors) // the vendor is this catalog's own copy
		c.Vendors = append(c.Vendors, vc)
	}

	positions := map[*Vendor]map[string]int{} // code key -> index in Entries
	for _, f := range files {
		if !f.IsOverride() {
			continue
		}
		v := names[nameKey(f.Overrides)]
		if v == nil {
			fail(f.Name, f.OverridesLine, "", "overrides %.40q: no such vendor (want a vendor id or alias: %s)", f.Overrides, c.VendorList())
			continue
		}
		vc := catalogs[v]
		pos := positions[v]
		if pos == nil {
			pos = make(map[string]int, len(vc.Entries))
			for i, e := range vc.Entries {
				pos[vendorCodeKey(v, e.Code)] = i
			}
			positions[v] = pos
		}
		shape := codeShape{known: true, vendor: v.ID, typ: v.CodeType}
		for i, e := range f.Entries {
			if msg := shape.check(f.codeKinds[i], e.Code); msg != "" {
				fail(f.Name, e.Line, entryLabel(e.Code), "%s", msg)
				continue
			}
			ce := *e
			ce.Vendor = v
			k := vendorCodeKey(v, ce.Code)
			if j, ok := pos[k]; ok {
				vc.Entries[j] = &ce
			} else {
				pos[k] = len(vc.Entries)
				vc.Entries = append(vc.Entries, &ce)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

func vendorCodeKey(v *Vendor, code string) string {
	if v.CodeType == CodeTypeInt {
		return code // already decimal
	}
	return upperASCII(code)
}

func cloneVendor(v *Vendor) *Vendor {
	c := *v
	c.Aliases = append([]string(nil), v.Aliases...)
	c.Hosts = append([]string(nil), v.Hosts...)
	c.Responses = append([]ResponseShape(nil), v.Responses...)
	c.HTTPStatuses = make([]*Entry, len(v.HTTPStatuses))
	for i, e := range v.HTTPStatuses {
		ce := *e
		ce.Vendor = &c
		c.HTTPStatuses[i] = &ce
	}
	c.pos = 0
	return &c
}

// VendorList lists the catalog's vendor ids in load order for messages:
// at most 20, then "...".
func (c *Catalog) VendorList() string {
	const max = 20
	ids := make([]string, 0, min(len(c.Vendors), max+1))
	for i, vc := range c.Vendors {
		if i == max {
			ids = append(ids, "...")
			break
		}
		ids = append(ids, vc.Vendor.ID)
	}
	if len(ids) == 0 {
		return "none loaded"
	}
	return strings.Join(ids, ", ")
}
