package catalog

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse feeds any bytes to the catalog parser: it must never panic,
// report problems only as errors naming the file, and accept only files that
// satisfy every rule. The seed corpus is testdata/fuzz/FuzzParse plus the
// small catalog files of testdata (the built-in files are large, which makes
// the fuzzer slow to minimize what it finds).
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	builtin, err := builtinFiles()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			checkParseError(t, err, file)
			if _, again := Parse("fuzz.yaml", data); again == nil || again.Error() != err.Error() {
				t.Fatalf("second parse reported differently:\n%v\n---\n%v", err, again)
			}
			return
		}
		checkParsedFile(t, file)
		// A valid file merges with the built-in catalog or is refused with an
		// error, and everything it defines can then be looked up and exported.
		c, err := merge(append(append([]*File(nil), builtin...), file))
		if err != nil {
			checkParseError(t, err, nil)
			return
		}
		ix := NewIndex(c)
		name := file.Overrides
		if !file.IsOverride() {
			name = file.Vendor.ID
		}
		v, ok := ix.VendorByName(name)
		if !ok {
			t.Fatalf("vendor %q not found after merge", name)
		}
		for _, e := range file.Entries {
			code, ok := StringCode(e.Code)
			if !ok {
				t.Fatalf("entry code %q is not a code", e.Code)
			}
			got, ok := ix.Lookup(v, code)
			if !ok || got.Name != e.Name {
				t.Fatalf("entry %q not found after merge", e.Code)
			}
		}
		// Export the vendor the file touched.
		touched := &Catalog{Vendors: []*VendorCatalog{c.Vendors[slices.IndexFunc(c.Vendors, func(vc *VendorCatalog) bool { return vc.Vendor == v })]}}
		for _, format := range ExportFormats {
			if err := Export(io.Discard, touched, format); err != nil {
				t.Fatalf("export %s: %v", format, err)
			}
		}
	})
}

func checkParseError(t *testing.T, err error, file *File) {
	t.Helper()
	if file != nil {
		t.Fatal("Parse returned a file and an error")
	}
	msg := err.Error()
	if msg == "" {
		t.Fatal("empty error")
	}
	lines := strings.Split(msg, "\n")
	if len(lines) > maxProblems+1 {
		t.Fatalf("%d problems reported, more than the bound", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "fuzz.yaml") && !strings.HasPrefix(l, "builtin/") {
			t.Fatalf("problem does not name its file: %q", l)
		}
	}
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a *catalog.Error", err)
	}
}

func checkParsedFile(t *testing.T, f *File) {
	t.Helper()
	if len(f.Entries) == 0 || len(f.Entries) != len(f.codeKinds) {
		t.Fatalf("%d entries, %d code kinds", len(f.Entries), len(f.codeKinds))
	}
	if f.IsOverride() {
		if strings.TrimSpace(f.Overrides) == "" {
			t.Fatal("override file without a vendor")
		}
	} else {
		v := f.Vendor
		if checkVendorID(v.ID) != "" || v.Name == "" {
			t.Fatalf("invalid vendor accepted: %+v", *v)
		}
		for _, a := range v.Aliases {
			if checkAlias(a) != "" {
				t.Fatalf("invalid alias accepted: %q", a)
			}
		}
		for _, h := range v.Hosts {
			if checkHostPattern(h) != "" {
				t.Fatalf("invalid host pattern accepted: %q", h)
			}
		}
	}
	seen := map[string]bool{}
	for i, e := range f.Entries {
		if e.Name == "" || e.Category == CategoryUnknown || e.Category >= numCategories || e.Class >= numClasses || e.Severity >= numSeverities {
			t.Fatalf("invalid entry accepted: %+v", *e)
		}
		if msgs := entryRules(e); len(msgs) > 0 {
			t.Fatalf("entry %q breaks rules: %v", e.Code, msgs)
		}
		if e.HTTPStatus != 0 && (e.HTTPStatus < 100 || e.HTTPStatus > 599) {
			t.Fatalf("http_status %d accepted", e.HTTPStatus)
		}
		switch f.codeKinds[i] {
		case codeInt:
			if strconv.FormatInt(e.IntCode, 10) != e.Code {
				t.Fatalf("int code %q spelled as %d", e.Code, e.IntCode)
			}
			if !f.IsOverride() && f.Vendor.CodeType != CodeTypeInt {
				t.Fatalf("int code %q in a string vendor", e.Code)
			}
		case codeString:
			if !ValidStringCode(e.Code) {
				t.Fatalf("string code %q accepted", e.Code)
			}
			if !f.IsOverride() && f.Vendor.CodeType != CodeTypeString {
				t.Fatalf("string code %q in an int vendor", e.Code)
			}
		}
		k := codeKey(f.codeKinds[i], e)
		if seen[k] {
			t.Fatalf("duplicate code %q accepted", e.Code)
		}
		seen[k] = true
	}
}

// FuzzStringCode checks code normalization against strconv on any string,
// and that looking the code up never panics and agrees with Infer.
func FuzzStringCode(f *testing.F) {
	for _, s := range []string{"2601", " -3 ", "+7", "ERR_TOO_MANY_REQUESTS", "err_plan_quota_restriction", "9223372036854775808",
		"-9223372036854775808", "0x10", "1e3", "", " ", "\u00a0403\u00a0", "ERR_\xff", strings.Repeat("9", 40)} {
		f.Add(s)
	}
	ix := NewIndex(mustLoad(f, true, "testdata/acme.yaml", "testdata/chatco.yaml"))
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := StringCode(s)
		trimmed := strings.TrimSpace(s)
		if ok != (trimmed != "") || c.IsZero() == ok {
			t.Fatalf("StringCode(%q) ok = %v", s, ok)
		}
		if !ok {
			return
		}
		if c.String() != trimmed {
			t.Fatalf("String() = %q, want %q", c.String(), trimmed)
		}
		n, isInt := c.Int()
		want, err := strconv.ParseInt(trimmed, 10, 64)
		if isInt != (err == nil) || (isInt && n != want) {
			t.Fatalf("StringCode(%q).Int() = %d, %v; strconv says %d, %v", s, n, isInt, want, err)
		}
		e, count := ix.Infer(c)
		all := ix.All(c)
		if count != len(all) || (count == 1) != (e != nil) {
			t.Fatalf("Infer(%q) = %v, %d; All has %d", s, e, count, len(all))
		}
		for _, a := range all {
			if got, ok := ix.Lookup(a.Vendor, c); !ok || got != a {
				t.Fatalf("Lookup(%s, %q) disagrees with All", a.Vendor.ID, s)
			}
			if !strings.EqualFold(a.Code, trimmed) && (!isInt || a.IntCode != n) {
				t.Fatalf("%q matched entry %s of %s", s, a.Code, a.Vendor.ID)
			}
		}
	})
}

// FuzzHostOf checks host extraction on any string: the host is a substring
// of the input, extracting again changes nothing, and VendorByHost agrees
// with a plain reading of the host patterns.
func FuzzHostOf(f *testing.F) {
	for _, s := range []string{"https://user@API.cometchat.io:443/v3?x", "app.api-us.cometchat.io", "cometchat.io", "evilcometchat.io",
		"cometchat.io.evil.com", "http://[2001:db8::1]:8080/", "[::1]", "::1", "host/p?next=https://evil", "a@b@c", "x.netease.im.",
		"//api.speakap.io", " \t", "[a:b]", "\xffhost", strings.Repeat("a.", 80) + "cometchat.io"} {
		f.Add(s)
	}
	ix := NewIndex(mustLoad(f, true, "testdata/acme.yaml"))
	f.Fuzz(func(t *testing.T, s string) {
		h := HostOf(s)
		if !strings.Contains(s, h) {
			t.Fatalf("HostOf(%q) = %q, not a substring", s, h)
		}
		if again := HostOf(h); again != h {
			t.Fatalf("HostOf(%q) = %q, but HostOf(%q) = %q", s, h, h, again)
		}
		v, ok := ix.VendorByHost(s)
		vh, okh := ix.VendorByHost(h)
		if ok != okh || v != vh {
			t.Fatalf("VendorByHost(%q) = %v, but VendorByHost(HostOf) = %v", s, v, vh)
		}
		want := referenceVendorByHost(ix, h)
		if (want == nil) == ok || (ok && v != want) {
			t.Fatalf("VendorByHost(%q) (host %q) = %v, want %v", s, h, v, want)
		}
		ix.VendorByName(s) // must not panic
	})
}

// referenceVendorByHost matches host patterns the plain, slow way.
func referenceVendorByHost(ix *Index, host string) *Vendor {
	h := nameKey(host)
	if h == "" {
		return nil
	}
	for _, v := range ix.Vendors() {
		for _, p := range v.Hosts {
			if nameKey(p) == h {
				return v
			}
		}
	}
	// The most specific "*.domain" wins, as in the index.
	var best *Vendor
	bestLen := -1
	for _, v := range ix.Vendors() {
		for _, p := range v.Hosts {
			d, ok := strings.CutPrefix(nameKey(p), "*.")
			if ok && (h == d || strings.HasSuffix(h, "."+d)) && len(d) > bestLen {
				best, bestLen = v, len(d)
			}
		}
	}
	return best
}

func mustLoad(tb testing.TB, builtin bool, paths ...string) *Catalog {
	tb.Helper()
	c, err := Load(builtin, paths)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestFuzzCorpusFormat keeps the committed seed corpus readable by the fuzzer.
func TestFuzzCorpusFormat(t *testing.T) {
	paths, err := filepath.Glob("testdata/fuzz/*/*")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no seed corpus: %v", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("go test fuzz v1\n")) {
			t.Errorf("%s is not in the go test fuzz v1 format", p)
		}
	}
}
