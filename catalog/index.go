package catalog

import (
	"bytes"
	"slices"
	"strings"
)

// maxFold bounds the stack buffer used to fold names and codes to one case.
// Catalog codes, ids, aliases and host patterns are validated to be shorter,
// so a longer input can only miss.
const maxFold = 128

// inferred holds, for one code, the only vendor entry that has it (when
// exactly one does) and how many vendors have it.
type inferred struct {
	entry *Entry
	n     int
}

// vendorCodes holds one vendor's entries keyed by code.
type vendorCodes struct {
	ints map[int64]*Entry
	strs map[string]*Entry // keys upper-cased
}

// Index answers lookups over a Catalog. It is built once, never changes
// afterwards, and so is safe for any number of concurrent readers. Every
// lookup is a constant number of map probes whatever the catalog size, and
// none allocates.
type Index struct {
	catalog *Catalog
	vendors []*Vendor
	codes   []vendorCodes

	byName     map[string]*Vendor // lower-cased ids and aliases
	hostExact  map[string]*Vendor // lower-cased exact hosts
	hostSuffix map[string]*Vendor // lower-cased domains of "*.domain" patterns

	inferInt map[int64]inferred
	inferStr map[string]inferred // keys upper-cased

	// responses are the vendors' response code paths by last key.
	responses map[string][]*ResponsePath

	// posOf is each vendor's position in vendors and codes, for vendors
	// whose own position (set by Load) is not their position here.
	posOf map[*Vendor]int

	size int
}

// NewIndex builds the index of c. Vendors later in c win name and host
// collisions, matching how later files override earlier ones. NewIndex only
// reads c: the same Catalog, or Vendor values shared by several catalogs,
// may be indexed any number of times.
func NewIndex(c *Catalog) *Index {
	ix := &Index{
		catalog:    c,
		byName:     map[string]*Vendor{},
		hostExact:  map[string]*Vendor{},
		hostSuffix: map[string]*Vendor{},
		inferInt:   map[int64]inferred{},
		inferStr:   map[string]inferred{},
		posOf:      make(map[*Vendor]int, len(c.Vendors)),
	}
	for pos, vc := range c.Vendors {
		v := vc.Vendor
		ix.posOf[v] = pos
		ix.vendors = append(ix.vendors, v)
		vcodes := vendorCodes{}
		if v.CodeType == CodeTypeInt {
			vcodes.ints = make(map[int64]*Entry, len(vc.Entries))
		} else {
			vcodes.strs = make(map[string]*Entry, len(vc.Entries))
		}
		for _, e := range vc.Entries {
			if v.CodeType == CodeTypeInt {
				if _, dup := vcodes.ints[e.IntCode]; !dup {
					addInferred(ix.inferInt, e.IntCode, e)
				}
				vcodes.ints[e.IntCode] = e
			} else {
				k := upperASCII(e.Code)
				if _, dup := vcodes.strs[k]; !dup {
					addInferred(ix.inferStr, k, e)
				}
				vcodes.strs[k] = e
			}
			ix.size++
		}
		ix.codes = append(ix.codes, vcodes)
		ix.byName[nameKey(v.ID)] = v
		for _, a := range v.Aliases {
			ix.byName[nameKey(a)] = v
		}
		for _, h := range v.Hosts {
			h = nameKey(h)
			if len(h) > 2 && h[:2] == "*." {
				ix.hostSuffix[h[2:]] = v
			} else {
				ix.hostExact[h] = v
			}
		}
	}
	ix.responses = indexResponses(ix.vendors)
	return ix
}

// ResponsePathsEndingIn returns the response code paths whose last key is
// k, or nil. It does not allocate. The slice is shared; do not modify it.
func (ix *Index) ResponsePathsEndingIn(k string) []*ResponsePath {
	if len(ix.responses) == 0 {
		return nil
	}
	return ix.responses[k]
}

// HasResponses reports whether any vendor declares a response shape.
func (ix *Index) HasResponses() bool { return len(ix.responses) > 0 }

// ResponseLastKeys returns the last keys of every response code path, in
// load order of the vendors that declare them, each once.
func (ix *Index) ResponseLastKeys() []string {
	var out []string
	for _, v := range ix.vendors {
		for _, s := range v.Responses {
			if k := s.Code[len(s.Code)-1]; !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

func addInferred[K comparable](m map[K]inferred, k K, e *Entry) {
	in := m[k]
	in.n++
	if in.n == 1 {
		in.entry = e
	} else {
		in.entry = nil
	}
	m[k] = in
}

// Catalog returns the catalog the index was built from.
func (ix *Index) Catalog() *Catalog { return ix.catalog }

// Vendors returns the indexed vendors in load order. The slice is shared;
// do not modify it.
func (ix *Index) Vendors() []*Vendor { return ix.vendors }

// Len returns the number of entries.
func (ix *Index) Len() int { return ix.size }

// VendorByName returns the vendor whose id or alias is s, compared
// case-insensitively after trimming white space.
func (ix *Index) VendorByName(s string) (*Vendor, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxFold {
		return nil, false
	}
	var buf [maxFold]byte
	if n := fold(&buf, s, false); n > 0 {
		v, ok := ix.byName[string(buf[:n])] // does not allocate
		return v, ok
	}
	v, ok := ix.byName[s]
	return v, ok
}

// VendorByHost returns the vendor whose host patterns match s. s may be a
// host, a host:port, or a URL; the host is compared case-insensitively.
func (ix *Index) VendorByHost(s string) (*Vendor, bool) {
	h := HostOf(s)
	if h == "" {
		return nil, false
	}
	// Patterns are at most maxFold long, so a longer host can only match a
	// "*.domain" pattern through one of its shorter parent domains.
	exact := true
	for len(h) > maxFold {
		dot := strings.IndexByte(h, '.')
		if dot < 0 {
			return nil, false
		}
		h, exact = h[dot+1:], false
	}
	var buf [maxFold]byte
	b := buf[:copy(buf[:], h)]
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 0x20
		}
	}
	// Map lookups on string(b) do not allocate.
	if exact {
		if v, ok := ix.hostExact[string(b)]; ok {
			return v, true
		}
	}
	// Walk the domain suffixes: a.b.c.io tries a.b.c.io, b.c.io, c.io, io.
	for {
		if v, ok := ix.hostSuffix[string(b)]; ok {
			return v, true
		}
		dot := bytes.IndexByte(b, '.')
		if dot < 0 {
			return nil, false
		}
		b = b[dot+1:]
	}
}

// Lookup returns v's entry for c.
func (ix *Index) Lookup(v *Vendor, c Code) (*Entry, bool) {
	pos, ok := ix.position(v)
	if !ok {
		return nil, false
	}
	vc := &ix.codes[pos]
	if v.CodeType == CodeTypeInt {
		if !c.hasNum {
			return nil, false
		}
		e, ok := vc.ints[c.num]
		return e, ok
	}
	if !c.hasStr || len(c.str) > maxFold {
		return nil, false
	}
	var buf [maxFold]byte
	if n := fold(&buf, c.str, true); n > 0 {
		e, ok := vc.strs[string(buf[:n])] // does not allocate
		return e, ok
	}
	e, ok := vc.strs[c.str]
	return e, ok
}

// position returns v's position in the index. Load numbers the vendors of
// the catalogs it builds, so for those the hint v.pos is checked with one
// comparison; any other Vendor is found in posOf.
func (ix *Index) position(v *Vendor) (int, bool) {
	if v == nil {
		return 0, false
	}
	if p := v.pos; p < len(ix.vendors) && ix.vendors[p] == v {
		return p, true
	}
	p, ok := ix.posOf[v]
	return p, ok
}

// Infer returns how many vendors document c and, when exactly one does,
// that vendor's entry.
func (ix *Index) Infer(c Code) (*Entry, int) {
	if c.hasNum {
		if in, ok := ix.inferInt[c.num]; ok {
			return in.entry, in.n
		}
	}
	if c.hasStr && len(c.str) <= maxFold {
		var buf [maxFold]byte
		var in inferred
		var ok bool
		if n := fold(&buf, c.str, true); n > 0 {
			in, ok = ix.inferStr[string(buf[:n])] // does not allocate
		} else {
			in, ok = ix.inferStr[c.str]
		}
		if ok {
			return in.entry, in.n
		}
	}
	return nil, 0
}

// All returns every vendor's entry for c, in load order.
func (ix *Index) All(c Code) []*Entry {
	var out []*Entry
	for _, v := range ix.vendors {
		if e, ok := ix.Lookup(v, c); ok {
			out = append(out, e)
		}
	}
	return out
}

// HostOf extracts the host from a host, host:port, [ipv6]:port, bare IPv6
// address or URL ("https://user@api.cometchat.io:443/v3/users?x#y"). It
// returns "" when there is no host. The result is always a substring of s,
// and HostOf(HostOf(s)) == HostOf(s). It never allocates.
func HostOf(s string) string {
	s = strings.TrimSpace(s)
	// Only a real scheme starts a URL: in "api.x.io/p?next=https://evil.io"
	// the host is api.x.io.
	if i := strings.Index(s, "://"); i > 0 && isScheme(s[:i]) {
		s = s[i+3:]
	} else if len(s) > 2 && s[0] == '/' && s[1] == '/' {
		s = s[2:]
	}
	// The authority ends at the first path, query or fragment delimiter.
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '/' || c == '?' || c == '#' {
			s = s[:i]
			break
		}
	}
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		s = strings.TrimSpace(s[at+1:])
	}
	if len(s) > 0 && s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 || !isIPv6Literal(s[1:end]) {
			return ""
		}
		return trimHostEnd(s[1:end])
	}
	// One colon separates a port; more make a bare IPv6 address.
	if colon := strings.IndexByte(s, ':'); colon >= 0 && strings.IndexByte(s[colon+1:], ':') < 0 {
		s = s[:colon]
	}
	return trimHostEnd(s)
}

// trimHostEnd drops white space and the dots a fully-qualified name may end in.
func trimHostEnd(s string) string {
	for len(s) > 0 {
		if c := s[len(s)-1]; c == '.' || c == ' ' || c == '\t' {
			s = s[:len(s)-1]
			continue
		}
		if t := strings.TrimSpace(s); len(t) < len(s) {
			s = t
			continue
		}
		break
	}
	return s
}

// isScheme reports whether s is a URL scheme: a letter, then letters, digits, "+", "-" or ".".
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c|0x20 >= 'a' && c|0x20 <= 'z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
			continue
		}
		return false
	}
	return len(s) > 0
}

// isIPv6Literal reports whether s could be the inside of "[...]" in a URL:
// at least two colons, and only hex digits, colons, dots and zone characters.
func isIPv6Literal(s string) bool {
	colons := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ':':
			colons++
		case c >= '0' && c <= '9', c|0x20 >= 'a' && c|0x20 <= 'z', c == '.', c == '%', c == '-', c == '_', c == '~':
		default:
			return false
		}
	}
	return colons >= 2
}

// fold copies s into buf in one ASCII case and returns its length, or returns
// 0 when s is already in that case and can be used as it is. Callers look up
// maps with string(buf[:n]), which the compiler does without allocating.
// len(s) must not exceed maxFold.
func fold(buf *[maxFold]byte, s string, upper bool) int {
	lo, hi := byte('A'), byte('Z')
	if upper {
		lo, hi = 'a', 'z'
	}
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c >= lo && c <= hi {
			break
		}
	}
	if i == len(s) {
		return 0
	}
	n := copy(buf[:], s)
	for ; i < n; i++ {
		if c := buf[i]; c >= lo && c <= hi {
			buf[i] = c ^ 0x20
		}
	}
	return n
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 0x20
		}
	}
	return string(b)
}

// nameKey is the key a vendor id, alias or host pattern is indexed and
// compared under: trimmed of white space, ASCII letters lower-cased.
func nameKey(s string) string {
	b := []byte(strings.TrimSpace(s))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 0x20
		}
	}
	return string(b)
}
