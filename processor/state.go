package processor

import (
	"fmt"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// codeKey is one attribute read for a code, with the vendor it is bound to
// (nil: none).
type codeKey struct {
	key    string
	vendor *catalog.Vendor
}

// outputNames are the full names of the attributes the processor writes,
// indexed by config.Attribute, built once from the configured prefix so
// writing never concatenates strings.
type outputNames struct {
	prefix string
	names  [numAttributes]string
}

const numAttributes = int(config.AttributeDescription) + 1

func newOutputNames(prefix string) outputNames {
	n := outputNames{prefix: prefix}
	for _, a := range config.Attributes() {
		n.names[a] = prefix + a.String()
	}
	return n
}

// state is everything the hot path reads: the catalog's index and the plan
// of attributes to read and write. It is immutable once built; a reload
// builds a new state and swaps the pointer, so a batch sees one catalog
// from start to end and readers never lock.
type state struct {
	index   *catalog.Index
	entries int

	codeKeys []codeKey
	// scanByLen lists, for each key length, the positions of the code keys
	// of that length. When set, codes are read with one pass over a record's
	// attributes instead of one Get per key; see readCode.
	scanByLen [][]uint8
	// scanByKey maps each code key to its position, for key lists longer
	// than scanByLen takes. When set, codes are read with one pass and a
	// map probe per attribute; see scanCodeMany.
	scanByKey map[string]int
	// scanLens has bit n set when some code key is n bytes long, so the
	// pass skips most attributes with one bit test.
	scanLens [scanMaxLen / 64]uint64
	// scanFirst has bit c set when some code key starts with byte c.
	scanFirst [256 / 64]uint64

	vendorKeys []string
	hostKeys   []string
	// hintByLen lists, for each key length, the vendor and host attributes
	// of that length, and hintLens and hintFirst their lengths and first
	// bytes, as for the code keys. When set, a record's hints are read in
	// one pass; see vendorHintScan.
	hintByLen [][]hintKey
	hintLens  [scanMaxLen / 64]uint64
	hintFirst [256 / 64]uint64
	infer     bool

	payloads payloadPlan
	// errorType, text and statusFallback are the other places a code may
	// be read from (probes.go).
	errorType      bool
	text           textPlan
	statusFallback bool
	// probeByLen lists, for each key length, the attributes the places a
	// code may be are read from (see scanPayloadKey).
	probeByLen [][]probeKey
	// names are the vendors' ids and aliases, for the text that names one.
	names map[[4]byte][]vendorName

	out outputNames
	// selected has bit a set for each attribute a the configuration
	// writes (output.attributes).
	selected uint16

	sets *metricSets
}

// newState builds the state for a loaded catalog. It fails when the
// configuration does not fit the catalog (a code attribute bound to a
// vendor the catalog lacks), which on reload keeps the last good state.
func newState(cfg *config.Config, cat *catalog.Catalog) (*state, error) {
	ix := catalog.NewIndex(cat)
	st := &state{
		index:      ix,
		entries:    ix.Len(),
		vendorKeys: cfg.VendorAttributes,
		hostKeys:   cfg.HostAttributes,
		infer:      cfg.InferVendor,
		out:        newOutputNames(cfg.Output.Prefix),
		selected:   cfg.WrittenAttributes(),
		payloads:   newPayloadPlan(cfg.Payloads, ix),
		errorType:  cfg.ErrorType,
		text:       textPlan{keys: cfg.Text.Attributes, maxBytes: cfg.Text.MaxBytes},

		statusFallback: cfg.HTTPStatusFallback,
		names:          buildVendorNames(ix.Vendors()),
		sets:           newMetricSets(ix.Vendors()),
	}
	for i, a := range cfg.EffectiveCodeAttributes(ix.Vendors()) {
		k := codeKey{key: a.Key}
		if a.Vendor != "" {
			v, ok := ix.VendorByName(a.Vendor)
			if !ok {
				return nil, fmt.Errorf("code_attributes[%d].vendor: %w %q", i, config.ErrUnknownVendor, a.Vendor)
			}
			k.vendor = v
		}
		st.codeKeys = append(st.codeKeys, k)
	}
	st.buildHintIndex()
	st.scanByLen = buildScanIndex(st.codeKeys)
	if st.scanByLen == nil {
		st.scanByKey = buildScanMap(st.codeKeys)
	}
	st.buildProbeIndex()
	// The pass over the attributes stops at the string attributes read as
	// payloads too (see scanKey).
	keys := make([]string, 0, len(st.codeKeys)+len(st.payloads.stringKeys))
	for _, k := range st.codeKeys {
		keys = append(keys, k.key)
	}
	if st.payloads.enabled {
		keys = append(keys, st.payloads.stringKeys...)
	}
	if st.errorType {
		keys = append(keys, config.ErrorTypeAttribute)
	}
	keys = append(keys, st.text.keys...)
	for _, k := range keys {
		if n := len(k); n > 0 && n < scanMaxLen {
			st.scanLens[n>>6] |= 1 << (n & 63)
			c := k[0]
			st.scanFirst[c>>6] |= 1 << (c & 63)
		}
	}
	return st, nil
}

// scanMinKeys and scanMaxKeys bound when codes are read with one pass over
// the attributes that matches keys by length. With few keys one Get per key
// is cheaper than a pass; that pass tracks keys in a 64-bit mask, and
// longer lists are matched through a map instead.
const (
	scanMinKeys = 4
	scanMaxKeys = 64
	scanMaxLen  = 256
)

func buildScanIndex(keys []codeKey) [][]uint8 {
	if len(keys) < scanMinKeys || len(keys) > scanMaxKeys {
		return nil
	}
	maxLen := 0
	for _, k := range keys {
		if k.key == "" || len(k.key) >= scanMaxLen {
			return nil // the pass filters on length and first byte
		}
		maxLen = max(maxLen, len(k.key))
	}
	byLen := make([][]uint8, maxLen+1)
	for i, k := range keys {
		byLen[len(k.key)] = append(byLen[len(k.key)], uint8(i))
	}
	return byLen
}

// buildScanMap returns the position of every code key, for lists longer
// than scanMaxKeys. A key listed twice keeps its first position, as one
// Get per key would find it first. A list with an empty key or one of
// scanMaxLen bytes or more is read with one Get per key instead.
func buildScanMap(keys []codeKey) map[string]int {
	if len(keys) <= scanMaxKeys {
		return nil
	}
	m := make(map[string]int, len(keys))
	for i, k := range keys {
		if k.key == "" || len(k.key) >= scanMaxLen {
			return nil // the pass filters on length and first byte
		}
		if _, dup := m[k.key]; !dup {
			m[k.key] = i
		}
	}
	return m
}

// buildHintIndex indexes the vendor and host attributes by length for
// readHints, unless there are more than maxHintKeys of them or one is empty
// or scanMaxLen bytes or longer: those are read with one Get per key.
func (st *state) buildHintIndex() {
	keys := append(append([]string(nil), st.vendorKeys...), st.hostKeys...)
	if len(keys) > maxHintKeys {
		return
	}
	maxLen := 0
	for _, k := range keys {
		if k == "" || len(k) >= scanMaxLen {
			return
		}
		maxLen = max(maxLen, len(k))
	}
	st.hintByLen = make([][]hintKey, maxLen+1)
	for i, k := range keys {
		n := len(k)
		st.hintByLen[n] = append(st.hintByLen[n], hintKey{key: k, pos: uint8(i)})
		st.hintLens[n>>6] |= 1 << (n & 63)
		st.hintFirst[k[0]>>6] |= 1 << (k[0] & 63)
	}
}
