package catalog

import (
	"reflect"
	"strings"
	"testing"
)

// testIndex indexes the built-in catalog plus two user vendors whose codes
// collide with built-in ones (acme 403 and 7001, chatco ERR_TOO_MANY_REQUESTS).
func testIndex(t testing.TB) *Index {
	t.Helper()
	c, err := Load(true, []string{"testdata/acme.yaml", "testdata/chatco.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	return NewIndex(c)
}

func mustVendor(t testing.TB, ix *Index, name string) *Vendor {
	t.Helper()
	v, ok := ix.VendorByName(name)
	if !ok {
		t.Fatalf("vendor %q not found", name)
	}
	return v
}

func mustCode(t testing.TB, s string) Code {
	t.Helper()
	c, ok := StringCode(s)
	if !ok {
		t.Fatalf("StringCode(%q) not a code", s)
	}
	return c
}

func TestIndexLookup(t *testing.T) {
	ix := testIndex(t)
	if got, want := ix.Len(), 460+3+2; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
	tests := []struct {
		vendor, code string
		wantName     string // "" = not found
	}{
		{"netease_im", "403", "No Permission"},
		{"netease_im", " 403 ", "No Permission"}, // ints given as strings, trimmed
		{"zingle", " 2601 ", "Authentication Failed"},
		{"zingle", "+2601", "Authentication Failed"},
		{"speakap", "-3", "Insufficient Scope"},
		{"acme", "403", "Forbidden"},
		{"cometchat", "ERR_TOO_MANY_REQUESTS", "Too Many Requests"},
		{"cometchat", "err_too_many_requests", "Too Many Requests"}, // symbolic codes are case-insensitive
		{"cometchat", "  Err_Too_Many_Requests\t", "Too Many Requests"},
		{"chatco", "ERR_TOO_MANY_REQUESTS", "Throttled"},
		{"chatco", "ERR.CHATCO-ONLY", "ChatCo Only"},
		{"fonedynamics", "forbidden", "Forbidden"},
		// Unknown code for a known vendor.
		{"netease_im", "404404", ""},
		{"cometchat", "ERR_NOPE", ""},
		// A code of the wrong shape for the vendor.
		{"zingle", "ERR_TOO_MANY_REQUESTS", ""},
		{"cometchat", "403", ""},
		{"netease_im", "403.0", ""},
		{"cometchat", strings.Repeat("E", maxFold+1), ""},
	}
	for _, tt := range tests {
		v := mustVendor(t, ix, tt.vendor)
		e, ok := ix.Lookup(v, mustCode(t, tt.code))
		switch {
		case tt.wantName == "" && ok:
			t.Errorf("Lookup(%s, %q) = %s, want not found", tt.vendor, tt.code, e.Name)
		case tt.wantName != "" && !ok:
			t.Errorf("Lookup(%s, %q) not found, want %s", tt.vendor, tt.code, tt.wantName)
		case ok && (e.Name != tt.wantName || e.Vendor != v):
			t.Errorf("Lookup(%s, %q) = %s of %s, want %s", tt.vendor, tt.code, e.Name, e.Vendor.ID, tt.wantName)
		}
	}
	if e, ok := ix.Lookup(mustVendor(t, ix, "netease_im"), IntCode(403)); !ok || e.Code != "403" {
		t.Errorf("Lookup(netease_im, IntCode(403)) = %v, %v", e, ok)
	}
	// A vendor of another index, or none, finds nothing.
	other := testIndex(t)
	if _, ok := ix.Lookup(mustVendor(t, other, "netease_im"), IntCode(403)); ok {
		t.Error("Lookup with another index's vendor found an entry")
	}
	if _, ok := ix.Lookup(nil, IntCode(403)); ok {
		t.Error("Lookup with a nil vendor found an entry")
	}
}

func TestIndexInfer(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		code       string
		wantN      int
		wantVendor string // when wantN == 1
	}{
		{"403", 2, ""},  // NetEase and acme: ambiguous
		{"7001", 2, ""}, // Zingle and acme
		{"ERR_TOO_MANY_REQUESTS", 2, ""},
		{"err_too_many_requests", 2, ""},
		{"808", 1, "netease_im"}, // inferable
		{" 2905 ", 1, "zingle"},
		{"-3", 1, "speakap"},
		{"err_plan_quota_restriction", 1, "cometchat"},
		{"RECORD_NOT_FOUND", 1, "fonedynamics"},
		{"1", 1, "acme"},
		{"123456789", 0, ""}, // unknown everywhere
		{"NOPE", 0, ""},
	}
	for _, tt := range tests {
		e, n := ix.Infer(mustCode(t, tt.code))
		if n != tt.wantN {
			t.Errorf("Infer(%q) n = %d, want %d", tt.code, n, tt.wantN)
			continue
		}
		switch {
		case n == 1 && (e == nil || e.Vendor.ID != tt.wantVendor):
			t.Errorf("Infer(%q) = %v, want an entry of %s", tt.code, e, tt.wantVendor)
		case n != 1 && e != nil:
			t.Errorf("Infer(%q) = %s of %s with n = %d, want no entry", tt.code, e.Code, e.Vendor.ID, n)
		}
	}
	all := ix.All(mustCode(t, "403"))
	if len(all) != 2 || all[0].Vendor.ID != "netease_im" || all[1].Vendor.ID != "acme" {
		t.Errorf("All(403) = %v", all)
	}
	if all := ix.All(mustCode(t, "nope")); len(all) != 0 {
		t.Errorf("All(nope) = %v", all)
	}
}

func TestIndexVendorByName(t *testing.T) {
	ix := testIndex(t)
	tests := []struct{ in, want string }{
		{"netease_im", "netease_im"},
		{"NetEase_IM", "netease_im"},
		{" yunxin ", "netease_im"},
		{"CommsEase", "netease_im"},
		{"netease yunxin", "netease_im"},
		{"acmecorp", "acme"},
		{"ACME CORP", "acme"},
		{"cometchat", "cometchat"},
		{"", ""},
		{"   ", ""},
		{"nope", ""},
		{strings.Repeat("a", maxFold+1), ""},
	}
	for _, tt := range tests {
		v, ok := ix.VendorByName(tt.in)
		got := ""
		if ok {
			got = v.ID
		}
		if got != tt.want {
			t.Errorf("VendorByName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIndexVendorByHost(t *testing.T) {
	ix := testIndex(t)
	long := strings.Repeat("abcdefghij.", 20) + "api.cometchat.io" // longer than maxFold
	tests := []struct{ in, want string }{
		{"app.api-us.cometchat.io", "cometchat"},
		{"cometchat.io", "cometchat"},
		{"https://user@API.cometchat.io:443/v3?x", "cometchat"},
		{"cometchat.io.", "cometchat"},
		{"//api.cometchat.io/v3", "cometchat"},
		{"api.cometchat.io:443", "cometchat"},
		{long, "cometchat"},
		{"https://" + long + "/x", "cometchat"},
		{"evilcometchat.io", ""},
		{"cometchat.io.evil.com", ""},
		{"https://evil.com/?next=https://api.cometchat.io", ""},
		{"evil.com/redirect?to=https://api.cometchat.io", ""},
		{"https://api.cometchat.io@evil.com/", ""},
		{"api.acme.example", "acme"},
		{"x.api.acme.example", ""}, // an exact pattern matches only itself
		{"acme.test", "acme"},
		{"deep.eu.acme.test", "acme"},
		{"http://[2001:db8::1]:8080/v1", "acme"}, // IPv6 URL
		{"[2001:DB8::1]", "acme"},
		{"2001:db8::1", "acme"},
		{"http://[2001:db8::2]/", ""},
		{"http://[::1]/", ""},
		{"", ""},
		{"   ", ""},
		{"https://", ""},
		{":443", ""},
	}
	for _, tt := range tests {
		v, ok := ix.VendorByHost(tt.in)
		got := ""
		if ok {
			got = v.ID
		}
		if got != tt.want {
			t.Errorf("VendorByHost(%q) = %q, want %q (host %q)", tt.in, got, tt.want, HostOf(tt.in))
		}
	}
}

func TestHostOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"api.cometchat.io", "api.cometchat.io"},
		{"  api.cometchat.io  ", "api.cometchat.io"},
		{"api.cometchat.io:443", "api.cometchat.io"},
		{"https://user:pw@API.cometchat.io:443/v3/users?x=1#y", "API.cometchat.io"},
		{"HTTPS://api.cometchat.io", "api.cometchat.io"},
		{"grpc+tls://api.cometchat.io", "api.cometchat.io"},
		{"//api.cometchat.io/x", "api.cometchat.io"},
		{"api.cometchat.io/v3/users", "api.cometchat.io"},
		{"api.cometchat.io?x", "api.cometchat.io"},
		{"api.cometchat.io#x", "api.cometchat.io"},
		{"api.cometchat.io.", "api.cometchat.io"},
		{"host/p?next=https://evil.com", "host"},
		{"http://[2001:db8::1]:8080/x", "2001:db8::1"},
		{"[fe80::1%eth0]", "fe80::1%eth0"},
		{"[::1]", "::1"},
		{"::1", "::1"},
		{"2001:db8::1", "2001:db8::1"},
		{"[not-ipv6]:80", ""},
		{"[::1", ""},
		{"", ""},
		{"https://", ""},
		{"user@", ""},
		{":80", ""},
	}
	for _, tt := range tests {
		if got := HostOf(tt.in); got != tt.want {
			t.Errorf("HostOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStringCode(t *testing.T) {
	tests := []struct {
		in    string
		ok    bool
		str   string
		num   int64
		isInt bool
	}{
		{"2601", true, "2601", 2601, true},
		{" 2601 ", true, "2601", 2601, true},
		{"-3", true, "-3", -3, true},
		{"+5", true, "+5", 5, true},
		{"007", true, "007", 7, true},
		{"9223372036854775807", true, "9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", true, "-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", true, "9223372036854775808", 0, false},
		{"-9223372036854775809", true, "-9223372036854775809", 0, false},
		{"ERR_X", true, "ERR_X", 0, false},
		{"12a", true, "12a", 0, false},
		{"-", true, "-", 0, false},
		{"1.0", true, "1.0", 0, false},
		{"", false, "", 0, false},
		{" \t\n", false, "", 0, false},
	}
	for _, tt := range tests {
		c, ok := StringCode(tt.in)
		if ok != tt.ok {
			t.Errorf("StringCode(%q) ok = %v", tt.in, ok)
			continue
		}
		n, isInt := c.Int()
		if c.String() != tt.str || n != tt.num || isInt != tt.isInt {
			t.Errorf("StringCode(%q) = %q, %d, %v; want %q, %d, %v", tt.in, c.String(), n, isInt, tt.str, tt.num, tt.isInt)
		}
	}
	if c, ok := FloatCode(403); !ok || c.String() != "403" {
		t.Errorf("FloatCode(403) = %v, %v", c, ok)
	}
}

// sink keeps results alive so the compiler cannot drop the calls measured.
var sink Code

// TestIndexNoAllocs checks the lookup paths the processor runs per record.
func TestIndexNoAllocs(t *testing.T) {
	ix := testIndex(t)
	ne, cc := mustVendor(t, ix, "netease_im"), mustVendor(t, ix, "cometchat")
	checks := map[string]func(){
		"StringCode":        func() { sink, _ = StringCode(" Err_Too_Many_Requests ") },
		"Lookup int":        func() { ix.Lookup(ne, IntCode(403)) },
		"Lookup string":     func() { c, _ := StringCode("err_too_many_requests"); ix.Lookup(cc, c) },
		"Lookup miss":       func() { c, _ := StringCode("ERR_NOPE"); ix.Lookup(cc, c) },
		"Infer ambiguous":   func() { ix.Infer(IntCode(403)) },
		"Infer string":      func() { c, _ := StringCode("err_plan_quota_restriction"); ix.Infer(c) },
		"VendorByName":      func() { ix.VendorByName(" YunXin ") },
		"VendorByHost":      func() { ix.VendorByHost("https://user@API.cometchat.io:443/v3?x") },
		"VendorByHost IPv6": func() { ix.VendorByHost("http://[2001:db8::1]:8080/v1") },
	}
	for name, f := range checks {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocs per run, want 0", name, n)
		}
	}
}

// TestNewIndexDoesNotMutate indexes vendors that Load did not number: a
// catalog built by hand, and one vendor shared by two catalogs in different
// positions. NewIndex must leave the Vendor values as they were, and every
// index must still find each vendor's entries.
func TestNewIndexDoesNotMutate(t *testing.T) {
	a := &Vendor{ID: "alpha", CodeType: CodeTypeInt}
	b := &Vendor{ID: "beta", CodeType: CodeTypeString}
	ea := &Entry{Vendor: a, Code: "7", IntCode: 7, Name: "Seven"}
	eb := &Entry{Vendor: b, Code: "E_BETA", Name: "Beta"}
	before := []Vendor{*a, *b}

	first := NewIndex(&Catalog{Vendors: []*VendorCatalog{{Vendor: a, Entries: []*Entry{ea}}, {Vendor: b, Entries: []*Entry{eb}}}})
	second := NewIndex(&Catalog{Vendors: []*VendorCatalog{{Vendor: b, Entries: []*Entry{eb}}, {Vendor: a, Entries: []*Entry{ea}}}})

	if !reflect.DeepEqual([]Vendor{*a, *b}, before) {
		t.Fatalf("NewIndex changed the vendors it was given:\n got %+v\nwant %+v", []Vendor{*a, *b}, before)
	}
	for name, ix := range map[string]*Index{"first": first, "second": second} {
		if e, ok := ix.Lookup(a, IntCode(7)); !ok || e != ea {
			t.Errorf("%s: Lookup(alpha, 7) = %v, %v; want %v", name, e, ok, ea)
		}
		if e, ok := ix.Lookup(b, mustCode(t, "e_beta")); !ok || e != eb {
			t.Errorf("%s: Lookup(beta, e_beta) = %v, %v; want %v", name, e, ok, eb)
		}
		if e, ok := ix.Lookup(&Vendor{ID: "alpha", CodeType: CodeTypeInt}, IntCode(7)); ok {
			t.Errorf("%s: Lookup with a vendor the index does not hold = %v; want none", name, e)
		}
	}
}

// TestIndexResponsePaths checks how the built-in vendors' response shapes
// are indexed: by last key, one path per distinct key list, with every
// vendor that declares it.
func TestIndexResponsePaths(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(cat)
	ids := func(p *ResponsePath) []string {
		var out []string
		for _, v := range p.Vendors {
			out = append(out, v.ID)
		}
		return out
	}
	tests := []struct {
		last string
		want map[string][]string // path → vendors
	}{
		{"code", map[string][]string{"code": {"speakap", "netease_im"}, "error → code": {"cometchat"}}},
		{"ErrorCode", map[string][]string{"ResponseStatus → ErrorCode": {"fonedynamics"}}},
		{"error_code", map[string][]string{"status → error_code": {"zingle"}}},
		{"message", nil},
		{"Code", nil},
	}
	for _, tt := range tests {
		got := map[string][]string{}
		for _, p := range ix.ResponsePathsEndingIn(tt.last) {
			got[PathString(p.Keys)] = ids(p)
		}
		if len(tt.want) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("paths ending in %q: got %v, want %v", tt.last, got, tt.want)
		}
	}
	if !ix.HasResponses() {
		t.Error("HasResponses is false for the built-in catalog")
	}
}

// TestStatusEntry checks the standard table's promises and that a vendor's
// documented statuses win over it.
func TestStatusEntry(t *testing.T) {
	cat, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(cat)
	fd := mustVendor(t, ix, "fonedynamics")
	cc := mustVendor(t, ix, "cometchat")
	tests := []struct {
		v      *Vendor
		status int
		name   string
		class  Class
		cat    Category
		retry  bool
	}{
		{cc, 400, "Bad Request", ClassInvalidArgument, CategoryValidation, false},
		{cc, 401, "Unauthorized", ClassUnauthenticated, CategoryAuthentication, false},
		{cc, 403, "Forbidden", ClassPermissionDenied, CategoryAuthorization, false},
		{cc, 404, "Not Found", ClassNotFound, CategoryNotFound, false},
		{cc, 409, "Conflict", ClassAborted, CategoryConflict, false},
		{cc, 429, "Too Many Requests", ClassResourceExhausted, CategoryRateLimit, true},
		{cc, 499, "Client Closed Request", ClassCancelled, CategoryNetwork, false},
		{cc, 501, "Not Implemented", ClassUnimplemented, CategoryUnsupported, false},
		{cc, 502, "Bad Gateway", ClassInternal, CategoryServer, true},
		{cc, 503, "Service Unavailable", ClassUnavailable, CategoryUnavailable, true},
		{cc, 504, "Gateway Timeout", ClassDeadlineExceeded, CategoryTimeout, true},
		{cc, 599, "Server Error", ClassInternal, CategoryServer, false},
		{fd, 403, "Forbidden", ClassPermissionDenied, CategoryAuthorization, false},
		{fd, 500, "Internal Server Error", ClassInternal, CategoryServer, true},
		{fd, 404, "Not Found", ClassNotFound, CategoryNotFound, false}, // not in its table
	}
	for _, tt := range tests {
		e := StatusEntry(tt.v, tt.status)
		if e == nil || e.Name != tt.name || e.Class != tt.class || e.Category != tt.cat || e.Retryable != tt.retry {
			t.Errorf("StatusEntry(%s, %d) = %+v", tt.v.ID, tt.status, e)
		}
	}
	if e := StatusEntry(fd, 500); e.Vendor != fd || e.Description == "" {
		t.Errorf("Fone Dynamics 500 is not its own documented entry: %+v", e)
	}
	for _, st := range []int{0, 200, 399, 600, -1} {
		if e := StatusEntry(cc, st); e != nil {
			t.Errorf("StatusEntry(%d) = %v, want nil", st, e)
		}
	}
	for _, e := range StatusTable() {
		for _, msg := range entryRules(e) {
			t.Errorf("status %s breaks a taxonomy rule: %s", e.Code, msg)
		}
		if e.IntCode >= 500 && e.Severity < SeverityError {
			t.Errorf("status %s: 5xx below severity error", e.Code)
		}
	}
	if n := len(StatusTable()); n != 200 {
		t.Errorf("standard table has %d statuses, want 200", n)
	}
}
