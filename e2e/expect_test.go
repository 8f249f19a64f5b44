package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/otel/attribute"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// prefix is the default output prefix; every attribute the processor writes
// starts with it.
const prefix = "error.catalog."

// outcome is what the processor should make of one record, stated in catalog
// terms; attrs turns it into the exact attribute set expected under prefix,
// taken from the catalog itself so the suite follows catalog edits and tests
// the processor and the wire, not the catalog's wording.
type outcome struct {
	kind   outcomeKind
	vendor string       // a catalog vendor id or alias; "" when none resolves
	code   catalog.Code // the entry expected, for found
}

type outcomeKind int

const (
	untouched outcomeKind = iota // no code value read: nothing under the prefix
	found                        // the vendor's entry for the code
	missed                       // a code was read but no entry matched
)

// entry expects vendor's catalog entry for code.
func entry(vendor string, code catalog.Code) outcome {
	return outcome{kind: found, vendor: vendor, code: code}
}

// miss expects category unknown and class UNKNOWN, with vendor written when
// one resolved ("" for none).
func miss(vendor string) outcome { return outcome{kind: missed, vendor: vendor} }

// none expects the record untouched: no attribute added under the prefix.
func none() outcome { return outcome{kind: untouched} }

func intCode(v int64) catalog.Code { return catalog.IntCode(v) }

func strCode(s string) catalog.Code {
	c, ok := catalog.StringCode(s)
	if !ok {
		panic("not a code: " + s)
	}
	return c
}

// attrs returns the attributes expected under the prefix on a record sent
// with the attributes sent.
func (o outcome) attrs(t *testing.T, ix *catalog.Index, sent ...attribute.KeyValue) map[string]any {
	t.Helper()
	switch o.kind {
	case untouched:
		// Records without a code value are not touched at all, not even
		// attributes under the prefix.
		m := map[string]any{}
		for _, kv := range sent {
			if strings.HasPrefix(string(kv.Key), prefix) {
				m[string(kv.Key)] = kv.Value.AsInterface()
			}
		}
		return m
	case missed:
		m := map[string]any{prefix + "category": "unknown", prefix + "class": "UNKNOWN"}
		if o.vendor != "" {
			m[prefix+"vendor"] = vendorOf(t, ix, o.vendor).ID
		}
		return m
	}
	v := vendorOf(t, ix, o.vendor)
	e, ok := ix.Lookup(v, o.code)
	if !ok {
		t.Fatalf("test premise: %s has no entry for code %v", v.ID, o.code)
	}
	return enriched(e)
}

// enriched is the default attribute set written for entry e.
func enriched(e *catalog.Entry) map[string]any {
	m := map[string]any{
		prefix + "vendor":    e.Vendor.ID,
		prefix + "code":      e.Code,
		prefix + "name":      e.Name,
		prefix + "category":  e.Category.String(),
		prefix + "class":     e.Class.String(),
		prefix + "severity":  e.Severity.String(),
		prefix + "retryable": e.Retryable,
	}
	if e.HTTPStatus != 0 {
		m[prefix+"http_status"] = int64(e.HTTPStatus)
	}
	return m
}

func vendorOf(t *testing.T, ix *catalog.Index, name string) *catalog.Vendor {
	t.Helper()
	v, ok := ix.VendorByName(name)
	if !ok {
		t.Fatalf("test premise: no catalog vendor %q", name)
	}
	return v
}

// builtinIndex is the index of the built-in catalogs, what an empty
// errorcatalog block loads.
func builtinIndex(t *testing.T) *catalog.Index {
	t.Helper()
	c, err := catalog.Builtin()
	if err != nil {
		t.Fatalf("built-in catalogs: %v", err)
	}
	return catalog.NewIndex(c)
}

// loadIndex is the index of the built-in catalogs plus files, given relative
// to the repository root as in the collector configurations.
func loadIndex(t *testing.T, files ...string) *catalog.Index {
	t.Helper()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(root, f)
	}
	c, err := catalog.Load(true, paths)
	if err != nil {
		t.Fatalf("catalogs %v: %v", files, err)
	}
	return catalog.NewIndex(c)
}

// split separates a record's attributes into those under the prefix and the
// rest.
func split(m pcommon.Map) (catalogAttrs, other map[string]any) {
	catalogAttrs, other = map[string]any{}, map[string]any{}
	for k, v := range m.All() {
		if strings.HasPrefix(k, prefix) {
			catalogAttrs[k] = v.AsRaw()
		} else {
			other[k] = v.AsRaw()
		}
	}
	return catalogAttrs, other
}

// sentOther is what the attributes sent through the SDK outside the prefix
// look like once decoded from OTLP: the processor must leave exactly these.
func sentOther(kvs []attribute.KeyValue) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		if !strings.HasPrefix(string(kv.Key), prefix) {
			m[string(kv.Key)] = kv.Value.AsInterface()
		}
	}
	return m
}
